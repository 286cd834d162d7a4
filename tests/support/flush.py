"""Emptying the test database between transactional tests: with DELETE, not TRUNCATE, on
PostgreSQL, and without Django's refill of content types and permissions on either database.

Django empties the database after every transactional test (``transaction=True``, the live
server of the browser tests, the WebSocket tests) with one ``TRUNCATE`` of all its tables. On
PostgreSQL a TRUNCATE gives every table and index a new file, about 160 tables with their
indexes here: 4.5 to 6 seconds per test on the 2-core CI machine, while DELETE on the few rows
a test leaves takes about 40 ms. That was most of what made the PostgreSQL half of CI slower
than the SQLite half (SQLite's flush is DELETE already).

Foreign keys that Django creates on PostgreSQL are deferrable, so the rows go in any order
within the flush's transaction. A table whose trigger refuses DELETE (the append-only audit
log, hanse/audit/migrations/0002_append_only.py) is still truncated, and only when it has rows.
After every flush Django sends post_migrate, and contenttypes and auth write the content types
and permissions of every app again (about 160 and 640 rows, 0.9 s per test on PostgreSQL here).
Those are the only post_migrate receivers Hanse has (checked in tests/core/test_flush.py), and
they only refill what the flush emptied; so the flush keeps these two tables and the refill is
left out. Their rows keep their ids, which also spares the content-type cache a stale id.

Installed for the test processes by tests/conftest.py; the application never flushes."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush as flush_command
from django.db.backends.postgresql.operations import DatabaseOperations

# Filled by post_migrate (contenttypes, auth) and by nothing a test writes: kept by the flush.
KEPT = frozenset({"django_content_type", "auth_permission"})

# Tables with a trigger of their own (not a foreign key's) that fires on DELETE: 1 << 3 is
# TRIGGER_TYPE_DELETE in pg_trigger.tgtype.
_REFUSING_DELETE = """
SELECT DISTINCT c.relname
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND (t.tgtype & 8) <> 0 AND n.nspname = current_schema()
"""


def sql_flush_by_delete(
    self: DatabaseOperations,
    style: Any,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    if not tables:
        return []
    with self.connection.cursor() as cursor:
        cursor.execute(_REFUSING_DELETE)
        refusing = {row[0] for row in cursor.fetchall()}
    statements = ["SET CONSTRAINTS ALL DEFERRED;"]
    statements += [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
        for table in tables
        if table not in refusing
    ]
    for table in sorted(refusing.intersection(tables)):
        quoted = self.quote_name(table)
        # Django's own table names, quoted: no input reaches this SQL.
        statements.append(
            f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM {quoted}) THEN TRUNCATE {quoted} CASCADE; "  # noqa: S608
            "END IF; END $$;"
        )
    if reset_sequences:
        sequences = [
            sequence
            for sequence in self.connection.introspection.sequence_list()
            if sequence["table"] in tables
        ]
        statements += self.sequence_reset_by_name_sql(style, sequences)
    return statements


def _sql_flush_keeping(
    style: Any, connection: Any, reset_sequences: bool = True, allow_cascade: bool = False
) -> list[str]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    tables = [table for table in tables if table not in KEPT]
    return list(
        connection.ops.sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    )


def _refill_only_when_empty(verbosity: int, interactive: bool, db: str, **kwargs: Any) -> None:
    """The content types survive the flush, so there is nothing to refill; should they be gone
    (a database that was never migrated), Django's refill runs as before."""
    # A model import: this module is loaded by conftest before Django's apps are ready.
    from django.contrib.contenttypes.models import ContentType

    if not ContentType.objects.using(db).exists():
        _emit_post_migrate(verbosity, interactive, db, **kwargs)


_emit_post_migrate = flush_command.emit_post_migrate_signal


def install() -> None:
    DatabaseOperations.sql_flush = sql_flush_by_delete  # type: ignore[method-assign]
    flush_command.sql_flush = _sql_flush_keeping  # type: ignore[assignment]
    flush_command.emit_post_migrate_signal = _refill_only_when_empty  # type: ignore[assignment]
