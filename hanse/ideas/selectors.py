"""Reads of campaigns, ideas and experiments. Every read goes through ``visible_to``; what
is not visible is a 404 like what does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils import timezone

from hanse.core.rules import is_active_user
from hanse.ideas.models import (
    Campaign,
    CoauthorInvitation,
    Experiment,
    ExperimentUpdate,
    Idea,
    IdeaAttachment,
    IdeaSupport,
    StatusChange,
)
from hanse.posts.models import Post

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.people.models import User

SORTS = {
    "support": ("-support_count", "-created_at"),
    "new": ("-created_at",),
    "old": ("created_at",),
}
# Ideas without a campaign are flagged on the board after this long in new/under review.
DEFAULT_REVIEW_DAYS = 14
WAITING = (Idea.Status.NEW, Idea.Status.UNDER_REVIEW)


def _ideas() -> Any:
    return Idea.objects.select_related(
        "author", "community", "campaign", "merged_into"
    ).prefetch_related("coauthors")


def ideas_for(
    *,
    viewer: User,
    community: Community | None = None,
    campaign: Campaign | None = None,
    status: str = "",
    sort: str = "support",
    include_merged: bool = False,
) -> Any:
    qs = _ideas().visible_to(viewer)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    elif community is not None:
        qs = qs.filter(community=community)
    if status in Idea.Status.values:
        qs = qs.filter(status=status)
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    return qs.order_by(*SORTS.get(sort, SORTS["support"]))


def get_idea_for(*, viewer: User, pk: int) -> Idea:
    idea = _ideas().visible_to(viewer).filter(pk=pk).first()
    if idea is None:
        raise Http404("idea")
    return idea


def supported_ids(*, viewer: User, ideas: list[Idea]) -> set[int]:
    return set(
        IdeaSupport.objects.filter(user=viewer, idea__in=[i.pk for i in ideas]).values_list(
            "idea_id", flat=True
        )
    )


def attachments_of(idea: Idea) -> list[IdeaAttachment]:
    return list(idea.attachments.all())


def get_attachment_for(*, viewer: User, pk: int) -> IdeaAttachment:
    """A file of an idea the person may see (404 otherwise, like one that does not exist)."""
    found = IdeaAttachment.objects.visible_to(viewer).filter(pk=pk).first()
    if found is None:
        raise Http404("file")
    return found


@dataclass
class Budget:
    total: int
    used: int

    @property
    def left(self) -> int:
        return max(0, self.total - self.used)


def budget_for(*, viewer: User, campaign: Campaign | None) -> Budget | None:
    """The person's supports in a campaign with a vote budget ("3 of 5 left"); None without."""
    if campaign is None or not campaign.support_budget:
        return None
    # Supports on a merged duplicate were released by the merge (docs/ideas.md, "Merging");
    # older rows left on one never count against the budget either.
    used = IdeaSupport.objects.filter(
        user=viewer, idea__campaign=campaign, idea__merged_into__isnull=True
    ).count()
    return Budget(total=campaign.support_budget, used=used)


def history_of(idea: Idea) -> list[StatusChange]:
    return list(idea.status_changes.select_related("by"))


def comments_of(idea: Idea) -> list[Any]:
    return list(idea.comments.select_related("author"))


def supporters_of(idea: Idea, limit: int = 30) -> list[Any]:
    return [s.user for s in idea.supports.select_related("user").order_by("-created_at")[:limit]]


@dataclass
class BoardColumn:
    status: str
    label: str
    ideas: list[Idea]


def board(
    *, viewer: User, community: Community | None, campaign: Campaign | None, sort: str = "support"
) -> list[BoardColumn]:
    """The reviewers' board: one column per status, waiting ideas flagged (``idea.flagged``)."""
    ideas = list(ideas_for(viewer=viewer, community=community, campaign=campaign, sort=sort))
    days = campaign.review_days if campaign is not None else DEFAULT_REVIEW_DAYS
    limit = timezone.now() - timedelta(days=days)
    columns = {s: BoardColumn(s, str(label), []) for s, label in Idea.Status.choices}
    for idea in ideas:
        idea.flagged = idea.status in WAITING and idea.status_changed_at < limit
        columns[idea.status].ideas.append(idea)
    return list(columns.values())


def campaigns_for(*, viewer: User, community: Community | None = None) -> Any:
    qs = Campaign.objects.visible_to(viewer).select_related("community")
    if community is not None:
        qs = qs.filter(community=community)
    return qs


def get_campaign_for(*, viewer: User, pk: int) -> Campaign:
    campaign = (
        Campaign.objects.visible_to(viewer)
        .select_related("community", "created_by")
        .prefetch_related("reviewers")
        .filter(pk=pk)
        .first()
    )
    if campaign is None:
        raise Http404("campaign")
    return campaign


def _experiments() -> Any:
    return Experiment.objects.select_related("owner", "community", "idea").prefetch_related("team")


def experiment_log(
    *,
    viewer: User,
    community: Community | None = None,
    unit_id: int | None = None,
    result: str = "",
    year: int | None = None,
    status: str = "",
) -> Any:
    """The experiment log: everything tried that the person may see, newest first."""
    qs = _experiments().visible_to(viewer)
    if community is not None:
        qs = qs.filter(community=community)
    if unit_id:
        qs = qs.filter(owner__org_unit_id=unit_id)
    if result in Experiment.Result.values:
        qs = qs.filter(result=result)
    if status in Experiment.Status.values:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(starts_on__year=year)
    return qs.order_by("status", "-closed_at", "-starts_on", "-pk")


def get_experiment_for(*, viewer: User, pk: int) -> Experiment:
    experiment = _experiments().visible_to(viewer).filter(pk=pk).first()
    if experiment is None:
        raise Http404("experiment")
    return experiment


def updates_of(experiment: Experiment) -> list[ExperimentUpdate]:
    return list(experiment.updates.select_related("author"))


def log_years(*, viewer: User) -> list[int]:
    dates = Experiment.objects.visible_to(viewer).dates("starts_on", "year", order="DESC")
    return [d.year for d in dates]


def story_of(*, viewer: User, experiment: Experiment) -> Any:
    """The story post the experiment was shared as, if the person may see it."""
    if experiment.story_post_id is None:
        return None
    return Post.objects.visible_to(viewer).filter(pk=experiment.story_post_id).first()


def open_invitation(*, viewer: User, idea: Idea) -> CoauthorInvitation | None:
    """The viewer's own unanswered invitation to write this idea, if any."""
    if not is_active_user(viewer):
        return None
    return CoauthorInvitation.objects.filter(
        idea=idea, user=viewer, declined_at__isnull=True
    ).first()


def invitations_of(idea: Idea) -> list[CoauthorInvitation]:
    """Who the author named and has not accepted (yet), with declines: for the author only."""
    return list(CoauthorInvitation.objects.filter(idea=idea).select_related("user").order_by("pk"))
