"""``manage.py hanse_scheduler``: run the recurring jobs (digests, scheduled announcements,
event reminders, recovery of stuck tasks and deliveries, retention, the sweep of orphaned
files; the apps declare them in their own jobs.py). ``--once`` runs what is
due and exits (tests, cron)."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

from hanse.jobs import scheduler


class Command(BaseCommand):
    help = (
        "Run Hanse's scheduled jobs (digests, announcements, event reminders, recovery, "
        "retention, the sweep of orphaned files)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Start the jobs that are due, then exit."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=scheduler.TICK_SECONDS,
            help="Seconds between two looks at the schedule (default 15).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            started = scheduler.run_due()
            self.stdout.write(
                "Started: " + (", ".join(started) if started else "nothing was due") + "."
            )
            return
        stop = threading.Event()

        def shutdown(signum: int, frame: FrameType | None) -> None:
            self.stdout.write(f"{signal.strsignal(signum)}: stopping the scheduler.")
            stop.set()

        signal.signal(signal.SIGTERM, shutdown)
        signal.signal(signal.SIGINT, shutdown)
        scheduler.run_forever(stop=stop, interval=options["interval"])
