"""What a person may do with campaigns, ideas and experiments: the one place it is decided.

Whether a person may *see* one is ``<Model>.objects.visible_to`` (the community's content
rule); these predicates decide what they may do with one they can see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hanse.communities.rules import is_moderator
from hanse.core.rules import is_active_user, is_platform_admin
from hanse.ideas.models import Idea
from hanse.posts.rules import may_post_in

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.ideas.models import Campaign, Experiment

S = Idea.Status

# The status machine of an idea: where each status may go (every change needs a reason).
# "Adopted" is final; "not adopted" and "parked" may be looked at again.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.UNDER_REVIEW, S.EXPERIMENT, S.ADOPTED, S.NOT_ADOPTED, S.PARKED}),
    S.UNDER_REVIEW: frozenset({S.EXPERIMENT, S.ADOPTED, S.NOT_ADOPTED, S.PARKED}),
    S.EXPERIMENT: frozenset({S.ADOPTED, S.NOT_ADOPTED, S.PARKED}),
    S.PARKED: frozenset({S.UNDER_REVIEW}),
    S.NOT_ADOPTED: frozenset({S.UNDER_REVIEW}),
    S.ADOPTED: frozenset(),
}
# Support is for ideas still being decided.
SUPPORTABLE = frozenset({S.NEW, S.UNDER_REVIEW, S.EXPERIMENT, S.PARKED})


def may_open_campaign_in(user: Any, community: Community | None) -> bool:
    """Community moderators for their community; company-wide campaigns administrators."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user):
        return True
    return community is not None and bool(is_moderator(user, community))


def may_post_idea_in(user: Any, community: Community | None) -> bool:
    """Whoever may post there may have an idea there (company-wide: everyone)."""
    return may_post_in(user, community)


def may_post_idea_to(user: Any, campaign: Campaign) -> bool:
    """A campaign takes ideas while it is open, from those who may post in its community."""
    return campaign.is_open() and may_post_idea_in(user, campaign.community)


def reviews_campaign(user: Any, campaign: Campaign | None) -> bool:
    if campaign is None or not is_active_user(user):
        return False
    if campaign.created_by_id == user.pk:
        return True
    return any(r.pk == user.pk for r in campaign.reviewers.all())


def may_review_in(user: Any, community: Community | None, campaign: Campaign | None = None) -> bool:
    """Reviewers: the community's moderators, the campaign's reviewers, administrators."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user) or reviews_campaign(user, campaign):
        return True
    return community is not None and bool(is_moderator(user, community))


def may_review(user: Any, idea: Idea) -> bool:
    return may_review_in(user, idea.community, idea.campaign)


def may_change_status(user: Any, idea: Idea, to_status: str) -> bool:
    return (
        may_review(user, idea)
        and idea.merged_into_id is None
        and to_status in TRANSITIONS.get(idea.status, frozenset())
    )


def allowed_statuses(user: Any, idea: Idea) -> list[str]:
    if not may_review(user, idea) or idea.merged_into_id is not None:
        return []
    return [s for s in S.values if s in TRANSITIONS[idea.status]]


def may_support(user: Any, idea: Idea) -> bool:
    """Anyone who sees an idea still being decided, except its author (who backs it anyway)."""
    return (
        is_active_user(user)
        and idea.author_id != user.pk
        and idea.merged_into_id is None
        and idea.status in SUPPORTABLE
    )


def may_comment(user: Any, idea: Idea) -> bool:
    """Whoever sees the idea may discuss it (in a community: whoever may post there)."""
    return idea.merged_into_id is None and may_post_in(user, idea.community)


def may_merge(user: Any, duplicate: Idea, into: Idea) -> bool:
    """Reviewers of both ideas merge a duplicate into another idea of the same place."""
    return (
        duplicate.pk != into.pk
        and duplicate.merged_into_id is None
        and into.merged_into_id is None
        and duplicate.community_id == into.community_id
        and duplicate.status != S.ADOPTED
        and may_review(user, duplicate)
        and may_review(user, into)
    )


# --- experiments --------------------------------------------------------------------------


def may_start_experiment_in(user: Any, community: Community | None) -> bool:
    """A stand-alone experiment: whoever may post there."""
    return may_post_in(user, community)


def may_manage_experiment(user: Any, experiment: Experiment) -> bool:
    """Close it, edit it: the owner, the community's moderators and administrators."""
    if not is_active_user(user):
        return False
    if experiment.owner_id == user.pk or is_platform_admin(user):
        return True
    return experiment.community_id is not None and bool(is_moderator(user, experiment.community))


def may_post_update(user: Any, experiment: Experiment) -> bool:
    """Updates come from the owner, the team and the moderators while it runs."""
    if experiment.status != experiment.Status.RUNNING or not is_active_user(user):
        return False
    if may_manage_experiment(user, experiment):
        return True
    return any(member.pk == user.pk for member in experiment.team.all())


def may_close_experiment(user: Any, experiment: Experiment) -> bool:
    return experiment.status == experiment.Status.RUNNING and may_manage_experiment(
        user, experiment
    )
