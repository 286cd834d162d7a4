"""Decisions as a searchable type (hanse/core/searchable.py): read by whoever may read the
proposal's community."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hanse.core import searchable
from hanse.decisions.models import Proposal

COMMUNITY = "community"


def _proposal(proposal: Proposal) -> searchable.Document:
    return searchable.Document(
        object_id=proposal.pk,
        title=proposal.title,
        body="\n".join(
            filter(None, [proposal.text, proposal.background, proposal.outcome_statement])
        ),
        author_id=proposal.proposer_id,
        community_id=proposal.community_id,
        unit_id=getattr(proposal.proposer, "org_unit_id", None),
        created_at=proposal.created_at,
        scope=searchable.scope(COMMUNITY, proposal.community_id),
        facets={"outcome": proposal.outcome or proposal.status},
    )


def _proposals() -> QuerySet[Proposal]:
    return Proposal.objects.select_related("proposer")


searchable.register(
    searchable.SearchableType(
        key="decision",
        label=_("Decision"),
        label_plural=_("Decisions"),
        model=Proposal,
        queryset=_proposals,
        to_document=_proposal,
        visible_to=Proposal.objects.visible_to,
        url=lambda p: reverse("decisions:proposal", args=[p.pk]),
        order=87,
        ignore_fields=frozenset({"deadline_notified_at", "review_notified_at"}),
    )
)
