"""Recompute the weekly and monthly aggregates of a range of days, with a progress bar.

Periods whose raw edges are already past the retention are refused: recomputing them would
replace what the aggregates said with what little is left."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hanse.analytics import services
from hanse.analytics.compute import compute_period
from hanse.analytics.org import load_org
from hanse.analytics.periods import periods_touching
from hanse.analytics.recording import is_enabled


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from error


class Command(BaseCommand):
    help = "Recompute network analytics for the weeks and months touching --from .. --to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, first: str, last: str, **options: Any) -> None:
        start, end = _day(first), _day(last)
        if end < start:
            raise CommandError("--to is before --from.")
        if not is_enabled():
            raise CommandError("Network analytics are off: nothing is computed.")
        horizon = services.retention_horizon()
        if start < horizon:
            raise CommandError(
                f"Raw interactions before {horizon.isoformat()} are deleted (retention); "
                "their aggregates are kept as they are."
            )
        row = services.current()
        org = load_org()
        periods = periods_touching(start, end)
        quiet = options["no_progress"] or options["verbosity"] == 0
        started = time.monotonic()
        written = 0
        with tqdm(
            total=len(periods), desc="periods", unit="period", disable=quiet, file=self.stderr._out
        ) as bar:
            for period, period_start in periods:
                written += compute_period(period, period_start, min_group=row.min_group, org=org)
                bar.update(1)
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{len(periods)} periods, {written} figures in {time.monotonic() - started:.1f} s"
            )
