"""The transactional outbox: work a committed write must queue is never lost.

``enqueue_on_commit(task, *args)`` writes an ``OutboxEvent`` row inside the caller's
transaction, so the row commits (or rolls back) together with the write. After the commit
this process queues the task and marks the row; when that fails (Redis away, the process
killed between commit and enqueue) nothing is raised to the person who wrote, the row stays,
and ``relay`` (run inline by the scheduler every 15 seconds, hanse/jobs/jobs.py) queues it
later. With the database queue the task row and the mark commit together.

The hand-offs of one commit are coalesced: however many rows a write queued (a new post:
its announcement and its search index update), the first commit hook claims them all in one
transaction with one statement (``UPDATE ... RETURNING``: only rows that committed and are not
queued yet), queues their tasks and commits; the other hooks of that commit find nothing left.
The rows as stored decide what is queued, so a row of a savepoint that was rolled back (whose
hook Django dropped) is never queued, whatever id it had.

Derived data (the search index) need not be queued in the request that wrote it:
``enqueue_batched_on_commit`` writes its row the same way, but after the commit hands the row's
id to a thread of the process, which claims every row handed to it in the last
``OUTBOX_BATCH_MS`` milliseconds with one statement and queues their tasks, merged where the
task registered how (``register_merge``: one index update for the messages of a busy chat
instead of one each). The row is durable from the commit on, so a process that dies before
its thread ran loses nothing: the relay queues the row. (Per chat message, the hand-off in
the request cost a transaction, a claim and a queued task: with the index update the largest
part of the CPU of storing a message, bench/chat_send_cost.py.)

A task may thus be queued twice (a relay racing a slow commit hook, a mark that failed after
the enqueue); only idempotent tasks go through here (the ``DeliveredEvent`` ledger of
notifications makes each event's notifications once).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
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


# The rows this connection wrote and has not handed to the queue yet: {id: task}. Kept on
# the connection (one per thread); a hook takes them all.
_PENDING = "_hanse_outbox_pending"


def enqueue_on_commit(task_obj: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Queue ``task_obj(*args, **kwargs)`` once the current transaction commits, durably."""
    row = OutboxEvent.objects.create(
        task_path=task_obj.module_path, args=list(args), kwargs=dict(kwargs)
    )
    conn = transaction.get_connection()
    pending = conn.__dict__.setdefault(_PENDING, {})
    pending.pop(row.pk, None)  # an id SQLite reuses after a rollback goes to the end
    pending[row.pk] = task_obj
    # One hook per row, so Django drops it with a savepoint rolled back around it; the first
    # hook that runs after the commit sends its row and every row written after it.
    transaction.on_commit(lambda: _send_pending(conn, row.pk))


def _relax_commit() -> None:
    """The mark need not survive a crash: the outbox row committed durably with the write,
    and a lost mark only lets the relay queue an idempotent task again. So on PostgreSQL this
    transaction does not wait for its WAL to reach the disk: a second synchronous commit per
    write cost 13 ms at the median and 60 ms at p90 on the shared test machine's disk, more
    than the rest of creating a post."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _json(value: Any) -> Any:
    # A raw query returns JSON as text on SQLite and decoded on PostgreSQL.
    return json.loads(value) if isinstance(value, str) else value


def _claim(ids: list[int]) -> list[tuple[int, str, list[Any], dict[str, Any]]]:
    """Mark these rows queued, those that exist and are not queued yet, in one statement;
    returns what they hold (id, task, args, kwargs), in the order they were written."""
    meta = OutboxEvent._meta
    quote = connection.ops.quote_name
    column = {f.name: quote(str(f.column)) for f in meta.concrete_fields}
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {column['enqueued_at']} = %s, "  # noqa: S608  # names from the model, values as parameters
        f"{column['attempts']} = {column['attempts']} + 1 "
        f"WHERE {column['id']} IN ({marks}) AND {column['enqueued_at']} IS NULL "
        f"RETURNING {column['id']}, {column['task_path']}, {column['args']}, {column['kwargs']}"
    )
    with connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(sql, [now, *ids])
        rows = cursor.fetchall()
    return sorted((pk, path, _json(args), _json(kwargs)) for pk, path, args, kwargs in rows)


def _send_pending(conn: BaseDatabaseWrapper, first: int) -> None:
    """Hand the rows of a commit to the queue in one transaction, with one claim: the row of
    this hook and every row written after it on this connection.

    Hooks run in the order they were registered, so when this one runs, a row written before
    it is still pending only if its hook was dropped (its savepoint or transaction rolled
    back): it is forgotten. Rows written after it whose savepoint rolled back are in the list
    but not in the table, and the claim, which reads the table, leaves them out."""
    pending: dict[int, Task[Any, Any]] = conn.__dict__.get(_PENDING, {})
    if first not in pending:
        return  # an earlier hook of the same commit sent it
    ids = list(pending)
    batch = {pk: pending[pk] for pk in ids[ids.index(first) :]}
    pending.clear()
    tasks = {task_obj.module_path: task_obj for task_obj in batch.values()}
    try:
        with transaction.atomic():
            _relax_commit()
            for _pk, path, args, kwargs in _claim(list(batch)):
                (tasks.get(path) or import_string(path)).enqueue(*args, **kwargs)
    except Exception:
        # The write has committed and the person gets their answer; the relay queues them.
        logger.warning(
            "Could not queue %s (outbox %s); the relay will.",
            ", ".join(sorted(tasks)),
            ", ".join(str(pk) for pk in batch),
            exc_info=True,
        )


# --- Rows handed off in batches by a thread of the process ---------------------------------

# Task path -> how to merge the args of several queued calls into fewer (kwargs-free calls).
Merge = Callable[[list[list[Any]]], list[list[Any]]]
_merges: dict[str, Merge] = {}


def register_merge(task_obj: Task[Any, Any], merge: Merge) -> None:
    """Calls of ``task_obj`` handed off together are merged by ``merge`` (a list of args
    lists in, fewer out); the task must give the same result either way."""
    _merges[task_obj.module_path] = merge


def batch_seconds() -> float:
    return max(0, getattr(settings, "OUTBOX_BATCH_MS", 0)) / 1000


def enqueue_batched_on_commit(task_obj: Task[Any, Any], *args: Any) -> None:
    """As :func:`enqueue_on_commit`, for work that may wait a moment (derived data): after
    the commit the row goes to this process's batch thread instead of being queued here."""
    if batch_seconds() <= 0:
        enqueue_on_commit(task_obj, *args)
        return
    row = OutboxEvent.objects.create(task_path=task_obj.module_path, args=list(args), kwargs={})
    pk = row.pk
    # Dropped with a savepoint or transaction rolled back around it: such a row never exists.
    transaction.on_commit(lambda: _batcher.add(pk))


class _Batcher:
    """Row ids committed in this process and not handed off yet, and the thread that does."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = 0
        # False: no thread; whoever added calls flush() (tests that look between the steps).
        self.threaded = True

    def add(self, pk: int) -> None:
        with self.lock:
            self.ids.add(pk)
            if not self.threaded:
                return
            if self.thread is None or self.pid != os.getpid() or not self.thread.is_alive():
                self.pid = os.getpid()
                self.thread = threading.Thread(
                    target=self._run, name="hanse-outbox-batch", daemon=True
                )
                self.thread.start()
        self.wake.set()

    def _run(self) -> None:
        from django.db import close_old_connections

        while True:
            self.wake.wait()
            time.sleep(batch_seconds())  # what the next writes commit meanwhile joins in
            self.wake.clear()
            try:
                self.flush()
            finally:
                close_old_connections()  # back to the pool: the thread sleeps until the next

    def flush(self) -> int:
        """Hand every row added so far to the queue; returns how many were claimed."""
        with self.lock:
            ids = sorted(self.ids)
            self.ids.clear()
        claimed = 0
        for start in range(0, len(ids), RELAY_BATCH):
            claimed += _hand_off(ids[start : start + RELAY_BATCH])
        return claimed


def _hand_off(ids: list[int]) -> int:
    try:
        with transaction.atomic():
            _relax_commit()
            rows = _claim(ids)
            calls: dict[str, list[list[Any]]] = {}
            for _pk, path, args, kwargs in rows:
                if kwargs or path not in _merges:
                    import_string(path).enqueue(*args, **kwargs)
                else:
                    calls.setdefault(path, []).append(args)
            for path, args_lists in calls.items():
                task_obj = import_string(path)
                for args in _merges[path](args_lists):
                    task_obj.enqueue(*args)
        return len(rows)
    except Exception:
        # The rows committed; the relay queues them.
        logger.warning(
            "Could not queue outbox rows %s; the relay will.",
            ", ".join(str(pk) for pk in ids),
            exc_info=True,
        )
        return 0


_batcher = _Batcher()


def flush_batched() -> int:
    """Hand off what this process's batch thread has not yet (tests; the end of a process)."""
    return _batcher.flush()


def _flush_at_exit() -> None:
    if _batcher.ids:
        try:
            _batcher.flush()
        except Exception:  # the database may be gone already; the relay has the rows
            logger.warning("Outbox rows left to the relay at exit.", exc_info=True)


atexit.register(_flush_at_exit)


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
