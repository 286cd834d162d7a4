"""Backup and restore on SQLite, run as an operator runs them: ``manage.py hanse_backup`` and
``hanse_restore`` in child processes against installations of their own."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.backup.support import (
    WRITE_DURING_BACKUP,
    backup,
    file_digests,
    hanse_env,
    manage,
    manage_failing,
    manifest_of,
    rewrite_archive,
    seed,
    sqlite_counts,
    sqlite_tables,
)
from tests.support.processes import last_json_line, run_python
from tests.support.sqlite_template import migrated_copy

# Installations of their own on SQLite, whatever the run uses (tests/conftest.py).
pytestmark = pytest.mark.own_stack


@dataclass
class Seeded:
    data_dir: Path
    env: dict[str, str]
    archive: Path


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """The small demo organisation on SQLite and one backup of it."""
    root = tmp_path_factory.mktemp("backup-sqlite")
    env = hanse_env(root / "var")
    # The session's migrated file (tests/support/sqlite_template.py): seed's migrate then
    # finds nothing left to apply.
    migrated_copy(root / "var" / "hanse.sqlite3")
    seed(env)
    return Seeded(root / "var", env, backup(env, root / "out"))


def _empty_target(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    data_dir = tmp_path / "restored"
    return data_dir, hanse_env(data_dir)


def _assert_untouched(data_dir: Path) -> None:
    """The target of a refused restore: no table written, no file."""
    database = data_dir / "hanse.sqlite3"
    if database.exists():
        assert sqlite_counts(database) == {}
    media = data_dir / "media"
    assert not media.exists() or file_digests(media) == {}
    assert not list(data_dir.glob(".hanse-restore-*")), "the staging folder was left behind"


def test_round_trip_restores_every_row_and_file(seeded: Seeded, tmp_path: Path) -> None:
    """Restored into a new file: every table's rows and every file's digest are the source's."""
    manifest = manifest_of(seeded.archive)
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["hanse_version"]
    assert "people.0001_initial" in manifest["database"]["migrations"]
    source_files = file_digests(seeded.data_dir / "media")
    assert len(source_files) >= 10  # the demo's images, documents and library files
    assert {n: e["sha256"] for n, e in manifest["media"].items()} == source_files
    assert "secret_key" in manifest["keys"]

    data_dir, env = _empty_target(tmp_path)
    out = manage(env, "hanse_restore", str(seeded.archive))
    assert "match the manifest" in out

    source = sqlite_tables(seeded.data_dir / "hanse.sqlite3")
    restored = sqlite_tables(data_dir / "hanse.sqlite3")
    assert sorted(restored) == sorted(source)
    for table, rows in source.items():
        assert restored[table] == rows, table
    assert {t: len(r) for t, r in source.items()} == manifest["database"]["tables"]
    assert file_digests(data_dir / "media") == source_files
    assert (data_dir / "secret_key").read_bytes() == (seeded.data_dir / "secret_key").read_bytes()
    # Hanse runs on the restored database: nothing left to migrate, the demo login is there.
    manage(env, "migrate", "--check")
    people = run_python(
        ["-c", "import django; django.setup(); from hanse.people.models import User; "
               "print(User.objects.filter(username='anna.schmidt').count())"],
        env,
    )  # fmt: skip
    assert people.strip().endswith("1")


def test_restore_refuses_a_database_with_data(seeded: Seeded, tmp_path: Path) -> None:
    """A second restore into the same place is refused unless --force, which keeps the old file."""
    data_dir, env = _empty_target(tmp_path)
    manage(env, "hanse_restore", str(seeded.archive))
    before = sqlite_tables(data_dir / "hanse.sqlite3")

    done = manage_failing(env, "hanse_restore", str(seeded.archive))
    assert done.returncode != 0
    assert "The database already has tables" in done.stderr
    assert sqlite_tables(data_dir / "hanse.sqlite3") == before

    # Files in MEDIA_ROOT count as data too, even beside an empty database.
    other_dir = tmp_path / "other"
    (other_dir / "media" / "avatars").mkdir(parents=True)
    (other_dir / "media" / "avatars" / "kept.png").write_bytes(b"someone's photo")
    done = manage_failing(hanse_env(other_dir), "hanse_restore", str(seeded.archive))
    assert done.returncode != 0
    assert "already holds files" in done.stderr
    assert file_digests(other_dir / "media") == {
        "avatars/kept.png": hashlib.sha256(b"someone's photo").hexdigest()
    }
    assert sqlite_counts(other_dir / "hanse.sqlite3") == {}

    out = manage(env, "hanse_restore", str(seeded.archive), "--force")
    assert "set aside as" in out
    assert list(data_dir.glob("hanse.sqlite3.before-restore-*"))
    assert list(data_dir.glob("media.before-restore-*"))
    assert sqlite_tables(data_dir / "hanse.sqlite3") == before


def test_a_damaged_archive_is_refused(seeded: Seeded, tmp_path: Path) -> None:
    """Bytes flipped in the compressed archive: refused before anything is written."""
    data = bytearray(seeded.archive.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(bytes(data))
    data_dir, env = _empty_target(tmp_path)

    done = manage_failing(env, "hanse_restore", str(broken))
    assert done.returncode != 0
    assert "damaged" in done.stderr
    _assert_untouched(data_dir)


def test_a_changed_file_in_the_archive_is_refused(seeded: Seeded, tmp_path: Path) -> None:
    """A well-formed archive whose file differs from its manifest's digest is refused."""
    changed = tmp_path / "changed.tar.gz"
    victim = sorted(manifest_of(seeded.archive)["media"])[0]

    def change(name: str, data: bytes) -> tuple[str, bytes]:
        return name, (data + b"x" if name == f"media/{victim}" else data)

    rewrite_archive(seeded.archive, changed, change)
    data_dir, env = _empty_target(tmp_path)
    done = manage_failing(env, "hanse_restore", str(changed))
    assert done.returncode != 0
    assert "does not match its manifest" in done.stderr
    assert victim in done.stderr
    _assert_untouched(data_dir)

    cut = tmp_path / "cut.tar.gz"
    rewrite_archive(seeded.archive, cut, lambda n, d: None if n == "manifest.json" else (n, d))
    done = manage_failing(env, "hanse_restore", str(cut))
    assert done.returncode != 0
    assert "has no manifest.json" in done.stderr
    _assert_untouched(data_dir)


def test_a_postgresql_backup_is_refused_on_sqlite(seeded: Seeded, tmp_path: Path) -> None:
    """The vendor of the archive must be the configured one; the message says so."""
    foreign = tmp_path / "foreign.tar.gz"

    def to_postgres(name: str, data: bytes) -> tuple[str, bytes]:
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["database"].update(vendor="postgresql", file="database.pgdump")
            return name, json.dumps(manifest).encode()
        return ("database.pgdump" if name == "database.sqlite3" else name), data

    rewrite_archive(seeded.archive, foreign, to_postgres)
    data_dir, env = _empty_target(tmp_path)
    done = manage_failing(env, "hanse_restore", str(foreign))
    assert done.returncode != 0
    assert "holds a postgresql database and Hanse is configured for sqlite" in done.stderr
    _assert_untouched(data_dir)


def test_backup_is_consistent_while_posts_are_written(seeded: Seeded, tmp_path: Path) -> None:
    """A thread writes posts all through the backup: the archive restores to a sound database
    whose rows are the manifest's counts."""
    source_dir = tmp_path / "var"
    shutil.copytree(seeded.data_dir, source_dir, ignore=shutil.ignore_patterns("backups"))
    env = hanse_env(source_dir)
    posts_before = sqlite_counts(source_dir / "hanse.sqlite3")["posts_post"]
    (tmp_path / "out").mkdir()
    report = last_json_line(run_python(["-c", WRITE_DURING_BACKUP, str(tmp_path / "out")], env))
    assert report["during"] > 0, "no post was written while the backup ran"
    (archive,) = (tmp_path / "out").glob("hanse-backup-*.tar.gz")
    manifest = manifest_of(archive)

    data_dir, target_env = _empty_target(tmp_path)
    manage(target_env, "hanse_restore", str(archive))
    restored = data_dir / "hanse.sqlite3"
    with closing(sqlite3.connect(restored)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    counts = sqlite_counts(restored)
    assert counts == manifest["database"]["tables"]
    assert posts_before + 5 <= counts["posts_post"] < report["posts"]


def test_a_failed_backup_leaves_no_archive(tmp_path: Path) -> None:
    """A backup of a database without tables (a job pointed at the wrong place) fails and
    leaves neither an archive nor a partial one."""
    env = hanse_env(tmp_path / "var")
    done = manage_failing(env, "hanse_backup", "--output", f"{tmp_path / 'out'}/")
    assert done.returncode != 0
    assert "Backup failed, no archive written: The database has no tables" in done.stderr
    assert list((tmp_path / "out").iterdir()) == []
