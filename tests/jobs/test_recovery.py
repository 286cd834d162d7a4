"""Recovery of tasks a dead worker left behind on the database queue (hanse/jobs/recovery.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from hanse.jobs import recovery
from hanse.posts import tasks


def test_tasks_left_running_by_a_dead_worker_are_requeued(db: None, settings: Any) -> None:
    """A RUNNING row older than the threshold goes back to READY and is picked up again; a
    fresh one stays. Guards the one function that writes django-tasks-db's rows."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["live", "default"]}
    }
    stale = tasks.notify_post_created.enqueue(1)
    fresh = tasks.notify_post_created.enqueue(2)
    now = timezone.now()
    DBTaskResult.objects.filter(pk=stale.id).update(
        status="RUNNING", started_at=now - timedelta(minutes=recovery.stuck_minutes() + 5)
    )
    DBTaskResult.objects.filter(pk=fresh.id).update(status="RUNNING", started_at=now)
    assert recovery.recover_stuck_tasks(now) == 1
    assert DBTaskResult.objects.get(pk=stale.id).status == "READY"
    assert DBTaskResult.objects.get(pk=fresh.id).status == "RUNNING"
    assert DBTaskResult.objects.ready().filter(pk=stale.id).exists()


def test_other_queues_are_left_alone(db: None, settings: Any) -> None:
    """With another backend (RQ, the test backend) there is nothing to recover here."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["live", "default"],
        }
    }
    assert recovery.recover_stuck_tasks() == 0


def test_threshold_setting(settings: Any) -> None:
    """TASK_STUCK_MINUTES, else the older NOTIFICATION_STUCK_TASK_MINUTES, else 15."""
    assert recovery.stuck_minutes() == 15
    settings.NOTIFICATION_STUCK_TASK_MINUTES = 20
    assert recovery.stuck_minutes() == 20
    settings.TASK_STUCK_MINUTES = 30
    assert recovery.stuck_minutes() == 30
