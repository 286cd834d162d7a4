"""Where the interactions every app reports go (installed from AnalyticsConfig.ready())."""

from __future__ import annotations

import hmac
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from hanse.analytics.models import AnalyticsSettings, InteractionEdge, LateDay, MissedSearch
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


def searcher_digest(person_id: int, month: date) -> str:
    """A keyed hash of the person and the month: counts the same person once a month, and
    cannot be followed from one month to the next nor turned back into the person without
    the server's secret."""
    key = f"analytics-missed-search:{settings.SECRET_KEY}".encode()
    return hmac.new(key, f"{month.isoformat()}:{person_id}".encode(), "sha256").hexdigest()[:32]


class EdgeSink(Sink):
    def enabled(self) -> bool:
        return recording_enabled()

    def __call__(self, edges: list[Edge]) -> None:
        # The same pair, kind and day twice is one edge: the unique constraint decides.
        InteractionEdge.objects.bulk_create(
            [InteractionEdge(kind=e.kind, a_id=e.a_id, b_id=e.b_id, day=e.day) for e in edges],
            ignore_conflicts=True,
        )
        # A day before today may already be counted: the next daily run computes its week
        # and month again (an event's co-attendance is recorded after the event).
        today = timezone.localdate()
        late = {e.day for e in edges if e.day < today}
        if late:
            LateDay.objects.bulk_create([LateDay(day=day) for day in sorted(late)])

    def search_missed(self, person_id: int, text: str, day: date) -> None:
        month = day.replace(day=1)
        MissedSearch.objects.bulk_create(
            [
                MissedSearch(
                    month=month, text=text[:100], searcher=searcher_digest(person_id, month)
                )
            ],
            ignore_conflicts=True,
        )
