"""Recurring jobs: schedules in code, state in the database, work through django-tasks.

``manage.py hanse_scheduler`` wakes every 15 seconds, claims the jobs that are due and
enqueues their task. A due job is claimed with one conditional UPDATE
(``... SET next_run_at = <next> WHERE name = %s AND next_run_at = <the value read>``): when
two scheduler processes run (two app servers, a restart overlapping the old process), only
one of them changes the row, so a job is never enqueued twice. A scheduler that was stopped
for a while runs each missed job once, not once per missed period.

Daily and weekly times are local (``settings.TIME_ZONE``, Europe/Berlin by default), so 07:30
stays 07:30 across the change to and from summer time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from hanse.jobs import heartbeat
from hanse.jobs.models import Heartbeat, ScheduledJob
from hanse.observability import metrics

logger = logging.getLogger(__name__)

TICK_SECONDS = 15.0


@dataclass(frozen=True)
class Schedule:
    """A recurring job: every ``every``, or daily at ``at`` (on ``weekday`` only, 0=Monday)."""

    name: str
    task: str  # dotted path of a django-tasks Task
    args: tuple[Any, ...] = ()
    every: timedelta | None = None
    at: time | None = None
    weekday: int | None = None
    # Run in the scheduler process instead of the queue: for the step that must work when no
    # worker does (the recovery of tasks a dead worker left behind).
    inline: bool = False
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.every is None) == (self.at is None):
            raise ValueError(f"Schedule {self.name!r} needs either `every` or `at`.")

    def next_after(self, moment: datetime) -> datetime:
        """The first run strictly after ``moment``."""
        if self.every is not None:
            return moment + self.every
        assert self.at is not None  # noqa: S101  # checked in __post_init__
        zone = ZoneInfo(settings.TIME_ZONE)
        local = moment.astimezone(zone)
        day = local.date()
        while True:
            candidate = datetime.combine(day, self.at, tzinfo=zone)
            if candidate > local and (self.weekday is None or day.weekday() == self.weekday):
                return candidate
            day += timedelta(days=1)

    def first_run(self, now: datetime) -> datetime:
        """Interval jobs start right away; daily and weekly ones at their next time."""
        return now if self.every is not None else self.next_after(now)

    def load(self) -> Any:
        return import_string(self.task)


# Filled by the apps: each declares its jobs in its own ``jobs.py`` and calls ``register`` from
# its AppConfig.ready(). The scheduler never imports an app.
SCHEDULES: list[Schedule] = []


def register(*schedules: Schedule) -> None:
    """Add recurring jobs; registering a name twice (ready() run again in tests) is a no-op,
    registering another job under a taken name is a mistake."""
    known = {s.name: s for s in SCHEDULES}
    for schedule in schedules:
        existing = known.get(schedule.name)
        if existing is None:
            SCHEDULES.append(schedule)
            known[schedule.name] = schedule
        elif existing != schedule:
            raise ValueError(f"Another scheduled job is already called {schedule.name!r}.")


def ensure_jobs(schedules: list[Schedule], now: datetime) -> None:
    """Create the state row of schedules that have none yet (another process may race)."""
    known = set(
        ScheduledJob.objects.filter(name__in=[s.name for s in schedules]).values_list(
            "name", flat=True
        )
    )
    for schedule in schedules:
        if schedule.name in known:
            continue
        try:
            with transaction.atomic():
                ScheduledJob.objects.create(name=schedule.name, next_run_at=schedule.first_run(now))
        except IntegrityError:
            pass  # another scheduler created it a moment ago


def claim(schedule: Schedule, job: ScheduledJob, now: datetime) -> bool:
    """Move a due job to its next run; True only for the process whose UPDATE matched."""
    return bool(
        ScheduledJob.objects.filter(pk=job.pk, next_run_at=job.next_run_at).update(
            next_run_at=schedule.next_after(now), last_run_at=now
        )
    )


def run_due(schedules: list[Schedule] | None = None, now: datetime | None = None) -> list[str]:
    """Claim and start every due job once; returns the names of the jobs started here."""
    schedules = SCHEDULES if schedules is None else schedules
    now = now or timezone.now()
    ensure_jobs(schedules, now)
    by_name = {s.name: s for s in schedules}
    due = ScheduledJob.objects.filter(name__in=list(by_name), next_run_at__lte=now).order_by(
        "next_run_at"
    )
    started = []
    for job in due:
        schedule = by_name[job.name]
        task_obj = schedule.load()
        if schedule.inline:
            if not claim(schedule, job, now):
                continue
            try:
                task_obj.call(*schedule.args, **schedule.kwargs)
            except Exception:
                metrics.scheduler_runs.labels(schedule.name, "failed").inc()
                logger.exception("Scheduled job %s failed.", schedule.name)
                continue
        else:
            try:
                # With the database queue the claim and the enqueued task commit together;
                # if the enqueue fails the claim is undone and the next tick tries again.
                with transaction.atomic():
                    if not claim(schedule, job, now):
                        continue
                    task_obj.enqueue(*schedule.args, **schedule.kwargs)
            except Exception:
                metrics.scheduler_runs.labels(schedule.name, "failed").inc()
                logger.exception("Could not enqueue scheduled job %s.", schedule.name)
                continue
        metrics.scheduler_runs.labels(
            schedule.name, "inline" if schedule.inline else "queued"
        ).inc()
        logger.info("Started scheduled job %s.", schedule.name)
        started.append(schedule.name)
    return started


def run_forever(
    *,
    stop: threading.Event,
    interval: float = TICK_SECONDS,
    tick: Callable[[], Any] = run_due,
) -> None:
    """Tick until ``stop`` is set (the command sets it on SIGTERM and SIGINT)."""
    logger.info("Scheduler started: %s job(s), every %ss.", len(SCHEDULES), interval)
    beats = heartbeat.Beater(Heartbeat.Role.SCHEDULER)
    while not stop.is_set():
        close_old_connections()
        try:
            beats.beat()
        except Exception:
            # A missing heartbeat shows in /readyz; it must not stop the schedule.
            logger.warning("Could not record the scheduler's heartbeat.", exc_info=True)
        try:
            tick()
        except Exception:
            # A database that is briefly away must not end the scheduler.
            logger.exception("Scheduler tick failed.")
        close_old_connections()
        stop.wait(interval)
    try:
        beats.stop()
    except Exception:
        logger.debug("Could not remove the scheduler's heartbeat.", exc_info=True)
    logger.info("Scheduler stopped.")
