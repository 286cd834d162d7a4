"""The database half of a backup (hanse/core/backup.py holds the archive around it).

SQLite: a copy made with sqlite3's online backup API in one step, which reads one snapshot
while the server keeps writing (WAL mode: readers never block the writer). PostgreSQL:
``pg_dump --format=custom`` of an exported snapshot (``pg_export_snapshot``), so the row
counts of the manifest come from the very snapshot the dump holds. Credentials reach the
PostgreSQL tools through the environment (PGPASSWORD and friends), never the command line.

Restoring: the SQLite file is checked in place beside the target and renamed over it; a
PostgreSQL dump goes in with ``pg_restore --single-transaction``, all or nothing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
VENDOR_FILES = {"sqlite": SQLITE_FILE, "postgresql": POSTGRES_FILE}

# libpq's environment variables for the keys Django keeps in DATABASES (or in its OPTIONS).
_LIBPQ_ENV = {
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class DatabaseError(Exception):
    """What went wrong, in words for the operator."""


@dataclass(frozen=True)
class Snapshot:
    """One consistent copy of the database and what it holds."""

    file: Path
    tables: dict[str, int]
    migrations: list[str]


def vendor() -> str:
    return str(connections["default"].vendor)


# --- Reading what a database holds ----------------------------------------------------------

_SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)
_POSTGRES_TABLES = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(cursor: Any, tables_sql: str) -> tuple[dict[str, int], list[str]]:
    """Rows per table and the applied migrations (``app.name``), read through ``cursor``."""
    cursor.execute(tables_sql)
    names = [row[0] for row in cursor.fetchall()]
    counts: dict[str, int] = {}
    for name in names:
        cursor.execute(f"SELECT count(*) FROM {_quote(name)}")  # noqa: S608  # a quoted table name
        counts[name] = int(cursor.fetchone()[0])
    migrations: list[str] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    return counts, migrations


def current_counts() -> dict[str, int]:
    """Rows per table of the configured database, as it is now."""
    connection = connections["default"]
    sql = _SQLITE_TABLES if connection.vendor == "sqlite" else _POSTGRES_TABLES
    with connection.cursor() as cursor:
        return _counts(cursor, sql)[0]


def is_empty() -> bool:
    """Whether the configured database has no tables at all (a fresh one, before migrate)."""
    connection = connections["default"]
    sql = _SQLITE_TABLES if connection.vendor == "sqlite" else _POSTGRES_TABLES
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone() is None


# --- Taking the snapshot --------------------------------------------------------------------


@contextmanager
def snapshot(directory: Path) -> Iterator[Snapshot]:
    """A consistent copy of the configured database in ``directory``; Hanse may keep writing."""
    kind = vendor()
    if kind == "sqlite":
        yield _sqlite_snapshot(directory / SQLITE_FILE)
    elif kind == "postgresql":
        yield _postgres_snapshot(directory / POSTGRES_FILE)
    else:
        raise DatabaseError(
            _("Backups support SQLite and PostgreSQL, not %(kind)s.") % {"kind": kind}
        )


def sqlite_path() -> Path:
    return Path(str(settings.DATABASES["default"]["NAME"]))


def _sqlite_snapshot(target: Path) -> Snapshot:
    source_path = sqlite_path()
    if not source_path.exists():
        raise DatabaseError(
            _("The SQLite database %(path)s does not exist.") % {"path": source_path}
        )
    with (
        closing(sqlite3.connect(source_path, timeout=30)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        # pages=-1: the whole database in one step, i.e. one read transaction, one snapshot.
        # (Copied in several steps, a write by another connection would restart the copy.)
        source.backup(copy, pages=-1)
        # One self-contained file in the archive; the restored file is switched back to WAL
        # by the connection settings.
        copy.execute("PRAGMA journal_mode=DELETE")
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise DatabaseError(
                _("The copy of the SQLite database is damaged: %(result)s") % {"result": result}
            )
        tables, migrations = _counts(copy.cursor(), _SQLITE_TABLES)
    return Snapshot(target, tables, migrations)


def libpq_settings() -> dict[str, str]:
    """The connection parameters of DATABASES["default"] as libpq keywords."""
    db = settings.DATABASES["default"]
    options = db.get("OPTIONS", {})
    values: dict[str, Any] = {
        "dbname": db.get("NAME"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
    }
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "options", "connect_timeout"):
        if options.get(key):
            values[key] = options[key]
    return {key: str(value) for key, value in values.items() if value not in (None, "")}


def libpq_env(params: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment plus the connection as PG* variables (the password too)."""
    params = libpq_settings() if params is None else params
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update({_LIBPQ_ENV[key]: value for key, value in params.items() if key in _LIBPQ_ENV})
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise DatabaseError(
            _(
                "%(tool)s was not found: install the PostgreSQL client tools (the server's "
                "major version or newer)."
            )
            % {"tool": name}
        )
    return found


def _run_tool(args: list[str], env: Mapping[str, str]) -> None:
    done = subprocess.run(  # noqa: S603  # PostgreSQL's own tools, our arguments
        args, env=dict(env), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-2000:]
        raise DatabaseError(
            _("%(tool)s failed (exit %(code)s): %(tail)s")
            % {"tool": Path(args[0]).name, "code": done.returncode, "tail": tail}
        )


def _postgres_snapshot(target: Path) -> Snapshot:
    import psycopg  # only installed where PostgreSQL is used

    pg_dump = _tool("pg_dump")
    params = libpq_settings()
    with psycopg.connect(**params, autocommit=False) as conn:  # type: ignore[arg-type]
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            snapshot_id = str(row[0]) if row else ""
            tables, migrations = _counts(cursor, _POSTGRES_TABLES)
            # The snapshot stays valid while this transaction is open: pg_dump reads the same
            # rows that were just counted.
            _run_tool(
                [pg_dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"],
                libpq_env(params),
            )
        conn.rollback()
    return Snapshot(target, tables, migrations)


# --- Restoring ------------------------------------------------------------------------------


def set_aside(path: Path, suffix: str) -> Path | None:
    """Rename ``path`` (if it exists) to ``<path>.<suffix>``; the new name."""
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.{suffix}")
    path.rename(aside)
    return aside


def restore(file: Path, *, force: bool, suffix: str) -> list[str]:
    """Load the dump ``file`` into the configured database; what was set aside, in words."""
    kind = vendor()
    connections.close_all()
    if kind == "sqlite":
        return _sqlite_restore(file, force=force, suffix=suffix)
    return _postgres_restore(file, force=force)


def _sqlite_restore(file: Path, *, force: bool, suffix: str) -> list[str]:
    target = sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f"{target.name}.restoring")
    shutil.copyfile(file, staged)
    with closing(sqlite3.connect(staged)) as check:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        staged.unlink()
        raise DatabaseError(
            _("The database in the archive is damaged: %(result)s") % {"result": result}
        )
    notes: list[str] = []
    # The -wal and -shm files belong to the old database: left beside the new file, SQLite
    # would apply the old log to it. Without --force the old file holds no table (checked).
    companions = [target.with_name(target.name + end) for end in ("-wal", "-shm")]
    for path in (target, *companions):
        if not force:
            path.unlink(missing_ok=True)
        elif (aside := set_aside(path, suffix)) is not None:
            notes.append(_("%(path)s set aside as %(aside)s") % {"path": path, "aside": aside})
    os.replace(staged, target)
    return notes


def _postgres_restore(file: Path, *, force: bool) -> list[str]:
    pg_restore = _tool("pg_restore")
    params = libpq_settings()
    notes: list[str] = []
    if force:
        connection = connections["default"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = str(cursor.fetchone()[0])
            cursor.execute(f"DROP SCHEMA {_quote(schema)} CASCADE")
            cursor.execute(f"CREATE SCHEMA {_quote(schema)}")
        connections.close_all()
        notes.append(
            _("schema %(schema)s of database %(db)s dropped and recreated")
            % {"schema": schema, "db": params.get("dbname")}
        )
    _run_tool(
        [
            pg_restore,
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={params.get('dbname', '')}",
            str(file),
        ],
        libpq_env({key: value for key, value in params.items() if key != "dbname"}),
    )
    return notes
