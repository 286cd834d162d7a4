"""A migrated SQLite database file, made once per test session and copied for each test that
starts Hanse from a new data folder (tests/jobs/make_run.py, tests/core/test_package.py).

Migrating a new database renders Django's migration state for every migration: half a minute
and more per test on a loaded machine. The template is made by the first test that needs it (a
lock keeps the pytest-xdist workers from making it twice); the tests still run ``migrate`` on
their copy, as ``make run`` does, which finds nothing left to apply. Migrating an empty file is
thereby still tested, once per session."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

from tests.support.processes import child_env, run_python

TEMPLATE = "hanse-migrated.sqlite3"


def _session_root(tmp_path: Path) -> Path:
    """The folder of this test session that every pytest-xdist worker shares, from a test's
    ``tmp_path``: <session>/<test> in one process, <session>/<worker>/<test> under xdist."""
    return tmp_path.parent.parent if os.environ.get("PYTEST_XDIST_WORKER") else tmp_path.parent


def migrated_copy(tmp_path: Path, target: Path) -> None:
    """Copy this session's migrated database to ``target``; migrate it first if no test has."""
    root = _session_root(tmp_path)
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
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
