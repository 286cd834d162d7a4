"""Search writes: telling the index what changed.

The index is derived data (like a cache), so the search app follows the registered models'
saves and deletes with signals (hanse/search/hooks.py) and queues the update after the
commit; a bulk write that sends no signals calls :func:`search_index_touch` itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from hanse.core import searchable
from hanse.jobs.outbox import enqueue_batched_on_commit, register_merge
from hanse.search.tasks import update_index

logger = logging.getLogger(__name__)
# One task carries at most this many ids (a bulk touch becomes several tasks).
TOUCH_BATCH = 500


def search_index_touch(*, type_key: str, ids: Iterable[int]) -> None:
    """Queue an index update for these objects once the current transaction commits (in a
    batch with the other writes of the process in the same moment: hanse/jobs/outbox.py)."""
    if searchable.get(type_key) is None:
        raise ValueError(f"Unknown searchable type {type_key!r}")
    unique = sorted({int(i) for i in ids})
    queued_at = timezone.now().isoformat()
    for start in range(0, len(unique), TOUCH_BATCH):
        enqueue_batched_on_commit(
            update_index, type_key, unique[start : start + TOUCH_BATCH], queued_at
        )


def _merge_index_updates(calls: list[list[Any]]) -> list[list[Any]]:
    """Index updates handed off together: one per type for all their ids (TOUCH_BATCH at
    most each), dated by the oldest (the lag the health check reports)."""
    ids: dict[str, set[int]] = {}
    oldest: dict[str, str | None] = {}
    for type_key, type_ids, *rest in calls:
        ids.setdefault(type_key, set()).update(int(i) for i in type_ids)
        queued_at = rest[0] if rest else None
        known = oldest.get(type_key)
        if known is None or (queued_at and queued_at < known):
            oldest[type_key] = queued_at
    merged: list[list[Any]] = []
    for type_key, members in ids.items():
        unique = sorted(members)
        merged.extend(
            [type_key, unique[start : start + TOUCH_BATCH], oldest[type_key]]
            for start in range(0, len(unique), TOUCH_BATCH)
        )
    return merged


register_merge(update_index, _merge_index_updates)
