"""Search writes: telling the index what changed.

The index is derived data (like a cache), so the search app follows the registered models'
saves and deletes with signals (hanse/search/hooks.py) and queues the update after the
commit; a bulk write that sends no signals calls :func:`search_index_touch` itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.utils import timezone

from hanse.core import searchable
from hanse.jobs.outbox import enqueue_on_commit
from hanse.search.tasks import update_index

logger = logging.getLogger(__name__)
# One task carries at most this many ids (a bulk touch becomes several tasks).
TOUCH_BATCH = 500


def search_index_touch(*, type_key: str, ids: Iterable[int]) -> None:
    """Queue an index update for these objects once the current transaction commits."""
    if searchable.get(type_key) is None:
        raise ValueError(f"Unknown searchable type {type_key!r}")
    unique = sorted({int(i) for i in ids})
    queued_at = timezone.now().isoformat()
    for start in range(0, len(unique), TOUCH_BATCH):
        enqueue_on_commit(update_index, type_key, unique[start : start + TOUCH_BATCH], queued_at)
