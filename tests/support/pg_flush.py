"""Emptying the PostgreSQL test database between transactional tests with DELETE, not TRUNCATE.

Django empties the database after every transactional test (``transaction=True``, the live
server of the browser tests, the WebSocket tests) with one ``TRUNCATE`` of all its tables. On
PostgreSQL a TRUNCATE gives every table and index a new file, about 160 tables with their
indexes here: 4.5 to 6 seconds per test on the 2-core CI machine, while DELETE on the few rows
a test leaves takes about 40 ms. That was most of what made the PostgreSQL half of CI slower
than the SQLite half (SQLite's flush is DELETE already).

Foreign keys that Django creates on PostgreSQL are deferrable, so the rows go in any order
within the flush's transaction. A table whose trigger refuses DELETE (the append-only audit
log, hanse/audit/migrations/0002_append_only.py) is still truncated, and only when it has rows.
Installed for the test processes by tests/conftest.py; the application never flushes."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.operations import DatabaseOperations

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


def install() -> None:
    DatabaseOperations.sql_flush = sql_flush_by_delete  # type: ignore[method-assign]
