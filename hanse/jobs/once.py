"""Work that is done once, however often its task runs: one ledger for every app.

A task may run twice: a retry after an error, a worker killed half-way whose task the recovery
step puts back (hanse/jobs/recovery.py), two schedulers. Work that must not happen twice (a
notification, a reminder) claims a key in the ledger (``DeliveredEvent``) in the same
transaction as its writes::

    with run_once(f"chat_message:{message.pk}") as first:
        if not first:
            return  # done before
        ...  # the writes; they commit together with the ledger row

An error in the body undoes the writes and the claim together, so the retry does the work
(``hanse.jobs.retry.retry``). The key is unique in the database: of two transactions that
claim it at once, the second waits for the first and then sees the key taken.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from hanse.jobs.models import DeliveredEvent

# Far longer than a task is retried (minutes) or left before recovery; a key older than this
# is not looked at again.
LEDGER_KEEP = timedelta(days=30)


def claim(key: str) -> bool:
    """Record ``key`` inside the caller's transaction; False if it was recorded before."""
    if not transaction.get_connection().in_atomic_block:
        # Outside a transaction the claim would commit at once and survive a failed body,
        # and the work would then never be done.
        raise RuntimeError("claim() must run inside the transaction of the work it guards.")
    try:
        with transaction.atomic():  # a savepoint: the failed INSERT leaves the outer one usable
            DeliveredEvent.objects.create(key=key)
    except IntegrityError:
        return False
    return True


@contextmanager
def run_once(key: str) -> Iterator[bool]:
    """Open a transaction and claim ``key`` in it; yields False when the work was done before."""
    with transaction.atomic():
        yield claim(key)


def done(keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` whose work was done (to skip queueing a task that would do nothing)."""
    return set(DeliveredEvent.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def forget_before(cutoff: datetime, batch: int = 5000) -> int:
    """Delete ledger rows older than ``cutoff`` in short transactions; returns how many.

    Keep them longer than any task can be retried or recovered (days, not minutes)."""
    total = 0
    while True:
        ids = list(
            DeliveredEvent.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[
                :batch
            ]
        )
        if not ids:
            return total
        DeliveredEvent.objects.filter(pk__in=ids).delete()
        total += len(ids)


@task()
def forget_old_entries() -> int:
    """Daily: delete ledger rows older than ``LEDGER_KEEP``."""
    return forget_before(timezone.now() - LEDGER_KEEP)
