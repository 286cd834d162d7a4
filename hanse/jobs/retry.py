"""Retries with backoff for every app's tasks: one policy, one place.

A failing task re-enqueues itself with ``run_after`` and ``attempt + 1`` (backoff 1, 2, 4,
8 minutes), at most ``MAX_ATTEMPTS`` attempts, and logs each failure. The database queue and
RQ (with ``--with-scheduler``, which ``manage.py hanse_worker`` passes) run deferred tasks;
the test backend runs them at once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

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
    logger.warning(
        "%s failed (attempt %s of %s); retrying in %s.",
        what,
        attempt,
        MAX_ATTEMPTS,
        wait,
        exc_info=True,
    )
    enqueue(task_obj, *args, attempt=attempt + 1, run_after=timezone.now() + wait)
