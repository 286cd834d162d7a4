"""The transactional outbox: work a committed write must queue is never lost.

``enqueue_on_commit(task, *args)`` writes an ``OutboxEvent`` row inside the caller's
transaction, so the row commits (or rolls back) together with the write. After the commit
this process queues the task and marks the row; when that fails (Redis away, the process
killed between commit and enqueue) nothing is raised to the person who wrote, the row stays,
and ``relay`` (run inline by the scheduler every 15 seconds, hanse/jobs/jobs.py) queues it
later. With the database queue the task row and the mark commit together.

A task may thus be queued twice (a relay racing a slow commit hook, a mark that failed after
the enqueue); only idempotent tasks go through here (the ``DeliveredEvent`` ledger of
notifications makes each event's notifications once).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from hanse.jobs.models import OutboxEvent

if TYPE_CHECKING:
    from django_tasks.base import Task

logger = logging.getLogger(__name__)

# Enqueued rows are kept this long for the record (the admin lists them), then deleted.
KEEP_ENQUEUED = timedelta(days=2)
RELAY_BATCH = 500


def relay_after() -> timedelta:
    """Rows younger than this are left to the commit hook of the process that wrote them."""
    return timedelta(seconds=getattr(settings, "OUTBOX_RELAY_AFTER_SECONDS", 30))


def enqueue_on_commit(task_obj: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Queue ``task_obj(*args, **kwargs)`` once the current transaction commits, durably."""
    row = OutboxEvent.objects.create(
        task_path=task_obj.module_path, args=list(args), kwargs=dict(kwargs)
    )
    transaction.on_commit(lambda: _send(row.pk, task_obj, args, kwargs))


def _relax_commit() -> None:
    """The mark need not survive a crash: the outbox row committed durably with the write,
    and a lost mark only lets the relay queue an idempotent task again. So on PostgreSQL this
    transaction does not wait for its WAL to reach the disk: a second synchronous commit per
    write cost 13 ms at the median and 60 ms at p90 on the shared test machine's disk, more
    than the rest of creating a post."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _send(pk: int, task_obj: Task[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        with transaction.atomic():
            _relax_commit()
            task_obj.enqueue(*args, **kwargs)
            OutboxEvent.objects.filter(pk=pk).update(
                enqueued_at=timezone.now(), attempts=F("attempts") + 1
            )
    except Exception:
        # The write has committed and the person gets their answer; the relay queues it.
        logger.warning(
            "Could not queue %s (outbox %s); the relay will.",
            task_obj.module_path,
            pk,
            exc_info=True,
        )


def relay(now: datetime | None = None) -> dict[str, int]:
    """Queue the outbox rows whose commit hook did not (oldest first); stops at the first
    failure of the queue, which the next run tries again."""
    now = now or timezone.now()
    waiting = list(
        OutboxEvent.objects.filter(
            enqueued_at__isnull=True, created_at__lte=now - relay_after()
        ).order_by("pk")[:RELAY_BATCH]
    )
    result = {"relayed": 0, "failed": 0, "deleted": 0}
    for row in waiting:
        try:
            task_obj = import_string(row.task_path)
        except ImportError as exc:
            # Code that no longer exists: keep the row for an operator, go on with the rest.
            _failed(row, exc)
            result["failed"] += 1
            continue
        try:
            with transaction.atomic():
                task_obj.enqueue(*row.args, **row.kwargs)
                OutboxEvent.objects.filter(pk=row.pk, enqueued_at__isnull=True).update(
                    enqueued_at=timezone.now(), attempts=F("attempts") + 1
                )
        except Exception as exc:
            _failed(row, exc)
            result["failed"] += 1
            break  # the queue is away: the others would fail the same way
        result["relayed"] += 1
    if result["relayed"]:
        logger.warning("Queued %s task(s) from the outbox.", result["relayed"])
    old = OutboxEvent.objects.filter(enqueued_at__lt=now - KEEP_ENQUEUED)
    result["deleted"], _rows = old.delete()
    return result


def _failed(row: OutboxEvent, exc: Exception) -> None:
    logger.warning("Could not queue %s (outbox %s).", row.task_path, row.pk, exc_info=exc)
    OutboxEvent.objects.filter(pk=row.pk).update(
        attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
    )


@task()
def relay_outbox() -> dict[str, int]:
    """The relay of the outbox; the scheduler runs it in its own process (it must work
    exactly when the queue did not)."""
    return relay()
