"""SQLite: prefix indexes (2 and 3 letters) on the FTS5 table, so that suggestions while
typing ("Kr", "Kre") look the prefix up instead of merging every word that starts with it.
The table is external content: it is created again and rebuilt from search_searchdocument
(the triggers of 0002 keep writing to it by name). PostgreSQL: nothing (its GIN indexes
answer prefixes)."""

from django.db import migrations

COLUMNS = "title_exact, body_exact, title_stem, body_stem"
OPTIONS = (
    "content='search_searchdocument', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 0', detail='full'"
)


def _recreate(schema_editor, extra: str) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE search_fts USING fts5({COLUMNS}, {OPTIONS}{extra})"
    )
    schema_editor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    _recreate(schema_editor, ", prefix='2 3'")


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    _recreate(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_index_state_german_names")]

    operations = [migrations.RunPython(forward, backward)]
