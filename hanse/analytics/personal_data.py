"""What analytics stores about a person: raw interaction edges (who interacted with whom on a
day, kept briefly for the aggregates). The export lists the person's edges with the other
person as an id only; erasure moves them to the pseudonym or deletes them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hanse.analytics import state
from hanse.analytics.models import InteractionEdge, MissedSearch
from hanse.analytics.recording import searcher_digest
from hanse.core import personal_data


def _export(user: Any) -> personal_data.Export:
    records = []
    edges = InteractionEdge.objects.filter(Q(a=user) | Q(b=user)).order_by("day", "pk")
    for kind, a_id, b_id, day in edges.values_list("kind", "a_id", "b_id", "day"):
        other = b_id if a_id == user.pk else a_id
        records.append({"kind": "interaction", "type": kind, "other_id": other, "day": day})
    return personal_data.Export(records)


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Under the pseudonymise policy each edge is written again between the pseudonym and the
    other person (``a_id < b_id`` kept), so the aggregates keep their shape; else it goes.
    Either way no edge keeps the person's id."""
    edges = InteractionEdge.objects.filter(Q(a=user) | Q(b=user))
    count = edges.count()
    if erasure.keeps_content:
        to = erasure.pseudonym.pk
        moved = []
        for kind, a_id, b_id, day in edges.values_list("kind", "a_id", "b_id", "day"):
            other = b_id if a_id == user.pk else a_id
            low, high = sorted((other, to))
            moved.append(InteractionEdge(kind=kind, a_id=low, b_id=high, day=day))
        InteractionEdge.objects.bulk_create(moved, ignore_conflicts=True)
    edges.delete()
    # What the daily computation keeps between runs holds person ids too: rebuilt from the
    # edges (now without the person) by the next run.
    state.forget_all()
    # Searches without results are stored under a keyed hash of person and month, which the
    # server can recompute: they are the person's too, and go under either policy.
    months = MissedSearch.objects.values_list("month", flat=True).distinct()
    digests = [searcher_digest(user.pk, month) for month in months]
    searches, _kinds = MissedSearch.objects.filter(searcher__in=digests).delete()
    return {"interaction_edges": count, "missed_searches": searches}


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="analytics",
            label=_("Network analytics"),
            description=_(
                "Raw interaction records (the kind of interaction, the day, and the other "
                "person as an id), kept briefly to compute figures for groups of at least "
                "five people."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_(
                    "Searches without results, stored under a keyed hash of the person and month, "
                    "are deleted; the daily computation forgets what it keeps between runs and "
                    "rebuilds it without the person."
                ),
                pseudonymise=_(
                    "Raw interaction records are written again between the pseudonym and the "
                    "other person, so the aggregate figures keep their shape."
                ),
                delete=_("Raw interaction records with the person are deleted."),
            ),
            order=150,
        )
    )
