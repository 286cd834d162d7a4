"""``manage.py hanse_restore PATH [--force]``: restore a backup archive into an empty
database and MEDIA_ROOT, then compare rows and files with its manifest (hanse/core/backup.py,
docs/operations.md). Stop Hanse (web, worker, scheduler) before restoring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hanse.core import backup


class Command(BaseCommand):
    help = "Restore a backup archive made by hanse_backup into an empty database and MEDIA_ROOT."
    # The checks may read the database; nothing is read before the archive is verified.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The archive (hanse-backup-….tar.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Restore over a database and MEDIA_ROOT that hold data (SQLite file and old "
                "files are kept aside; a PostgreSQL schema is dropped)."
            ),
        )
        parser.add_argument(
            "--no-keys",
            action="store_true",
            help="Do not restore secret_key and vapid.json into HANSE_DATA_DIR.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["path"]).expanduser()
        try:
            result = backup.restore(
                archive,
                force=options["force"],
                keys=not options["no_keys"],
                say=self.stderr.write,
            )
        except backup.BackupError as exc:
            raise CommandError(_("Restore failed: %(error)s") % {"error": exc}) from exc
        manifest = result.manifest
        for note in result.notes:
            self.stdout.write(_("Note: %(note)s") % {"note": note})
        tables = manifest["database"]["tables"]
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                ngettext(
                    "Restored, but %(n)s difference from the manifest (above): the restored "
                    "data is not what the backup held.",
                    "Restored, but %(n)s differences from the manifest (above): the restored "
                    "data is not what the backup held.",
                    len(result.problems),
                )
                % {"n": len(result.problems)}
            )
        n_tables, n_rows, n_files = len(tables), sum(tables.values()), len(manifest["media"])
        self.stdout.write(
            _(
                "Restored the backup of %(created)s (Hanse %(version)s, %(vendor)s).\n"
                "Verified: %(tables)s, %(rows)s and %(files)s match the manifest."
            )
            % {
                "created": manifest["created_at"],
                "version": manifest["hanse_version"],
                "vendor": manifest["database"]["vendor"],
                "tables": ngettext("%(n)s table", "%(n)s tables", n_tables) % {"n": n_tables},
                "rows": ngettext("%(n)s row", "%(n)s rows", n_rows) % {"n": n_rows},
                "files": ngettext("%(n)s file", "%(n)s files", n_files) % {"n": n_files},
            }
        )
        self.stdout.write(self._migrations_note(manifest["database"]["migrations"]))

    def _migrations_note(self, applied: list[str]) -> str:
        loader = MigrationLoader(connections["default"], ignore_no_migrations=True)
        known = {f"{app}.{name}" for app, name in loader.disk_migrations}
        unknown = [name for name in applied if name not in known]
        pending = known - set(applied)
        if unknown:
            return ngettext(
                "Warning: the backup comes from a newer Hanse (%(n)s migration this version "
                "does not have: %(example)s): run it with that version.",
                "Warning: the backup comes from a newer Hanse (%(n)s migrations this version "
                "does not have, e.g. %(example)s): run it with that version.",
                len(unknown),
            ) % {"n": len(unknown), "example": unknown[0]}
        if pending:
            return ngettext(
                "%(n)s migration of this version is not applied: run migrate.",
                "%(n)s migrations of this version are not applied: run migrate.",
                len(pending),
            ) % {"n": len(pending)}
        return _("Migrations: the database is up to date with this version.")
