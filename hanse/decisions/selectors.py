"""Reads of proposals and the decision logs. Every read goes through ``visible_to``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404

from hanse.communities.models import Membership
from hanse.decisions.models import Proposal, ProposalAttachment, Response
from hanse.people.models import User

if TYPE_CHECKING:
    from hanse.communities.models import Community


def _proposals() -> Any:
    return Proposal.objects.select_related("community", "proposer").prefetch_related("deciders")


def get_proposal_for(*, viewer: User, pk: int) -> Proposal:
    found = _proposals().visible_to(viewer).filter(pk=pk).first()
    if found is None:
        raise Http404("proposal")
    return found


def open_proposals(*, viewer: User, community: Community | None = None) -> Any:
    qs = _proposals().visible_to(viewer).filter(status=Proposal.Status.OPEN)
    if community is not None:
        qs = qs.filter(community=community)
    return qs.order_by("deadline")


def decision_log(
    *, viewer: User, community: Community | None = None, year: int | None = None
) -> Any:
    """Every decision the person may see, newest first: outcome, date, review date."""
    qs = _proposals().visible_to(viewer).filter(status=Proposal.Status.DECIDED)
    if community is not None:
        qs = qs.filter(community=community)
    if year:
        qs = qs.filter(decided_at__year=year)
    return qs.order_by("-decided_at", "-pk")


def responses_of(proposal: Proposal) -> list[Response]:
    return list(proposal.responses.select_related("user").order_by("kind", "responded_at"))


def deciders_of(proposal: Proposal) -> Any:
    """The people who decide: the named group, else the community's members."""
    named = proposal.deciders.all()
    if named.exists():
        return User.objects.filter(pk__in=named.values("pk"), is_active=True)
    members = Membership.objects.filter(community_id=proposal.community_id).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True)


def all_responded(proposal: Proposal) -> bool:
    """Whether every decider has responded to the current version."""
    deciders = deciders_of(proposal)
    current = Response.objects.filter(
        proposal=proposal, version=proposal.version, user__in=deciders.values("pk")
    )
    return current.count() >= deciders.count()


def my_response(*, viewer: User, proposal: Proposal) -> Response | None:
    return Response.objects.filter(proposal=proposal, user=viewer).first()


def get_attachment_for(*, viewer: User, pk: int) -> ProposalAttachment:
    """A file of a proposal the person may see (404 otherwise, like one that does not exist)."""
    found = ProposalAttachment.objects.visible_to(viewer).filter(pk=pk).first()
    if found is None:
        raise Http404("file")
    return found
