"""The task backends of Hanse: django-tasks' database and RQ backends, each storing the
request id of the work that queued a task with it (hanse/observability/context.py), so that
the worker's log line of the task names the request it came from.

The database backend keeps it beside the arguments (``args_kwargs["request_id"]``, which the
worker ignores), the RQ backend in the job's ``meta``. ``settings.TASKS`` names these classes;
``kind()`` tells either apart from the test backend for code that reads a queue."""

from __future__ import annotations

from typing import Any, Literal

import django_rq
from django.utils.module_loading import import_string
from django_tasks.base import TASK_MAX_PRIORITY, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_db.backend import DatabaseBackend as _DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_rq.backend import Job, failed_callback, success_callback
from django_tasks_rq.backend import RQBackend as _RQBackend
from rq.job import Callback, JobStatus

from hanse.jobs import rq_backend
from hanse.observability import context

META_KEY = "request_id"


def kind(backend_path: str) -> Literal["db", "rq", "other"]:
    """Which queue a ``TASKS[...]["BACKEND"]`` path runs on."""
    try:
        cls = import_string(backend_path)
    except ImportError:
        return "other"
    if issubclass(cls, _DatabaseBackend):
        return "db"
    if issubclass(cls, _RQBackend):
        return "rq"
    return "other"


class DatabaseBackend(_DatabaseBackend):
    # django_tasks_db's row, with the request id beside the arguments (one INSERT, as before).
    def _row(self, task: Any, args: Any, kwargs: Any) -> dict[str, Any]:
        args_kwargs: dict[str, Any] = dict(normalize_json({"args": args, "kwargs": kwargs}))  # type: ignore[arg-type]
        request_id = context.current()
        if request_id:
            args_kwargs[META_KEY] = request_id
        return {
            "id": self._get_id(),
            "args_kwargs": args_kwargs,
            "priority": task.priority,
            "task_path": task.module_path,
            "queue_name": task.queue_name,
            "run_after": task.run_after,
            "backend_name": self.alias,
        }

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.create(**self._row(task, args, kwargs))

    async def _atask_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult

        return await DBTaskResult.objects.acreate(**self._row(task, args, kwargs))


def request_id_of_db_result(db_result: Any) -> str | None:
    value = (db_result.args_kwargs or {}).get(META_KEY)
    return value if isinstance(value, str) else None


class RQBackend(_RQBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> TaskResult[Any]:
        # django_tasks_rq's enqueue, with the request id in the job's meta.
        self.validate_task(task)
        task_result: TaskResult[Any] = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        meta: dict[str, Any] = {"backend_name": self.alias}
        request_id = context.current()
        if request_id:
            meta[META_KEY] = request_id
        # One Redis client per queue address for the process (hanse/jobs/rq_backend.py).
        queue = django_rq.get_queue(
            task.queue_name, job_class=Job, connection=rq_backend.connection(task.queue_name)
        )
        job = queue.create_job(
            task.module_path,
            args=args,
            kwargs=kwargs,
            job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta=meta,
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
        return task_result
