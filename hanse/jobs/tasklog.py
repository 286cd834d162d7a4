"""One log line and the metrics of each task run, under the request id that queued it.

Receivers of django-tasks' ``task_started`` and ``task_finished``, which both workers send
(the database worker around each task, RQ's job class and its callbacks). The database
worker's task carries the request id in its row (hanse/jobs/backends.py); the RQ worker binds
it from the job's meta before the job starts (hanse/jobs/rqworker.py). While the task runs,
its id is bound: its own log lines and the tasks it queues carry it."""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any

from hanse.jobs.backends import request_id_of_db_result
from hanse.observability import context, metrics
from hanse.observability.logs import get_logger

logger = get_logger("hanse.task")

_started: ContextVar[float | None] = ContextVar("hanse_task_started", default=None)
# The request id bound before the task started (the immediate backend runs a task inside its
# request), bound again when it ends.
_before: ContextVar[str | None] = ContextVar("hanse_task_before", default=None)
# Set by the RQ worker around a job: the task_started receiver must not clear it.
_bound_by_worker: ContextVar[bool] = ContextVar("hanse_task_bound_by_worker", default=False)


def bind_from_worker(request_id: str | None) -> Any:
    token = context.bind(request_id)
    _bound_by_worker.set(True)
    return token


def unbind_from_worker(token: Any) -> None:
    _bound_by_worker.set(False)
    context.unbind(token)


def task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if not _bound_by_worker.get():
        db_result = getattr(task_result, "db_result", None)
        request_id = request_id_of_db_result(db_result) if db_result is not None else None
        before = context.current()
        _before.set(before)
        # The immediate backend of tests runs the task inside the request: keep its id.
        context.bind(request_id or before)
    _started.set(time.perf_counter())


def task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """Connected after every other receiver (hanse/jobs/apps.py): a retry they queue still
    carries the request id."""
    started = _started.get()
    elapsed = None if started is None else time.perf_counter() - started
    _started.set(None)
    path = task_result.task.module_path
    status = str(task_result.status).lower()
    metrics.tasks.labels(path, status).inc()
    if elapsed is not None:
        metrics.task_duration.labels(path).observe(elapsed)
    logger.log(
        40 if status == "failed" else 20,
        "task",
        task=path,
        task_id=str(task_result.id),
        queue=task_result.task.queue_name,
        status=status,
        duration_ms=None if elapsed is None else round(elapsed * 1000, 1),
        attempts=len(task_result.errors) + 1 if status == "failed" else None,
    )
    if not _bound_by_worker.get():
        context.bind(_before.get())
        _before.set(None)
