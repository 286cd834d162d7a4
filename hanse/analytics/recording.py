"""Where the interactions every app reports go (installed from AnalyticsConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from hanse.analytics.models import AnalyticsSettings, InteractionEdge
from hanse.core.interactions import Edge, Sink

CACHE_KEY = "analytics:recording"
# How long a process may act on a switch it read: the writes that report interactions do not
# pay a database read each (the cache is Redis, shared, at scale; saving the settings clears
# it at once there, and within this many seconds in an embedded process's memory).
CACHE_SECONDS = 30


def is_enabled() -> bool:
    """The switch itself: one primary-key read (pages, the API, the computation)."""
    return AnalyticsSettings.objects.filter(pk=1, enabled=True).exists()


def recording_enabled() -> bool:
    """The switch as the writes see it: from the cache, read from the database at most every
    CACHE_SECONDS."""
    found = cache.get(CACHE_KEY)
    if found is None:
        found = is_enabled()
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return bool(found)


def forget_switch(sender: Any, **kwargs: Any) -> None:
    """Cache invalidation only: the settings were saved."""
    cache.delete(CACHE_KEY)


class EdgeSink(Sink):
    def enabled(self) -> bool:
        return recording_enabled()

    def __call__(self, edges: list[Edge]) -> None:
        # The same pair, kind and day twice is one edge: the unique constraint decides.
        InteractionEdge.objects.bulk_create(
            [InteractionEdge(kind=e.kind, a_id=e.a_id, b_id=e.b_id, day=e.day) for e in edges],
            ignore_conflicts=True,
        )
