"""A migrated PostgreSQL database that the test databases are copied from (Django's
``TEST["TEMPLATE"]``), instead of each pytest-xdist worker migrating its own.

Migrating an empty database renders Django's migration state for each of about 140 migrations:
25 seconds of CPU here, half a minute and more while the other worker runs tests. The template
is made once per set of migrations (its name carries a checksum of every migration file and of
the locked dependency versions) and kept for later sessions; an advisory lock keeps two workers
or two sessions from making it at once. ``CREATE DATABASE … TEMPLATE`` copies it in well under
a second, and the test database's own ``migrate`` then finds nothing to apply. Migrating an
empty PostgreSQL database is still tested: here once per set of migrations, and in every run by
the tests that start Hanse on a database of their own (tests/bench/test_load.py,
tests/backup/test_postgres.py, scripts/deploy_smoke.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from tests.support.processes import child_env, run_python

BASE_DIR = Path(__file__).resolve().parents[2]
PREFIX = "hanse_migrated_"
# Any constant of our own: the lock that makes one template at a time, across sessions.
LOCK_KEY = 0x48414E5345


def _checksum() -> str:
    digest = hashlib.sha256()
    files = sorted(BASE_DIR.glob("hanse/*/migrations/*.py"))
    files += [BASE_DIR / "requirements" / "lock.txt", BASE_DIR / "hanse" / "settings.py"]
    for path in files:
        digest.update(str(path.relative_to(BASE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _server_url(db: dict[str, Any], database: str) -> str:
    auth = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"


def migrated_template(db: dict[str, Any]) -> str:
    """The name of the migrated template on the server of ``db`` (Django's settings of the
    default database), made first if this set of migrations has none yet."""
    name = PREFIX + _checksum()
    with psycopg.connect(_server_url(db, "postgres"), autocommit=True) as admin:
        admin.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists:
                return name
            scratch = f"{name}_making"
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(scratch)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
            env = child_env(
                drop_prefixes=("REDIS_URL", "HANSE_", "TASKS_", "DJANGO_SETTINGS_MODULE"),
                HANSE_ENV="test",
                DATABASE_URL=_server_url(db, scratch),
                DJANGO_SETTINGS_MODULE="hanse.settings",
            )
            run_python(["manage.py", "migrate", "--no-input", "-v", "0"], env, timeout=900)
            admin.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(scratch), sql.Identifier(name)
                )
            )
            # Templates of earlier migrations are of no further use.
            stale = admin.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                [PREFIX.replace("_", r"\_") + "%", name],
            ).fetchall()
            for (old,) in stale:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(old))
                )
            return name
        finally:
            admin.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
