"""What the backup and restore commands tell a person is translated: German by default
(LANGUAGE_CODE), English on request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import translation

from hanse.core import backup, backup_db
from hanse.core.management.commands.hanse_restore import Command as RestoreCommand

pytestmark = pytest.mark.django_db


def test_restore_of_a_missing_archive_in_german(tmp_path: Path) -> None:
    missing = tmp_path / "weg.tar.gz"
    with translation.override("de"), pytest.raises(CommandError) as refused:
        call_command("hanse_restore", str(missing))
    assert str(refused.value) == f"Zurückspielen fehlgeschlagen: {missing} ist keine Datei."


def test_the_same_in_english(tmp_path: Path) -> None:
    missing = tmp_path / "gone.tar.gz"
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("hanse_restore", str(missing))
    assert str(refused.value) == f"Restore failed: {missing} is not a file."


def test_a_damaged_archive_in_german(tmp_path: Path) -> None:
    archive = tmp_path / "kaputt.tar.gz"
    archive.write_bytes(b"keine Sicherung")
    with translation.override("de"), pytest.raises(backup.BackupError) as refused:
        backup.extract(archive, tmp_path / "staging")
    assert str(refused.value).startswith(
        f"Das Archiv {archive} ist beschädigt oder keine Sicherung: "
    )


# Counts take the singular and the plural in both languages (ngettext, not "1 rows").


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("en", 1, "table auth_group: 1 row, the manifest says 7"),
        ("en", 2, "table auth_group: 2 rows, the manifest says 7"),
        ("de", 1, "Tabelle auth_group: 1 Zeile, das Manifest sagt 7"),
        ("de", 2, "Tabelle auth_group: 2 Zeilen, das Manifest sagt 7"),
    ],
)
def test_a_table_with_other_rows_than_the_manifest(language: str, n: int, expected: str) -> None:
    _groups(n)
    tables = backup_db.current_counts()
    assert tables["auth_group"] == n
    with translation.override(language):
        problems = backup.verify(_manifest({**tables, "auth_group": 7}))
    assert problems == [expected]


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("en", 1, "table auth_group: 1 row, not in the manifest"),
        ("en", 2, "table auth_group: 2 rows, not in the manifest"),
        ("de", 1, "Tabelle auth_group: 1 Zeile, nicht im Manifest"),
        ("de", 2, "Tabelle auth_group: 2 Zeilen, nicht im Manifest"),
    ],
)
def test_a_table_the_manifest_does_not_have(language: str, n: int, expected: str) -> None:
    _groups(n)
    tables = backup_db.current_counts()
    del tables["auth_group"]
    with translation.override(language):
        assert backup.verify(_manifest(tables)) == [expected]


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("en", 1, "table gone: missing, the manifest says 1 row"),
        ("en", 2, "table gone: missing, the manifest says 2 rows"),
        ("de", 1, "Tabelle gone: fehlt, das Manifest sagt 1 Zeile"),
        ("de", 2, "Tabelle gone: fehlt, das Manifest sagt 2 Zeilen"),
    ],
)
def test_a_table_that_is_missing(language: str, n: int, expected: str) -> None:
    tables = {**backup_db.current_counts(), "gone": n}
    with translation.override(language):
        assert backup.verify(_manifest(tables)) == [expected]


def _groups(n: int) -> None:
    """Exactly ``n`` rows in auth_group (migrations create some roles)."""
    Group.objects.all().delete()
    Group.objects.bulk_create([Group(name=f"g{i}") for i in range(n)])


def _manifest(tables: dict[str, int]) -> dict[str, Any]:
    return {"database": {"tables": tables}, "media": {}}


def _known_migrations() -> list[str]:
    loader = MigrationLoader(connections["default"], ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations)


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("en", 1, "1 migration of this version is not applied: run migrate."),
        ("en", 2, "2 migrations of this version are not applied: run migrate."),
        ("de", 1, "1 Migration dieser Version ist nicht angewendet: migrate ausführen."),
        ("de", 2, "2 Migrationen dieser Version sind nicht angewendet: migrate ausführen."),
    ],
)
def test_migrations_not_applied(language: str, n: int, expected: str) -> None:
    applied = _known_migrations()[n:]
    with translation.override(language):
        assert RestoreCommand()._migrations_note(applied) == expected


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("en", 1, "(1 migration this version does not have: zz.0001_new)"),
        ("en", 2, "(2 migrations this version does not have, e.g. zz.0001_new)"),
        ("de", 1, "(1 Migration, die diese Version nicht hat: zz.0001_new)"),
        ("de", 2, "(2 Migrationen, die diese Version nicht hat, z. B. zz.0001_new)"),
    ],
)
def test_migrations_from_a_newer_version(language: str, n: int, expected: str) -> None:
    applied = _known_migrations() + [f"zz.000{i + 1}_new" for i in range(n)]
    with translation.override(language):
        assert expected in RestoreCommand()._migrations_note(applied)
