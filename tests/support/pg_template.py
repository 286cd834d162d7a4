"""A migrated PostgreSQL database that the test databases are copied from (Django's
``TEST["TEMPLATE"]``), instead of each pytest-xdist worker migrating its own; the load and
backup tests start their databases from it too.

Migrating an empty database renders Django's migration state for each of about 140 migrations:
25 seconds of CPU here, half a minute and more while the other worker runs tests. The template
is made once per set of migrations (its name carries tests/support/migrations.py's checksum)
and kept for later sessions; an advisory lock keeps two workers or two sessions from making it
at once. ``CREATE DATABASE … TEMPLATE`` copies it in well under a second, and the copy's own
``migrate`` then finds nothing to apply. Migrating an empty PostgreSQL database is still
tested: here whenever the migrations change, and in every CI run by the deployment smoke test
(scripts/deploy_smoke.py), the container test's migrate service and the PostgreSQL restart
test (tests/jobs/test_pg_restart.py, on a server of its own)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from tests.support.migrations import STALE_SECONDS, migrations_checksum
from tests.support.processes import child_env, run_python

PREFIX = "hanse_migrated_"
# Any constant of our own: the lock that makes one template at a time, across sessions.
LOCK_KEY = 0x48414E5345


def _on_server(url: str, database: str) -> str:
    """``url`` (any database's, postgres://…) with ``database`` instead."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def migrated_template(server_url: str) -> str:
    """The name of the migrated template on the server of ``server_url`` (the URL of any
    database there), made first if this set of migrations has none yet."""
    name = PREFIX + migrations_checksum()
    with psycopg.connect(_on_server(server_url, "postgres"), autocommit=True) as admin:
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
                DATABASE_URL=_on_server(server_url, scratch),
                DJANGO_SETTINGS_MODULE="hanse.settings",
            )
            run_python(["manage.py", "migrate", "--no-input", "-v", "0"], env, timeout=900)
            admin.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(scratch), sql.Identifier(name)
                )
            )
            # When it was made, for the clean-up below (PostgreSQL keeps no such date).
            admin.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(name), sql.Literal(str(int(time.time())))
                )
            )
            _drop_stale(admin, name)
            return name
        finally:
            admin.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _drop_stale(admin: psycopg.Connection[Any], current: str) -> None:
    """Drop the templates of other migrations made more than a day ago (or without a date)."""
    rows = admin.execute(
        "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
        " WHERE datname LIKE %s AND datname <> %s",
        [PREFIX.replace("_", r"\_") + "%", current],
    ).fetchall()
    for old, made in rows:
        if made and made.isdigit() and time.time() - int(made) < STALE_SECONDS:
            continue
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(old))
        )
