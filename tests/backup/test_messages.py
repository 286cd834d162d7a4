"""What the backup and restore commands tell a person is translated: German by default
(LANGUAGE_CODE), English on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from hanse.core import backup

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
