"""Backup and restore on PostgreSQL: the small demo in a database of its own, its backup
restored into a fresh database, every table and every file compared. The databases are
created on the test server (DATABASE_URL's when that is PostgreSQL, else 127.0.0.1:5432) and
dropped again."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.backup.support import (
    WRITE_DURING_BACKUP,
    backup,
    file_digests,
    hanse_env,
    manage,
    manage_failing,
    manifest_of,
    seed,
)
from tests.support import pg_template
from tests.support.missing import leave_to_the_postgresql_half, skip_or_fail
from tests.support.processes import last_json_line, run_python
from tests.support.sqlite_template import migrated_copy

psycopg = pytest.importorskip("psycopg")


@pytest.fixture(autouse=True)
def _once_under_ci() -> None:
    leave_to_the_postgresql_half()


def _server_url() -> str:
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        return configured
    return "postgres://postgres@127.0.0.1:5432/postgres"


def _url(database: str) -> str:
    parts = urlsplit(_server_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """Two new databases (source, target), dropped afterwards: the target empty, the source a
    copy of the run's migrated template (tests/support/pg_template.py), so that the source's
    migrate finds nothing to apply; migrating an empty database is the template's part."""
    try:
        admin = psycopg.connect(_url("postgres"), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        skip_or_fail(f"no PostgreSQL server to create databases on ({_server_url()}): {exc}")
    template = pg_template.migrated_template(_server_url())
    names = [f"hanse_backup_{kind}_{uuid.uuid4().hex[:10]}" for kind in ("src", "dst")]
    with admin:
        admin.execute(f'CREATE DATABASE "{names[0]}" TEMPLATE "{template}"')
        admin.execute(f'CREATE DATABASE "{names[1]}"')
        try:
            yield names[0], names[1]
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tables(database: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, all columns, ordered by primary key (all columns without one)."""
    with psycopg.connect(_url(database)) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public' ORDER BY 1"
            )
        ]
        tables = {}
        for name in names:
            pk = [
                row[0]
                for row in conn.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                    " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                    " WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
                    (f'"{name}"',),
                )
            ]
            cursor = conn.execute(f'SELECT * FROM "{name}" LIMIT 0')  # noqa: S608
            width = len(cursor.description or ())
            order = ", ".join(f'"{c}"' for c in pk) or ", ".join(str(i + 1) for i in range(width))
            tables[name] = conn.execute(f'SELECT * FROM "{name}" ORDER BY {order}').fetchall()  # noqa: S608
        return tables


def _sequences(database: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(_url(database)) as conn:
        return conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            " ORDER BY 1"
        ).fetchall()


@pytest.mark.heavy
def test_round_trip_on_postgresql(databases: tuple[str, str], tmp_path: Path) -> None:
    """pg_dump of the demo restored into a fresh database: every row and every file as before;
    a second restore into it is refused."""
    source_db, target_db = databases
    source_env = hanse_env(tmp_path / "source", _url(source_db))
    seed(source_env)
    archive = backup(source_env, tmp_path / "out")
    manifest = manifest_of(archive)
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["database"]["file"] == "database.pgdump"

    target_env = hanse_env(tmp_path / "target", _url(target_db))
    out = manage(target_env, "hanse_restore", str(archive))
    assert "match the manifest" in out

    source = _tables(source_db)
    restored = _tables(target_db)
    assert sorted(restored) == sorted(source)
    for table, rows in source.items():
        assert restored[table] == rows, table
    assert {t: len(r) for t, r in source.items()} == manifest["database"]["tables"]
    source_files = file_digests(tmp_path / "source" / "media")
    assert len(source_files) >= 10
    assert file_digests(tmp_path / "target" / "media") == source_files
    # The append-only trigger of the audit log came along (hanse/audit/migrations/0002).
    with psycopg.connect(_url(target_db)) as conn:
        triggers = conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_entry_append_only'"
        ).fetchone()
        assert triggers == (1,)
    # Sequences continue where the source's stood: the next row gets a new id.
    assert _sequences(target_db) == _sequences(source_db)
    manage(target_env, "migrate", "--check")

    done = manage_failing(target_env, "hanse_restore", str(archive))
    assert done.returncode != 0
    assert "The database already has tables" in done.stderr
    assert _tables(target_db) == restored


def test_a_sqlite_backup_is_refused_on_postgresql(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    """An SQLite archive restores into SQLite only: refused with a clear message, nothing
    written into the PostgreSQL database."""
    sqlite_env = hanse_env(tmp_path / "sqlite")
    # The migrated SQLite file (tests/support/sqlite_template.py).
    migrated_copy(tmp_path / "sqlite" / "hanse.sqlite3")
    archive = backup(sqlite_env, tmp_path / "out")
    target_env = hanse_env(tmp_path / "target", _url(databases[1]))
    done = manage_failing(target_env, "hanse_restore", str(archive))
    assert done.returncode != 0
    assert "holds a sqlite database and Hanse is configured for postgresql" in done.stderr
    assert _tables(databases[1]) == {}


@pytest.mark.heavy
def test_pg_backup_is_consistent_while_posts_are_written(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    """A thread writes posts all through pg_dump: the manifest's counts (read in the dump's
    own snapshot) are exactly the restored rows."""
    source_db, target_db = databases
    env = hanse_env(tmp_path / "source", _url(source_db))
    manage(env, "migrate", "--no-input", "-v", "0")
    (tmp_path / "out").mkdir()
    report = last_json_line(run_python(["-c", WRITE_DURING_BACKUP, str(tmp_path / "out")], env))
    assert report["during"] > 0, "no post was written while the backup ran"
    (archive,) = (tmp_path / "out").glob("hanse-backup-*.tar.gz")
    manifest = manifest_of(archive)

    manage(hanse_env(tmp_path / "target", _url(target_db)), "hanse_restore", str(archive))
    counts = {table: len(rows) for table, rows in _tables(target_db).items()}
    assert counts == manifest["database"]["tables"]
    assert 5 <= counts["posts_post"] < report["posts"]
