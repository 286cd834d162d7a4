"""A migrated SQLite database file, made once per set of migrations and kept for later sessions
(tests/support/migrations.py), copied for each test that starts Hanse from a new data folder
(tests/jobs/make_run.py, tests/core/test_package.py) and into each pytest-xdist worker's
in-memory test database (``memory_database_from``).

Migrating a new database renders Django's migration state for every migration: half a minute
and more per test on a loaded machine. The template is made by the first test that needs it (a
lock keeps the pytest-xdist workers and other sessions from making it twice); the tests still
run ``migrate`` on their copy, as ``make run`` does, which finds nothing left to apply.
Migrating an empty file is thereby still tested whenever the migrations change, and on
PostgreSQL by tests/support/pg_template.py likewise."""

from __future__ import annotations

import fcntl
import getpass
import os
import shutil
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from tests.support.migrations import STALE_SECONDS, migrations_checksum
from tests.support.processes import child_env, run_python

# Kept between sessions, one file per set of migrations (tests/support/migrations.py); one
# folder per user, as pytest's own (another user's would not be writable).
FOLDER = Path(tempfile.gettempdir()) / f"hanse-test-templates-{getpass.getuser()}"


def migrated_copy(target: Path) -> None:
    """Copy the migrated database to ``target``; migrate it first if there is none yet."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_file(), target)


def migrated_file() -> Path:
    """The migrated database of this set of migrations, made first if there is none yet (a lock
    keeps pytest-xdist workers and concurrent sessions from making it twice); tests/conftest.py
    also copies it into each worker's in-memory test database."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    template = FOLDER / f"sqlite-{migrations_checksum()}.sqlite3"
    with (FOLDER / "sqlite.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            scratch = FOLDER / f"{template.name}.{os.getpid()}"
            work = FOLDER / f"var.{os.getpid()}"
            env = child_env(
                drop_prefixes=("REDIS_URL", "HANSE_", "TASKS_", "DJANGO_SETTINGS_MODULE"),
                HANSE_DATA_DIR=str(work),
                DATABASE_URL=f"sqlite:///{scratch}",
                DJANGO_SETTINGS_MODULE="hanse.settings",
            )
            try:
                run_python(["manage.py", "migrate", "--no-input", "-v", "0"], env, timeout=900)
                scratch.rename(template)
            finally:
                scratch.unlink(missing_ok=True)
                shutil.rmtree(work, ignore_errors=True)
            for old in FOLDER.glob("sqlite-*.sqlite3"):
                if old != template and time.time() - old.stat().st_mtime > STALE_SECONDS:
                    old.unlink(missing_ok=True)
    return template


def memory_database_from(template: Path) -> None:
    """Have Django's in-memory SQLite test database start as a copy of ``template`` (SQLite's
    online backup, a fraction of a second): its ``migrate`` then finds nothing to apply.

    Django makes the test database in ``creation._create_test_db`` and migrates it right after
    on the same connection, which it never closes for an in-memory database (closing would
    drop it); the copy goes in between."""
    from django.db import connection

    creation = connection.creation
    make = creation._create_test_db

    def made_from_template(verbosity: int, autoclobber: bool, keepdb: bool = False) -> Any:
        name = make(verbosity, autoclobber, keepdb)
        if creation.is_in_memory_db(name):
            connection.close()
            connection.settings_dict["NAME"] = name
            connection.ensure_connection()
            with closing(sqlite3.connect(template)) as source:
                source.backup(connection.connection)
        return name

    creation._create_test_db = made_from_template  # type: ignore[method-assign]
