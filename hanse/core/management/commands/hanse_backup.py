"""``manage.py hanse_backup [--output PATH]``: one archive with the database, the uploaded
files and a manifest, while Hanse keeps serving (hanse/core/backup.py, docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hanse.core import backup, backup_db


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


class Command(BaseCommand):
    help = (
        "Write a backup archive (database, uploaded files, keys, manifest); by default to "
        "HANSE_DATA_DIR/backups/hanse-backup-<UTC time>.tar.gz."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help=(
                "The archive's path, or a folder to write it into "
                "(default: HANSE_DATA_DIR/backups/)."
            ),
        )
        parser.add_argument(
            "--no-keys",
            action="store_true",
            help="Leave out secret_key and vapid.json from HANSE_DATA_DIR.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options.get("output")
        target: Path | None = None
        if output:
            target = Path(output).expanduser()
            if output.endswith(("/", "\\")):
                target.mkdir(parents=True, exist_ok=True)
        try:
            result = backup.create(target, keys=not options["no_keys"], say=self.stderr.write)
        except (backup.BackupError, backup_db.DatabaseError) as exc:
            raise CommandError(
                _("Backup failed, no archive written: %(error)s") % {"error": exc}
            ) from exc
        self.stdout.write(
            _(
                "Backup written: %(path)s\n"
                "  archive:  %(size)s\n"
                "  database: %(database)s (%(tables)s, %(rows)s)\n"
                "  files:    %(files)s (%(bytes)s)\n"
                "  keys:     %(keys)s"
            )
            % {
                "path": result.path,
                "size": _size(result.size),
                "database": _size(result.database_size),
                "tables": ngettext("%(n)s table", "%(n)s tables", result.tables)
                % {"n": result.tables},
                "rows": ngettext("%(n)s row", "%(n)s rows", result.rows) % {"n": result.rows},
                "files": result.media_files,
                "bytes": _size(result.media_bytes),
                "keys": ", ".join(result.keys) or _("none"),
            }
        )
