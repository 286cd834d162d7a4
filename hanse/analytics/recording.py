"""Where the interactions every app reports go (installed from AnalyticsConfig.ready())."""

from __future__ import annotations

from hanse.analytics.models import AnalyticsSettings, InteractionEdge
from hanse.core.interactions import Edge, Sink


def is_enabled() -> bool:
    """One primary-key read: every process sees a switch at once."""
    return AnalyticsSettings.objects.filter(pk=1, enabled=True).exists()


class EdgeSink(Sink):
    def enabled(self) -> bool:
        return is_enabled()

    def __call__(self, edges: list[Edge]) -> None:
        # The same pair, kind and day twice is one edge: the unique constraint decides.
        InteractionEdge.objects.bulk_create(
            [InteractionEdge(kind=e.kind, a_id=e.a_id, b_id=e.b_id, day=e.day) for e in edges],
            ignore_conflicts=True,
        )
