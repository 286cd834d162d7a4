from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hanse.core import retention_runs


class Command(BaseCommand):
    help = (
        "Retention per type: period, cut-off and how many would be deleted. Without --dry-run "
        "deletes what is due for the types an administrator confirmed (like the scheduled job)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Show, delete nothing.")
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="Confirm the preview shown: the scheduled job may delete these types.",
        )
        parser.add_argument("--only", action="append", help="One type's key (repeatable).")
        parser.add_argument("--by", help="Username of the administrator who confirms.")

    def _show(self, rows: list[retention_runs.Preview]) -> None:
        for row in rows:
            if row.cutoff is None:
                self.stdout.write(f"{row.policy.key}: kept forever ({row.policy.setting}=0)")
                continue
            cutoff = timezone.localtime(row.cutoff).strftime("%Y-%m-%d %H:%M")
            gate = "confirmed" if row.confirmed else "awaiting confirmation"
            self.stdout.write(
                f"{row.policy.key}: {row.days} days ({row.policy.setting}), cut-off {cutoff}, "
                f"{row.count} would be deleted, {gate}"
            )

    def handle(self, *args: Any, **options: Any) -> None:
        keys = options["only"]
        try:
            rows = retention_runs.preview(keys=keys)
        except KeyError as unknown:
            raise CommandError(f"Unknown retention type: {unknown}") from None
        self._show(rows)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was deleted.")
            return
        if options["confirm"]:
            by = None
            if options["by"]:
                by = get_user_model().objects.filter(username=options["by"]).first()
                if by is None:
                    raise CommandError(f"No such person: {options['by']}")
            done = retention_runs.confirm(by=by, keys=keys)
            self.stdout.write(f"Confirmed: {', '.join(r.policy.key for r in done) or 'nothing'}.")
            return
        for outcome in retention_runs.run(keys=keys):
            self.stdout.write(f"{outcome.key}: {outcome.status}, {outcome.deleted} deleted")
