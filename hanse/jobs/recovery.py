"""Recovery of tasks that a dead worker left behind (run by the scheduler, hanse/jobs/jobs.py).

With RQ, a job of a worker that died moves to RQ's failed registry by itself. The database
queue (django-tasks-db) has no such step: see ``_requeue_running_db_tasks``.
Every task of Hanse may run twice (hanse/jobs/once.py, the e-mail claims), so running one
again after ``TASK_STUCK_MINUTES`` is safe.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task, task_backends

logger = logging.getLogger(__name__)


def stuck_minutes() -> int:
    """How long a task may run before it counts as left behind (the old setting's name too)."""
    fallback = getattr(settings, "NOTIFICATION_STUCK_TASK_MINUTES", 15)
    return int(getattr(settings, "TASK_STUCK_MINUTES", fallback))


def _requeue_running_db_tasks(backend_alias: str, cutoff: datetime, now: datetime) -> int:
    """Put RUNNING rows of django-tasks-db started before ``cutoff`` back to READY.

    Why: django-tasks-db's worker claims a row by setting it RUNNING (``DBTaskResult.claim``)
    and only ever looks at READY rows again, so a worker killed (or a machine lost) in the
    middle of a task would leave it RUNNING for ever. The package has no public way to
    re-queue such a row, so this writes its internal table. It is the only code of Hanse that
    does, and it relies on the fields ``status``, ``started_at``, ``run_after`` and
    ``backend_name`` and on ``DBTaskResultQuerySet.ready()`` taking READY rows whose
    ``run_after`` has passed. Checked against django-tasks-db 0.13.0 (django-tasks 0.12.0);
    pyproject.toml bounds it below 0.14 so that an upgrade re-checks this function
    (tests/jobs/test_recovery.py)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff, backend_name=backend_alias
    ).update(status=TaskResultStatus.READY, started_at=None, run_after=now)


def recover_stuck_tasks(now: datetime | None = None) -> int:
    """Tasks of the database queue left RUNNING by a worker that died go back to READY."""
    from django_tasks_db.backend import DatabaseBackend

    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return 0  # RQ moves jobs of dead workers to its failed registry itself
    now = now or timezone.now()
    count = _requeue_running_db_tasks(backend.alias, now - timedelta(minutes=stuck_minutes()), now)
    if count:
        logger.warning("Re-queued %s task(s) left running by a worker that stopped.", count)
    return count


@task()
def recover_stuck_work() -> int:
    """The scheduler's recovery step for the task queue (runs in the scheduler process)."""
    return recover_stuck_tasks()
