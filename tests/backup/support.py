"""Hanse as an operator runs it for the backup tests: a data directory of its own, the
commands in child processes, and the comparisons of every table's rows and every file."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from pathlib import Path
from typing import Any

from tests.support.processes import BASE_DIR, child_env, run_python


def hanse_env(data_dir: Path, database_url: str = "") -> dict[str, str]:
    """A development installation in ``data_dir``: SQLite there unless ``database_url``."""
    env = child_env(
        drop=("DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "MEDIA_ROOT", "SECRET_KEY"),
        drop_prefixes=("HANSE_", "TASKS_", "VAPID_", "TEST_DATABASE", "DJANGO_SETTINGS_MODULE"),
        HANSE_DATA_DIR=str(data_dir),
        HANSE_ENV="development",
        DJANGO_SETTINGS_MODULE="hanse.settings",
        # The commands speak German by default; these tests read their English texts (the
        # German ones: tests/backup/test_messages.py).
        LANGUAGE_CODE="en",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """``manage.py args`` to its end; its output (a failed assertion when it fails)."""
    return run_python(["manage.py", *args], env, timeout=300)


def manage_failing(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``manage.py args`` run to its end whatever its exit code."""
    return subprocess.run(  # noqa: S603  # our own interpreter and arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def seed(env: dict[str, str]) -> None:
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "seed_demo", "--size", "small")


def backup(env: dict[str, str], output: Path) -> Path:
    """Run hanse_backup into the folder ``output``; the archive."""
    out = manage(env, "hanse_backup", "--output", f"{output}/")
    archives = sorted(output.glob("hanse-backup-*.tar.gz"))
    assert len(archives) == 1, out
    assert str(archives[0]) in out
    return archives[0]


def manifest_of(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return dict(json.loads(member.read()))


def file_digests(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` by its relative path."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def sqlite_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, all columns, ordered by primary key (all columns without one)."""
    with closing(sqlite3.connect(path)) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        tables = {}
        for name in names:
            columns = db.execute(f'PRAGMA table_info("{name}")').fetchall()
            pk = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5] > 0]
            order = ", ".join(f'"{c}"' for c in pk) or ", ".join(
                str(i + 1) for i in range(len(columns))
            )
            tables[name] = db.execute(f'SELECT * FROM "{name}" ORDER BY {order}').fetchall()  # noqa: S608
        return tables


def sqlite_counts(path: Path) -> dict[str, int]:
    return {name: len(rows) for name, rows in sqlite_tables(path).items()}


def rewrite_archive(source: Path, target: Path, change: Any) -> None:
    """Copy the archive ``source`` to ``target`` with each member's (name, bytes) passed
    through ``change`` (which returns the new pair, or None to leave the member out)."""
    import io

    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            handle = old.extractfile(member)
            assert handle is not None
            changed = change(member.name, handle.read())
            if changed is None:
                continue
            name, data = changed
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


# Posts written by a thread all through `hanse_backup` (run in the same process); prints how
# many were written while the backup ran and how many there are at the end.
WRITE_DURING_BACKUP = """
import json, sys, threading, time
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from hanse.people.models import User
from hanse.posts.models import Post
from hanse.posts.services.posts import post_create

author = User.objects.filter(username="writer").first() or User.objects.create_user(
    "writer", "writer@example.org", "pw-Hanse-2026!", first_name="Writer"
)
stop = threading.Event()
written = []

def write():
    try:
        n = 0
        while not stop.is_set():
            post_create(author=author, body=f"Written while the backup runs, number {n}")
            written.append(time.monotonic())
            n += 1
    finally:
        connection.close()

writer = threading.Thread(target=write)
writer.start()
while len(written) < 5:
    time.sleep(0.01)
start = time.monotonic()
call_command("hanse_backup", output=sys.argv[1])
end = time.monotonic()
while not any(w > end for w in written):
    time.sleep(0.01)
stop.set()
writer.join()
print(json.dumps({
    "during": sum(1 for w in written if start <= w <= end),
    "posts": Post.objects.count(),
}))
"""
