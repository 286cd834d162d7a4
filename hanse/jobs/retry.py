"""Retries with backoff for every app's tasks: one policy, one place.

A failing task re-enqueues itself with ``run_after`` and ``attempt + 1`` (backoff 1, 2, 4,
8 minutes), at most ``MAX_ATTEMPTS`` attempts, and logs each failure. A task that failed
without retrying itself because the database or Redis was away is queued again by
``requeue_when_unavailable`` (connected in apps.py). The database queue and
RQ (with ``--with-scheduler``, which ``manage.py hanse_worker`` passes) run deferred tasks;
the test backend runs them at once."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from hanse.observability import metrics

if TYPE_CHECKING:
    from django_tasks.base import Task

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def backoff(attempt: int) -> timedelta:
    """Wait before attempt ``attempt + 1``: 1, 2, 4, 8 minutes (``TASK_RETRY_BASE_SECONDS``)."""
    return timedelta(seconds=settings.TASK_RETRY_BASE_SECONDS) * (2 ** (attempt - 1))


def can_defer(task_obj: Task[Any, Any]) -> bool:
    return bool(task_obj.get_backend().supports_defer)


def enqueue(
    task_obj: Task[Any, Any], *args: Any, run_after: datetime | None = None, **kwargs: Any
) -> None:
    """Queue a task, later when the backend can defer (the test backend runs it now)."""
    if run_after is not None and can_defer(task_obj):
        task_obj.using(run_after=run_after).enqueue(*args, **kwargs)
    else:
        task_obj.enqueue(*args, **kwargs)


def retry(task_obj: Task[Any, Any], args: Sequence[Any], attempt: int, what: str) -> None:
    """Called from an ``except`` block: queue the next attempt, or give up after the last."""
    if attempt >= MAX_ATTEMPTS:
        logger.exception("%s failed %s times; giving up.", what, attempt)
        raise  # the one being handled: the task's result records the failure
    wait = backoff(attempt)
    metrics.task_retries.labels(task_obj.module_path).inc()
    logger.warning(
        "%s failed (attempt %s of %s); retrying in %s.",
        what,
        attempt,
        MAX_ATTEMPTS,
        wait,
        exc_info=True,
    )
    enqueue(task_obj, *args, attempt=attempt + 1, run_after=timezone.now() + wait)


# --- tasks that failed because the database or Redis was away -----------------------------

# A task whose own code does not retry fails for good when the database restarts under it;
# for a task queued through the outbox that loses the work, because its row is marked queued.
# Such failures are transient, so the task is queued again (with backoff), at most this often.
MAX_UNAVAILABLE_ATTEMPTS = 8
_REQUEUE_KEY = "hanse:jobs:requeue:"
_REQUEUE_KEEP_SECONDS = 24 * 60 * 60


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError

    found: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        import psycopg

        found += [psycopg.OperationalError, psycopg.InterfaceError]
    except ImportError:  # SQLite only
        pass
    try:
        import redis

        found += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return tuple(found)


def failed_as_unavailable(task_result: Any) -> bool:
    """True when the task's last error says the database or Redis could not be reached."""
    # Both workers report the failure while they handle the exception; RQ records it in the
    # result only afterwards.
    handled = sys.exc_info()[1]
    if handled is not None:
        return isinstance(handled, _unavailable_errors())
    if not task_result.errors:
        return False
    try:
        error_class = task_result.errors[-1].exception_class
    except (ImportError, ValueError):
        return False
    return issubclass(error_class, _unavailable_errors())


def requeue_when_unavailable(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """Receiver of django-tasks' ``task_finished``: a task that failed because the database or
    Redis was away is queued again after the backoff, up to MAX_UNAVAILABLE_ATTEMPTS times."""
    from django.core.cache import cache
    from django_tasks import TaskResultStatus

    if task_result.status != TaskResultStatus.FAILED or not failed_as_unavailable(task_result):
        return
    task_obj = task_result.task
    if not can_defer(task_obj):
        return  # the test backend runs tasks inline: there is nothing to come back to
    digest = hashlib.sha256(
        json.dumps(
            [task_obj.module_path, task_result.args, task_result.kwargs],
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()
    key = _REQUEUE_KEY + digest
    try:
        cache.add(key, 0, timeout=_REQUEUE_KEEP_SECONDS)
        attempt = int(cache.incr(key))
        if attempt > MAX_UNAVAILABLE_ATTEMPTS:
            logger.error(
                "%s failed %s times while the database or Redis was away; giving up.",
                task_obj.module_path,
                attempt,
            )
            return
        wait = min(backoff(attempt), timedelta(minutes=10))
        metrics.task_retries.labels(task_obj.module_path).inc()
        enqueue(
            task_obj,
            *task_result.args,
            run_after=timezone.now() + wait,
            **task_result.kwargs,
        )
        logger.warning(
            "%s failed while the database or Redis was away; queued again in %s.",
            task_obj.module_path,
            wait,
        )
    except Exception:
        # The queue is away too: the outbox relay or the scheduler's recovery is what is left.
        logger.exception("Could not queue %s again.", task_obj.module_path)
