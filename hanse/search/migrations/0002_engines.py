"""The engine parts of the index, for the database in use (see hanse/search/models.py)."""

from django.db import migrations

SQLITE_FORWARD = [
    # External content: the text lives once, in search_searchdocument; the triggers keep the
    # FTS tables in step with every insert, update and delete of a row.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_exact, body_exact, title_stem, body_stem,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', detail='full')""",
    """CREATE VIRTUAL TABLE search_tri USING fts5(
        title_exact, body_exact,
        content='search_searchdocument', content_rowid='id',
        tokenize='trigram')""",
    """CREATE TRIGGER search_doc_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title_exact, body_exact, title_stem, body_stem)
        VALUES (new.id, new.title_exact, new.body_exact, new.title_stem, new.body_stem);
        INSERT INTO search_tri(rowid, title_exact, body_exact)
        VALUES (new.id, new.title_exact, new.body_exact);
    END""",
    """CREATE TRIGGER search_doc_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_exact, body_exact, title_stem, body_stem)
        VALUES ('delete', old.id, old.title_exact, old.body_exact, old.title_stem, old.body_stem);
        INSERT INTO search_tri(search_tri, rowid, title_exact, body_exact)
        VALUES ('delete', old.id, old.title_exact, old.body_exact);
    END""",
    """CREATE TRIGGER search_doc_au AFTER UPDATE OF title_exact, body_exact, title_stem, body_stem
    ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_exact, body_exact, title_stem, body_stem)
        VALUES ('delete', old.id, old.title_exact, old.body_exact, old.title_stem, old.body_stem);
        INSERT INTO search_tri(search_tri, rowid, title_exact, body_exact)
        VALUES ('delete', old.id, old.title_exact, old.body_exact);
        INSERT INTO search_fts(rowid, title_exact, body_exact, title_stem, body_stem)
        VALUES (new.id, new.title_exact, new.body_exact, new.title_stem, new.body_stem);
        INSERT INTO search_tri(rowid, title_exact, body_exact)
        VALUES (new.id, new.title_exact, new.body_exact);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TABLE IF EXISTS search_tri",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The text is normalised in Python (hanse/search/normalize.py); 'simple' only splits it.
    """ALTER TABLE search_searchdocument ADD COLUMN stem_vec tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_stem), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_stem), 'B')) STORED""",
    """ALTER TABLE search_searchdocument ADD COLUMN exact_vec tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_exact), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_exact), 'B')) STORED""",
    "CREATE INDEX search_doc_stem_vec ON search_searchdocument USING gin (stem_vec)",
    "CREATE INDEX search_doc_exact_vec ON search_searchdocument USING gin (exact_vec)",
    # Compound parts: a substring of the exact words (the expression the engine queries).
    """CREATE INDEX search_doc_trgm ON search_searchdocument
        USING gin ((title_exact || ' ' || body_exact) gin_trgm_ops)""",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_trgm",
    "DROP INDEX IF EXISTS search_doc_exact_vec",
    "DROP INDEX IF EXISTS search_doc_stem_vec",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS exact_vec",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS stem_vec",
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]

    operations = [migrations.RunPython(forward, backward)]
