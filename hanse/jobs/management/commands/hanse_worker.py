"""``manage.py hanse_worker``: the task worker, whatever queue is configured.

Without ``REDIS_URL`` it runs django-tasks' database worker; with it, RQ with the two options
RQ needs for django-tasks and that are easy to forget (``--job-class django_tasks_rq.Job``:
without it every job fails with "'Task' object is not callable"; ``--with-scheduler``: without
it retries and delayed tasks wait for ever), and our worker class, which runs the jobs in its
own process instead of forking one per job (hanse/jobs/rqworker.py). Either way it records a
heartbeat that ``/readyz`` reads, and works on the "live" queue before the "default" one
(hanse/jobs/queues.py)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from hanse.jobs import heartbeat, queues
from hanse.jobs.models import Heartbeat


class Command(BaseCommand):
    help = "Run a background task worker (database queue, or RQ when REDIS_URL is set)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue",
            nargs="+",
            default=list(queues.ALL),
            help=(
                "Queues to work on, the first first (default: live default). `--queue live` "
                "makes a worker for person-visible work only (hanse/jobs/queues.py)."
            ),
        )
        parser.add_argument(
            "--burst",
            action="store_true",
            help="Run the tasks that are due now, then exit (tests, cron).",
        )
        parser.add_argument(
            "--fork",
            action="store_true",
            help="RQ only: fork a process per job (RQ's default; slower, for comparison).",
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Restart on code changes (development; database queue only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = heartbeat.beat_in_background(Heartbeat.Role.WORKER)
        try:
            if getattr(settings, "REDIS_URL", ""):
                call_command(
                    "rqworker",
                    *options["queue"],
                    job_class="django_tasks_rq.Job",
                    # No fork per job (hanse/jobs/rqworker.py says why; timeouts still hold).
                    worker_class=(
                        "rq.Worker" if options["fork"] else "hanse.jobs.rqworker.HanseWorker"
                    ),
                    with_scheduler=True,
                    burst=options["burst"],
                )
            else:
                call_command(
                    "db_worker",
                    queue_name=",".join(options["queue"]),
                    batch=options["burst"],
                    reload=options["reload"],
                    startup_delay=False,
                )
        finally:
            stop.set()
