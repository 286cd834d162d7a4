"""The HR import from the command line: ``hanse_hr_import FILE [--dry-run]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from tqdm import tqdm

from hanse.identity.hrimport import reader, runs
from hanse.identity.models import HrImportRun


class Command(BaseCommand):
    help = (
        "Import people, org units, locations and managers from an HR CSV file "
        "(docs/operations.md, 'HR import'); --dry-run prints what would change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file (UTF-8 or Windows-1252, ; or ,)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; change nothing."
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        dry_run = bool(options["dry_run"])
        with translation.override(settings.LANGUAGE_CODE):
            try:
                runs.check_size(len(data))
                parsed = reader.read(data)
                text, _encoding = reader.decode(data)
            except reader.FileRefused as refused:
                raise CommandError(str(refused.message)) from refused
            run = HrImportRun.objects.create(
                dry_run=dry_run,
                trigger=HrImportRun.Trigger.COMMAND,
                file_name=path.name[:255],
                content=text.lstrip("\ufeff"),
                language=settings.LANGUAGE_CODE,
                rows=len(parsed.rows),
            )
            quiet = options["no_progress"] or options["verbosity"] == 0
            with tqdm(total=100, unit="%", disable=quiet, file=self.stderr._out) as bar:

                def progress(fraction: float) -> None:
                    bar.update(max(0, int(fraction * 100) - bar.n))

                plan = runs.execute(run, progress=progress)
        run.refresh_from_db()
        if plan is None:
            raise CommandError(run.report.get("failed", "failed"))
        self._print(run.report)
        counts = run.report["counts"]
        summary = (
            f"{counts['rows']} rows; new: {counts['created']}, changed: {counts['updated']}, "
            f"deactivated: {counts['deactivated']}, new units: {counts['new_units']}, new "
            f"locations: {counts['new_locations']}, manager changes: "
            f"{counts['manager_changes']}, errors: {counts['errors']}."
        )
        if run.report.get("refused"):
            raise CommandError(f"Stopped, nothing changed: {run.report['refused']}")
        if counts["errors"]:
            raise CommandError(f"The file has errors; nothing changed. {summary}")
        if dry_run:
            self.stdout.write("Dry run, nothing changed. Would be: " + summary)
        else:
            self.stdout.write("Done. " + summary)

    def _print(self, report: dict[str, Any]) -> None:
        out = self.stdout.write
        for item in report["errors"]:
            out(f"Error, line {item['line']}: {item['message']}")
        for item in report["warnings"]:
            out(f"Warning, line {item['line']}: {item['message']}")
        for item in report["new_people"]:
            out(f"New person (line {item['line']}): {item['name']} <{item['email']}>")
        for item in report["changed_people"]:
            if item["reactivate"]:
                out(f"Reactivate (line {item['line']}): {item['email']}")
            for change in item["changes"]:
                out(f"{item['email']}: {change['field']} “{change['old']}” → “{change['new']}”")
        for item in report["deactivated"]:
            out(f"Deactivate: {item['name']} <{item['email']}> ({item['reason']})")
        for item in report["new_units"]:
            out(f"New unit: {item['name']} (below {item['parent']})")
        for name in report["new_locations"]:
            out(f"New location: {name}")
        for item in report["manager_changes"]:
            out(f"{item['unit']}: manager {item['old']} → {item['new']}")
