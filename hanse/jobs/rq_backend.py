"""The RQ task backend, on one Redis connection pool per process.

``django_tasks_rq.RQBackend`` asks django_rq for a queue on every enqueue, and django_rq
builds a new Redis client, with a connection pool of its own, each time: every task queued
opened a TCP connection, named it (``CLIENT SETNAME``), asked the server for its version
(``INFO``, which RQ caches on the client object, here thrown away with it) and closed it
again. A chat message queues its search index update, so on the send path of two server
processes this was a new Redis connection per message: about a fifth of the CPU of storing a
message (bench/chat_send_cost.py), and hundreds of short-lived connections a second.

This backend is the same, except that it hands django_rq one client per queue address for the
whole process (redis-py's pool is thread-safe and resets itself in a forked child).
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

import django_rq
import redis
from django_tasks.base import TASK_MAX_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq.backend import Job, failed_callback, success_callback
from django_tasks_rq.backend import RQBackend as _RQBackend
from rq.job import Callback, JobStatus
from typing_extensions import ParamSpec

T = TypeVar("T")
P = ParamSpec("P")

_clients: dict[str, redis.Redis] = {}
_lock = threading.Lock()


def connection(queue_name: str) -> redis.Redis:
    """The process's Redis client for a queue of ``RQ_QUEUES`` (one per distinct address)."""
    from django_rq.connection_utils import filter_connection_params, get_redis_connection
    from django_rq.settings import QUEUES

    config = filter_connection_params(QUEUES[queue_name])
    key = repr(sorted(config.items()))
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = get_redis_connection(config)
    return client


def reset() -> None:
    """Forget the clients (tests that point the queues elsewhere)."""
    with _lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


class RQBackend(_RQBackend):
    """``django_tasks_rq.RQBackend`` with the queue's Redis client kept for the process."""

    def enqueue(
        self,
        task: Task[P, T],
        args: P.args,  # type: ignore[valid-type]
        kwargs: P.kwargs,  # type: ignore[valid-type]
    ) -> TaskResult[T]:
        # As django_tasks_rq 0.12's RQBackend.enqueue, with connection= passed on.
        self.validate_task(task)
        task_result: TaskResult[T] = TaskResult(
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
        queue: Any = django_rq.get_queue(
            task.queue_name, job_class=Job, connection=connection(task.queue_name)
        )
        job = queue.create_job(
            task.module_path,
            args=args,
            kwargs=kwargs,
            job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
        return task_result
