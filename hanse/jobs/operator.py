"""What the operator page shows and does, for both task backends (hanse/jobs/backends.py):
queued, running and failed tasks, with retry and discard; the scheduler's jobs.

Reads for the page (``overview``) and the two writes (``retry``, ``discard``) in one module:
the two backends keep tasks in different places (rows of django-tasks-db, jobs and registries
of RQ), and each function speaks to both."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hanse.jobs import backends
from hanse.jobs.models import ScheduledJob

OVERDUE_AFTER = timedelta(minutes=5)
# Rows per list: the page is for finding out what is wrong, not for paging through history.
LIMIT = 50


@dataclass(frozen=True)
class TaskRow:
    id: str
    task: str
    queue: str
    state: str  # queued | running | failed
    when: datetime | None  # queued at, started at, or failed at
    error: str  # the exception's class, for failed tasks


@dataclass(frozen=True)
class SchedulerRow:
    name: str
    last_run_at: datetime | None
    next_run_at: datetime
    overdue: bool


@dataclass(frozen=True)
class Overview:
    backend: str  # db | rq | other
    queued: list[TaskRow]
    running: list[TaskRow]
    failed: list[TaskRow]
    counts: dict[str, int]
    schedules: list[SchedulerRow]


class UnknownTask(Exception):
    """No task of that id in that state (done meanwhile, or never there)."""


def backend_kind() -> str:
    return backends.kind(str(settings.TASKS["default"]["BACKEND"]))


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment, UTC)
    return moment


# --- database backend --------------------------------------------------------------------


def _db_rows(state: str) -> tuple[list[TaskRow], int]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    qs = DBTaskResult.objects.all()
    if state == "queued":
        qs = qs.filter(status=TaskResultStatus.READY).order_by("enqueued_at")
        when = "enqueued_at"
    elif state == "running":
        qs = qs.filter(status=TaskResultStatus.RUNNING).order_by("started_at")
        when = "started_at"
    else:
        qs = qs.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")
        when = "finished_at"
    rows = [
        TaskRow(
            id=str(row.id),
            task=row.task_path,
            queue=row.queue_name,
            state=state,
            when=getattr(row, when),
            error=(row.exception_class_path or "").rsplit(".", 1)[-1],
        )
        for row in qs.only(
            "id",
            "task_path",
            "queue_name",
            "enqueued_at",
            "started_at",
            "finished_at",
            "exception_class_path",
        )[:LIMIT]
    ]
    return rows, qs.count()


def _db_id(task_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(task_id)
    except ValueError:
        raise UnknownTask(task_id) from None


def _db_retry(task_id: str) -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    with transaction.atomic():
        done = DBTaskResult.objects.filter(
            id=_db_id(task_id), status=TaskResultStatus.FAILED
        ).update(
            status=TaskResultStatus.READY,
            started_at=None,
            finished_at=None,
            run_after=get_date_max(),
            exception_class_path="",
            traceback="",
        )
    if not done:
        raise UnknownTask(task_id)


def _db_discard(task_id: str) -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    # A running task is the worker's: discarding it under the worker would lose its outcome.
    deleted, _ = DBTaskResult.objects.filter(
        id=_db_id(task_id), status__in=[TaskResultStatus.READY, TaskResultStatus.FAILED]
    ).delete()
    if not deleted:
        raise UnknownTask(task_id)


# --- RQ ------------------------------------------------------------------------------------


def _rq_queues() -> list[Any]:
    import django_rq

    return [django_rq.get_queue(name) for name in settings.TASKS["default"].get("QUEUES", [])]


def _rq_row(job: Any, state: str, queue: str) -> TaskRow:
    if state == "queued":
        when = job.enqueued_at
    elif state == "running":
        when = job.started_at
    else:
        when = job.ended_at
    error = ""
    if state == "failed":
        classes = (job.meta or {}).get("_django_tasks_rq_exceptions") or []
        error = classes[-1].rsplit(".", 1)[-1] if classes else "Exception"
    return TaskRow(
        id=job.id, task=job.func_name, queue=queue, state=state, when=_aware(when), error=error
    )


def _rq_registry(queue: Any, state: str) -> Any:
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    return {
        "running": StartedJobRegistry,
        "failed": FailedJobRegistry,
        "scheduled": ScheduledJobRegistry,
    }[state](queue=queue)


def _rq_rows(state: str) -> tuple[list[TaskRow], int]:
    from rq.job import Job

    rows: list[TaskRow] = []
    total = 0
    for queue in _rq_queues():
        if state == "queued":
            ids = queue.get_job_ids(0, LIMIT)
            scheduled = _rq_registry(queue, "scheduled")
            ids += scheduled.get_job_ids(0, LIMIT)
            total += queue.count + scheduled.count
        else:
            registry = _rq_registry(queue, state)
            ids = registry.get_job_ids(0, LIMIT)
            total += registry.count
        jobs = Job.fetch_many(ids, connection=queue.connection)
        rows.extend(_rq_row(job, state, queue.name) for job in jobs if job is not None)
    return rows[:LIMIT], total


def _rq_find(task_id: str, states: tuple[str, ...]) -> tuple[Any, Any, str]:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    for queue in _rq_queues():
        try:
            job = Job.fetch(task_id, connection=queue.connection)
        except NoSuchJobError:
            continue
        if job.origin != queue.name:
            continue
        if "failed" in states and task_id in _rq_registry(queue, "failed").get_job_ids():
            return queue, job, "failed"
        if "queued" in states and (
            task_id in queue.get_job_ids() or task_id in _rq_registry(queue, "scheduled")
        ):
            return queue, job, "queued"
    raise UnknownTask(task_id)


def _rq_retry(task_id: str) -> None:
    queue, _job, _state = _rq_find(task_id, ("failed",))
    _rq_registry(queue, "failed").requeue(task_id)


def _rq_discard(task_id: str) -> None:
    _queue, job, _state = _rq_find(task_id, ("failed", "queued"))
    job.delete()  # out of its queue or registry, and gone


# --- the page's reads and writes ---------------------------------------------------------


def schedules(now: datetime | None = None) -> list[SchedulerRow]:
    now = now or timezone.now()
    return [
        SchedulerRow(
            name=job.name,
            last_run_at=job.last_run_at,
            next_run_at=job.next_run_at,
            # The scheduler ticks every few seconds: a job due minutes ago means it is not running.
            overdue=job.next_run_at < now - OVERDUE_AFTER,
        )
        for job in ScheduledJob.objects.order_by("name")
    ]


def overview() -> Overview:
    kind = backend_kind()
    lists: dict[str, list[TaskRow]] = {"queued": [], "running": [], "failed": []}
    counts = {"queued": 0, "running": 0, "failed": 0}
    if kind in ("db", "rq"):
        read = _db_rows if kind == "db" else _rq_rows
        for state in lists:
            lists[state], counts[state] = read(state)
    return Overview(
        backend=kind,
        queued=lists["queued"],
        running=lists["running"],
        failed=lists["failed"],
        counts=counts,
        schedules=schedules(),
    )


def retry(task_id: str) -> None:
    """Run a failed task again (it goes to the end of its queue)."""
    kind = backend_kind()
    if kind == "db":
        _db_retry(task_id)
    elif kind == "rq":
        _rq_retry(task_id)
    else:
        raise UnknownTask(task_id)


def discard(task_id: str) -> None:
    """Remove a queued or failed task for good (a running one is left to its worker)."""
    kind = backend_kind()
    if kind == "db":
        _db_discard(task_id)
    elif kind == "rq":
        _rq_discard(task_id)
    else:
        raise UnknownTask(task_id)
