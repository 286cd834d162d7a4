"""The scheduler: due jobs are claimed once, times are local, the command runs once."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.utils import timezone
from django_tasks import default_task_backend

from hanse.jobs import scheduler
from hanse.jobs.models import ScheduledJob

DUMMY_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["live", "default"],
    }
}
BERLIN = ZoneInfo("Europe/Berlin")

DIGEST = scheduler.Schedule(
    name="test.digest",
    task="hanse.notifications.delivery.send_digests",
    args=("daily",),
    at=time(7, 30),
)


def test_two_schedulers_enqueue_a_due_job_once(db: None, settings: Any) -> None:
    """Both "processes" read the job as due; only one UPDATE matches, one task is queued."""
    settings.TASKS = DUMMY_TASKS
    now = timezone.now()
    ScheduledJob.objects.create(name=DIGEST.name, next_run_at=now - timedelta(minutes=1))
    seen_by_a = ScheduledJob.objects.get(name=DIGEST.name)
    seen_by_b = ScheduledJob.objects.get(name=DIGEST.name)
    assert scheduler.claim(DIGEST, seen_by_a, now) is True
    assert scheduler.claim(DIGEST, seen_by_b, now) is False
    # Through run_due as well: the first tick starts it, a concurrent second one does not.
    ScheduledJob.objects.filter(name=DIGEST.name).update(next_run_at=now - timedelta(seconds=1))
    assert scheduler.run_due([DIGEST], now) == ["test.digest"]
    assert scheduler.run_due([DIGEST], now) == []
    results = default_task_backend.results  # type: ignore[attr-defined]
    assert [(r.task.name, list(r.args)) for r in results] == [("send_digests", ["daily"])]
    job = ScheduledJob.objects.get(name=DIGEST.name)
    assert job.last_run_at == now
    assert job.next_run_at > now


def test_daily_and_weekly_times_are_local_across_summer_time() -> None:
    """07:30 in Berlin is 06:30 UTC in winter and 05:30 UTC in summer; weekly is Monday."""
    saturday_evening = datetime(2026, 3, 28, 20, 0, tzinfo=BERLIN)  # clocks change on Sunday
    daily = DIGEST.next_after(saturday_evening)
    assert daily == datetime(2026, 3, 29, 7, 30, tzinfo=BERLIN)
    assert daily.utcoffset() == timedelta(hours=2)
    weekly = scheduler.Schedule(name="w", task="x", at=time(7, 30), weekday=0)
    assert weekly.next_after(saturday_evening) == datetime(2026, 3, 30, 7, 30, tzinfo=BERLIN)
    monday_early = datetime(2026, 3, 30, 7, 0, tzinfo=BERLIN)
    assert weekly.next_after(monday_early) == datetime(2026, 3, 30, 7, 30, tzinfo=BERLIN)
    monday_late = datetime(2026, 3, 30, 7, 30, tzinfo=BERLIN)
    assert weekly.next_after(monday_late) == datetime(2026, 4, 6, 7, 30, tzinfo=BERLIN)


def test_missed_runs_run_once(db: None, settings: Any) -> None:
    """A scheduler that was down for three days runs the daily job once, then tomorrow."""
    settings.TASKS = DUMMY_TASKS
    now = datetime(2026, 5, 4, 12, 0, tzinfo=BERLIN)
    ScheduledJob.objects.create(name=DIGEST.name, next_run_at=now - timedelta(days=3))
    assert scheduler.run_due([DIGEST], now) == ["test.digest"]
    assert ScheduledJob.objects.get().next_run_at == datetime(2026, 5, 5, 7, 30, tzinfo=BERLIN)
    assert len(default_task_backend.results) == 1  # type: ignore[attr-defined]


def test_command_once_creates_jobs_and_runs_interval_jobs(db: None, settings: Any) -> None:
    """`hanse_scheduler --once`: every job gets a row; interval jobs run right away."""
    settings.TASKS = DUMMY_TASKS
    out = StringIO()
    call_command("hanse_scheduler", "--once", stdout=out)
    names = set(ScheduledJob.objects.values_list("name", flat=True))
    assert names == {s.name for s in scheduler.SCHEDULES}
    assert "posts.scheduled_announcements" in out.getvalue()
    assert "notifications.recover_stuck_work" in out.getvalue()
    assert "jobs.outbox_relay" in out.getvalue()
    assert "jobs.recover_stuck_tasks" in out.getvalue()
    # Network analytics: daily at night, so not started by --once.
    assert "analytics.daily" in names
    queued = [r.task.name for r in default_task_backend.results]  # type: ignore[attr-defined]
    # The recovery step and the outbox relay run inline in the scheduler, the rest goes to
    # the queue.
    assert sorted(queued) == [
        "check_saved_searches",
        "check_scheduled_announcements",
        "deactivate_expired_guests",
        "delete_expired_keys",
        "empty_bin",
        "expire_exports",
        "extract_missing",
        "send_deadline_notices",
        "send_decision_review_reminders",
        "send_event_reminders",
        "send_experiment_due_reminders",
        "send_review_reminders",
    ]
    out = StringIO()
    call_command("hanse_scheduler", "--once", stdout=out)
    assert out.getvalue().strip() == "Started: nothing was due."


def test_run_forever_stops_when_told(db: None) -> None:
    """The loop ticks until the stop event (set by SIGTERM/SIGINT) is set."""
    import threading

    stop = threading.Event()
    ticks: list[int] = []

    def tick() -> None:
        ticks.append(1)
        if len(ticks) == 2:
            stop.set()

    scheduler.run_forever(stop=stop, interval=0.01, tick=tick)
    assert len(ticks) == 2
