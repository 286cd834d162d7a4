"""A migrated SQLite database file, made once per test session and copied for each test that
starts Hanse from a new data folder (tests/jobs/make_run.py, tests/core/test_package.py), and
into each pytest-xdist worker's in-memory test database (``memory_database_from``).

Migrating a new database renders Django's migration state for every migration: half a minute
and more per test on a loaded machine. The template is made by the first test that needs it (a
lock keeps the pytest-xdist workers from making it twice); the tests still run ``migrate`` on
their copy, as ``make run`` does, which finds nothing left to apply. Migrating an empty file is
thereby still tested, once per session."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from tests.support.processes import child_env, run_python

TEMPLATE = "hanse-migrated.sqlite3"


def _session_root(tmp_path: Path) -> Path:
    """The folder of this test session that every pytest-xdist worker shares, from a test's
    ``tmp_path``: <session>/<test> in one process, <session>/<worker>/<test> under xdist."""
    return tmp_path.parent.parent if os.environ.get("PYTEST_XDIST_WORKER") else tmp_path.parent


def session_root_of(basetemp: Path) -> Path:
    """The same folder from pytest's base folder of this process (``getbasetemp()``): under
    pytest-xdist each worker has one of its own below it."""
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


def migrated_copy(tmp_path: Path, target: Path) -> None:
    """Copy this session's migrated database to ``target``; migrate it first if no test has."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_file(_session_root(tmp_path)), target)


def migrated_file(root: Path) -> Path:
    """The session's migrated database in the session's folder ``root``, migrated first if no
    test has (tests/conftest.py also copies it into each worker's in-memory test database)."""
    template = root / TEMPLATE
    with (root / f"{TEMPLATE}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            scratch = root / f"{TEMPLATE}.{os.getpid()}"
            env = child_env(
                drop_prefixes=("REDIS_URL", "HANSE_", "TASKS_", "DJANGO_SETTINGS_MODULE"),
                HANSE_DATA_DIR=str(root / "hanse-migrated-var"),
                DATABASE_URL=f"sqlite:///{scratch}",
                DJANGO_SETTINGS_MODULE="hanse.settings",
            )
            run_python(["manage.py", "migrate", "--no-input", "-v", "0"], env, timeout=900)
            scratch.rename(template)
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
