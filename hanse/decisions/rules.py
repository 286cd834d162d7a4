"""What a person may do with consent proposals: the one place it is decided.

Whether a person may *see* one is ``Proposal.objects.visible_to``; these predicates decide
what they may do with one they can see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hanse.communities.rules import is_member, is_moderator
from hanse.core.rules import is_active_user, is_platform_admin

if TYPE_CHECKING:
    from datetime import datetime

    from hanse.communities.models import Community
    from hanse.decisions.models import Proposal


def may_propose_in(user: Any, community: Community) -> bool:
    """Members put proposals to their community."""
    return is_active_user(user) and bool(is_member(user, community))


def decides(user: Any, proposal: Proposal) -> bool:
    """The named group if there is one, else every member of the community."""
    if not is_active_user(user):
        return False
    named = [p.pk for p in proposal.deciders.all()]
    if named:
        return user.pk in named
    return bool(is_member(user, proposal.community))


def may_respond(user: Any, proposal: Proposal, *, now: datetime | None = None) -> bool:
    """Those who decide, while the proposal is open and its deadline has not passed."""
    return (
        proposal.status == proposal.Status.OPEN
        and not proposal.deadline_passed(now)
        and decides(user, proposal)
    )


def manages(user: Any, proposal: Proposal) -> bool:
    """The proposer; the community's moderators and administrators stand in for them."""
    if not is_active_user(user):
        return False
    if proposal.proposer_id == user.pk or is_platform_admin(user):
        return True
    return bool(is_moderator(user, proposal.community))


def may_amend(user: Any, proposal: Proposal, *, now: datetime | None = None) -> bool:
    """The proposer amends an open proposal before its deadline."""
    return (
        is_active_user(user)
        and proposal.proposer_id == user.pk
        and proposal.status == proposal.Status.OPEN
        and not proposal.deadline_passed(now)
    )


def may_attach(user: Any, proposal: Proposal) -> bool:
    """The proposer adds or removes background files while the proposal is open."""
    return (
        is_active_user(user)
        and proposal.proposer_id == user.pk
        and proposal.status == proposal.Status.OPEN
    )


def may_decide(
    user: Any, proposal: Proposal, *, all_responded: bool, now: datetime | None = None
) -> bool:
    """After the deadline, or once everyone has responded to the current version; a
    proposal can be withdrawn any time (``may_withdraw``)."""
    return (
        proposal.status == proposal.Status.OPEN
        and manages(user, proposal)
        and (proposal.deadline_passed(now) or all_responded)
    )


def may_withdraw(user: Any, proposal: Proposal) -> bool:
    return proposal.status == proposal.Status.OPEN and manages(user, proposal)
