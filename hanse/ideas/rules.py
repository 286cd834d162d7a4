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
# The authors edit an idea (text, files, co-authors) while it is still being looked at; once
# it is an experiment or decided, its text is the record the decision was made on.
EDITABLE = frozenset({S.NEW, S.UNDER_REVIEW, S.PARKED})
MAX_COAUTHORS = 10


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


def is_coauthor(user: Any, idea: Idea) -> bool:
    """Whether the person is one of the idea's co-authors (``coauthors`` may be prefetched)."""
    return is_active_user(user) and any(p.pk == user.pk for p in idea.coauthors.all())


def is_author(user: Any, idea: Idea) -> bool:
    """The author or a co-author."""
    return is_active_user(user) and (idea.author_id == user.pk or is_coauthor(user, idea))


def may_edit_idea(user: Any, idea: Idea) -> bool:
    """The author and the co-authors edit the text and the files while it is looked at."""
    return idea.merged_into_id is None and idea.status in EDITABLE and is_author(user, idea)


def may_set_coauthors(user: Any, idea: Idea) -> bool:
    """Only the author invites and removes co-authors."""
    return (
        is_active_user(user)
        and idea.author_id == user.pk
        and idea.merged_into_id is None
        and idea.status in EDITABLE
    )


def may_support(user: Any, idea: Idea) -> bool:
    """Anyone who sees an idea still being decided, except its authors (who back it anyway)."""
    return (
        is_active_user(user)
        and not is_author(user, idea)
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
    return may_manage_experiment(user, experiment) or is_on_team(user, experiment)


def is_on_team(user: Any, experiment: Experiment) -> bool:
    return is_active_user(user) and any(m.pk == user.pk for m in experiment.team.all())


def may_edit_experiment(user: Any, experiment: Experiment) -> bool:
    """Plan, dates and team change while it runs, by the owner, moderators, administrators.
    The hypothesis and what success looks like stay as written (no moving the goalposts),
    and a closed experiment is the record."""
    return experiment.status == experiment.Status.RUNNING and may_manage_experiment(
        user, experiment
    )


def may_edit_start(experiment: Experiment, today: Any) -> bool:
    """The start date moves only while the experiment has not started yet."""
    return bool(experiment.starts_on > today)


def may_share_experiment(user: Any, experiment: Experiment) -> bool:
    """A closed experiment is shared to the stream as a story once, by its owner, its team
    or a moderator: the same people who may post where it lives."""
    return (
        experiment.status == experiment.Status.CLOSED
        and experiment.story_post_id is None
        and (may_manage_experiment(user, experiment) or is_on_team(user, experiment))
        and may_post_in(user, experiment.community)
    )


def may_close_experiment(user: Any, experiment: Experiment) -> bool:
    return experiment.status == experiment.Status.RUNNING and may_manage_experiment(
        user, experiment
    )
