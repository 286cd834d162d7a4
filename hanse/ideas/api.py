"""/api/v1/ideas: campaigns, ideas, support, status changes, experiments and the log.

The same rules as the pages: what one may not see is 404, like what does not exist.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, Id, PersonRef
from hanse.communities.models import Community
from hanse.communities.selectors import get_community_for
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.ideas import rules, selectors, services
from hanse.ideas.models import Campaign, Experiment, Idea, IdeaAttachment
from hanse.people.models import User

router = Router(tags=["ideas"])


def _person(user: object | None) -> PersonRef | None:
    if user is None:
        return None
    return PersonRef.of(user)


class CampaignOut(Schema):
    id: int
    question: str
    description: str
    community: str | None = Field(description="The community's slug; null: company-wide.")
    starts_on: date
    ends_on: date | None
    categories: list[str]
    open: bool
    support_budget: int | None = Field(
        description="Ideas each person may support in this campaign; null: no limit."
    )


class IdeaOut(Schema):
    id: int
    title: str
    description: str
    community: str | None = Field(description="The community's slug; null: company-wide.")
    campaign_id: int | None
    category: str
    author: PersonRef | None
    status: str = Field(description="new, under_review, experiment, adopted, not_adopted, parked")
    support_count: int
    comment_count: int
    merged_into_id: int | None
    created_at: datetime
    status_changed_at: datetime


class IdeaFileOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str = Field(description="Download (after the same visibility check as the idea).")


class IdeaDetail(IdeaOut):
    supported: bool = Field(description="Whether the person asking supports it.")
    may_support: bool
    may_edit: bool = Field(description="Whether the person asking may edit it (its authors).")
    allowed_statuses: list[str] = Field(description="Where the person asking may move it.")
    coauthors: list[PersonRef] = Field(description="Co-authors who accepted the invitation.")
    invited: list[PersonRef] = Field(
        default_factory=list,
        description="For the author only: named, not accepted (yet; declines included).",
    )
    invitation_open: bool = Field(
        False, description="Whether the person asking has an unanswered invitation to write it."
    )
    files: list[IdeaFileOut]
    supports_left: int | None = Field(
        description="In a campaign with a vote budget: supports the person has left; else null."
    )


class IdeaEditIn(Schema):
    title: str = Field(max_length=200)
    description: str = Field(max_length=10_000)
    remove_files: list[int] = Field(default_factory=list, description="Ids of files to remove.")


class CoauthorsIn(Schema):
    coauthors: list[str] = Field(description="User names; replaces the co-authors.")


class IdeaIn(Schema):
    title: str = Field(max_length=200)
    description: str = Field(max_length=10_000)
    community: str | None = Field(None, description="A community's slug; null: company-wide.")
    campaign_id: int | None = None
    category: str = ""
    coauthors: list[str] = Field(default_factory=list, description="User names.")


class StatusIn(Schema):
    to_status: str
    reason: str = Field(max_length=2000)
    hypothesis: str = Field("", description="Required when moving to experiment.")
    success_looks_like: str = ""
    ends_on: date | None = None


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    by: PersonRef | None
    created_at: datetime


class MergeIn(Schema):
    into: int = Field(description="The id of the idea the duplicate joins.")


class MergeOut(Schema):
    idea: IdeaDetail = Field(description="The idea the duplicate joined.")
    carried: int = Field(description="Supporters carried over to it.")
    not_carried: int = Field(
        description="Supporters not carried over: their vote budget in its campaign is used up "
        "(they are notified)."
    )
    message: str = Field(description="What the merge did, in the person's language.")


class SupportOut(Schema):
    supported: bool
    support_count: int


class ExperimentOut(Schema):
    id: int
    title: str
    hypothesis: str
    plan: str
    success_looks_like: str
    community: str | None
    idea_id: int | None
    owner: PersonRef | None
    starts_on: date
    ends_on: date | None
    status: str = Field(description="running or closed")
    result: str = Field(description="confirmed, refuted, inconclusive; empty while running")
    lessons: str
    next_step: str
    closed_at: datetime | None
    team: list[PersonRef]
    story_post_id: int | None = Field(description="The story post, once shared.")


class ExperimentEditIn(Schema):
    plan: str = Field(max_length=10_000)
    starts_on: date | None = Field(None, description="Moves only before it has started.")
    ends_on: date | None = None
    team: list[str] = Field(description="User names; replaces the team.")


class ShareIn(Schema):
    note: str = Field("", max_length=2000)


class ShareOut(Schema):
    post_id: int


class CloseIn(Schema):
    result: str
    lessons: str = Field(max_length=10_000)
    next_step: str = ""


class IdeaQuery(OffsetQuery):
    community: str | None = Field(None, description="A community's slug.")
    campaign: int | None = None
    status: str = ""
    sort: str = Field("support", description="support, new or old")


class ExperimentLogQuery(OffsetQuery):
    community: str | None = Field(None, description="A community's slug.")
    result: str = ""
    year: int | None = Field(None, ge=1, le=9999)
    unit: Id | None = Field(None, description="The owner's organisational unit (id).")


class CampaignPage(OffsetPage[CampaignOut]):
    pass


class IdeaPage(OffsetPage[IdeaOut]):
    pass


class ExperimentPage(OffsetPage[ExperimentOut]):
    pass


class StatusChangePage(OffsetPage[StatusChangeOut]):
    pass


def _slug(community: Community | None) -> str | None:
    return community.slug if community else None


def _campaign(c: Campaign) -> CampaignOut:
    return CampaignOut(
        id=c.pk,
        question=c.question,
        description=c.description,
        community=_slug(c.community),
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        categories=c.category_list(),
        open=c.is_open(),
        support_budget=c.support_budget,
    )


def _idea(i: Idea) -> IdeaOut:
    return IdeaOut(
        id=i.pk,
        title=i.title,
        description=i.description,
        community=_slug(i.community),
        campaign_id=i.campaign_id,
        category=i.category,
        author=_person(i.author),
        status=i.status,
        support_count=i.support_count,
        comment_count=i.comment_count,
        merged_into_id=i.merged_into_id,
        created_at=i.created_at,
        status_changed_at=i.status_changed_at,
    )


def _detail(request: HttpRequest, idea_id: int) -> IdeaDetail:
    viewer = http.viewer(request)
    idea = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    budget = selectors.budget_for(viewer=viewer, campaign=idea.campaign)
    return IdeaDetail(
        **_idea(idea).dict(),
        supported=bool(selectors.supported_ids(viewer=viewer, ideas=[idea])),
        may_support=rules.may_support(viewer, idea),
        may_edit=rules.may_edit_idea(viewer, idea),
        allowed_statuses=rules.allowed_statuses(viewer, idea),
        coauthors=[p for p in (_person(u) for u in idea.coauthors.all()) if p],
        invited=[
            p
            for p in (
                _person(i.user)
                for i in (
                    selectors.invitations_of(idea) if rules.may_set_coauthors(viewer, idea) else []
                )
            )
            if p
        ],
        invitation_open=selectors.open_invitation(viewer=viewer, idea=idea) is not None,
        files=[_file(f) for f in selectors.attachments_of(idea)],
        supports_left=budget.left if budget else None,
    )


def _file(f: IdeaAttachment) -> IdeaFileOut:
    return IdeaFileOut(
        id=f.pk,
        name=f.original_name,
        size=f.size,
        content_type=f.content_type,
        url=f.get_absolute_url(),
    )


def _people(names: list[str]) -> list[User]:
    """Active people by user name; an unknown one is a 400 naming it."""
    wanted = [n.strip().lstrip("@") for n in names if n.strip()]
    found = list(User.objects.filter(username__in=wanted, is_active=True).order_by("pk"))
    missing = sorted(set(wanted) - {u.username for u in found})
    if missing:
        raise ServiceError(
            _("Unknown: %(names)s") % {"names": ", ".join(missing)}, code="unknown_people"
        )
    return found


def _experiment(e: Experiment) -> ExperimentOut:
    return ExperimentOut(
        id=e.pk,
        title=e.title,
        hypothesis=e.hypothesis,
        plan=e.plan,
        success_looks_like=e.success_looks_like,
        community=_slug(e.community),
        idea_id=e.idea_id,
        owner=_person(e.owner),
        starts_on=e.starts_on,
        ends_on=e.ends_on,
        status=e.status,
        result=e.result,
        lessons=e.lessons,
        next_step=e.next_step,
        closed_at=e.closed_at,
        team=[p for p in (_person(u) for u in e.team.all()) if p],
        story_post_id=e.story_post_id,
    )


def _community(request: HttpRequest, slug: str | None) -> Community | None:
    return get_community_for(viewer=http.viewer(request), slug=slug) if slug else None


@router.get("/campaigns", response={200: CampaignPage, **ERRORS}, summary="List campaigns")
def list_campaigns(request: HttpRequest, query: Query[OffsetQuery]) -> CampaignPage:
    campaigns = selectors.campaigns_for(viewer=http.viewer(request))
    return CampaignPage(**offset_page(campaigns, query, _campaign))


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS}, summary="Campaign")
def get_campaign(request: HttpRequest, campaign_id: Id) -> CampaignOut:
    return _campaign(selectors.get_campaign_for(viewer=http.viewer(request), pk=campaign_id))


@router.get("/", response={200: IdeaPage, **ERRORS}, summary="List ideas")
def list_ideas(request: HttpRequest, query: Query[IdeaQuery]) -> IdeaPage:
    """Ideas the person may see, by support (or newest/oldest), merged duplicates left out."""
    viewer = http.viewer(request)
    campaign = (
        selectors.get_campaign_for(viewer=viewer, pk=query.campaign) if query.campaign else None
    )
    ideas = selectors.ideas_for(
        viewer=viewer,
        community=_community(request, query.community),
        campaign=campaign,
        status=query.status,
        sort=query.sort,
    )
    return IdeaPage(**offset_page(ideas, query, _idea))


@router.post("/", response={201: IdeaDetail, **ERRORS}, summary="Post an idea")
def create_idea(request: HttpRequest, payload: IdeaIn) -> Status[IdeaDetail]:
    viewer = http.viewer(request)
    campaign = (
        selectors.get_campaign_for(viewer=viewer, pk=payload.campaign_id)
        if payload.campaign_id
        else None
    )
    idea = services.idea_create(
        author=viewer,
        title=payload.title,
        description=payload.description,
        community=_community(request, payload.community),
        campaign=campaign,
        category=payload.category,
        coauthors=_people(payload.coauthors),
    )
    return Status(201, _detail(request, idea.pk))


@router.get("/{idea_id}", response={200: IdeaDetail, **ERRORS}, summary="Get an idea")
def get_idea(request: HttpRequest, idea_id: Id) -> IdeaDetail:
    return _detail(request, idea_id)


@router.patch("/{idea_id}", response={200: IdeaDetail, **ERRORS}, summary="Edit an idea")
def edit_idea(request: HttpRequest, idea_id: Id, payload: IdeaEditIn) -> IdeaDetail:
    """Its author and co-authors, while it is new, under review or parked."""
    viewer = http.viewer(request)
    services.idea_edit(
        idea=selectors.get_idea_for(viewer=viewer, pk=idea_id),
        by=viewer,
        title=payload.title,
        description=payload.description,
        remove_files=payload.remove_files,
    )
    return _detail(request, idea_id)


@router.put("/{idea_id}/coauthors", response={200: IdeaDetail, **ERRORS}, summary="Set co-authors")
def set_coauthors(request: HttpRequest, idea_id: Id, payload: CoauthorsIn) -> IdeaDetail:
    """The author only; those newly invited are notified."""
    viewer = http.viewer(request)
    services.idea_coauthors_set(
        idea=selectors.get_idea_for(viewer=viewer, pk=idea_id),
        by=viewer,
        coauthors=_people(payload.coauthors),
    )
    return _detail(request, idea_id)


@router.post(
    "/{idea_id}/invitation/accept",
    response={200: IdeaDetail, **ERRORS},
    summary="Accept an invitation to co-author",
)
def accept_invitation(request: HttpRequest, idea_id: Id) -> IdeaDetail:
    """One's own open invitation; without one 404 (``no_invitation``)."""
    return _answer_invitation(request, idea_id, accept=True)


@router.post(
    "/{idea_id}/invitation/decline",
    response={200: IdeaDetail, **ERRORS},
    summary="Decline an invitation to co-author",
)
def decline_invitation(request: HttpRequest, idea_id: Id) -> IdeaDetail:
    """One's own open invitation; without one 404 (``no_invitation``)."""
    return _answer_invitation(request, idea_id, accept=False)


def _answer_invitation(request: HttpRequest, idea_id: Id, *, accept: bool) -> IdeaDetail:
    viewer = http.viewer(request)
    services.idea_coauthor_respond(
        idea=selectors.get_idea_for(viewer=viewer, pk=idea_id), user=viewer, accept=accept
    )
    return _detail(request, idea_id)


@router.post("/{idea_id}/files", response={201: IdeaDetail, **ERRORS}, summary="Attach files")
def attach_files(
    request: HttpRequest, idea_id: Id, files: File[list[UploadedFile]]
) -> Status[IdeaDetail]:
    """Multipart ``files``, checked as post attachments are; at most ten per idea."""
    viewer = http.viewer(request)
    idea = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    services.idea_edit(
        idea=idea, by=viewer, title=idea.title, description=idea.description, files=files
    )
    return Status(201, _detail(request, idea_id))


@router.post("/{idea_id}/support", response={200: SupportOut, **ERRORS}, summary="Support")
def support(request: HttpRequest, idea_id: Id) -> SupportOut:
    """Support an idea; supporting again changes nothing (it counts once)."""
    viewer = http.viewer(request)
    services.idea_support(idea=selectors.get_idea_for(viewer=viewer, pk=idea_id), user=viewer)
    idea = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    return SupportOut(supported=True, support_count=idea.support_count)


@router.delete("/{idea_id}/support", response={200: SupportOut, **ERRORS}, summary="Withdraw")
def unsupport(request: HttpRequest, idea_id: Id) -> SupportOut:
    viewer = http.viewer(request)
    services.idea_unsupport(idea=selectors.get_idea_for(viewer=viewer, pk=idea_id), user=viewer)
    idea = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    return SupportOut(supported=False, support_count=idea.support_count)


@router.get(
    "/{idea_id}/status", response={200: StatusChangePage, **ERRORS}, summary="Status history"
)
def list_status(request: HttpRequest, idea_id: Id, query: Query[OffsetQuery]) -> StatusChangePage:
    idea = selectors.get_idea_for(viewer=http.viewer(request), pk=idea_id)
    changes = idea.status_changes.select_related("by").order_by("created_at", "id")
    return StatusChangePage(
        **offset_page(
            changes,
            query,
            lambda c: StatusChangeOut(
                from_status=c.from_status,
                to_status=c.to_status,
                reason=c.reason,
                by=_person(c.by),
                created_at=c.created_at,
            ),
        )
    )


@router.post("/{idea_id}/status", response={200: IdeaDetail, **ERRORS}, summary="Change status")
def change_status(request: HttpRequest, idea_id: Id, payload: StatusIn) -> IdeaDetail:
    """Reviewers only; a written reason is required; "experiment" needs a hypothesis."""
    viewer = http.viewer(request)
    services.idea_status_change(
        idea=selectors.get_idea_for(viewer=viewer, pk=idea_id),
        by=viewer,
        to_status=payload.to_status,
        reason=payload.reason,
        hypothesis=payload.hypothesis,
        success_looks_like=payload.success_looks_like,
        ends_on=payload.ends_on,
    )
    return _detail(request, idea_id)


@router.post("/{idea_id}/merge", response={200: MergeOut, **ERRORS}, summary="Merge a duplicate")
def merge_idea(request: HttpRequest, idea_id: Id, payload: MergeIn) -> MergeOut:
    """Reviewers of both ideas merge this duplicate into ``into`` (same community); 400
    ``merge_refused`` otherwise. Supporters are carried over within the target campaign's
    vote budget; ``not_carried`` counts those whose budget was used up."""
    viewer = http.viewer(request)
    duplicate = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    into = selectors.get_idea_for(viewer=viewer, pk=payload.into)
    result = services.idea_merge(duplicate=duplicate, into=into, by=viewer)
    return MergeOut(
        idea=_detail(request, result.idea.pk),
        carried=len(result.carried),
        not_carried=len(result.not_carried),
        message=result.message(),
    )


@router.get("/experiments/log", response={200: ExperimentPage, **ERRORS}, summary="Log")
def experiment_log(request: HttpRequest, query: Query[ExperimentLogQuery]) -> ExperimentPage:
    """Every experiment the person may see, with result and lessons."""
    experiments = selectors.experiment_log(
        viewer=http.viewer(request),
        community=_community(request, query.community),
        result=query.result,
        year=query.year,
        unit_id=query.unit,
    )
    return ExperimentPage(**offset_page(experiments, query, _experiment))


@router.get(
    "/experiments/{experiment_id}", response={200: ExperimentOut, **ERRORS}, summary="Experiment"
)
def get_experiment(request: HttpRequest, experiment_id: Id) -> ExperimentOut:
    return _experiment(selectors.get_experiment_for(viewer=http.viewer(request), pk=experiment_id))


@router.post(
    "/experiments/{experiment_id}/close",
    response={200: ExperimentOut, **ERRORS},
    summary="Close an experiment",
)
def close_experiment(request: HttpRequest, experiment_id: Id, payload: CloseIn) -> ExperimentOut:
    """The owner or a moderator; result and lessons learned are required."""
    viewer = http.viewer(request)
    experiment = selectors.get_experiment_for(viewer=viewer, pk=experiment_id)
    services.experiment_close(
        experiment=experiment,
        by=viewer,
        result=payload.result,
        lessons=payload.lessons,
        next_step=payload.next_step,
    )
    return _experiment(selectors.get_experiment_for(viewer=viewer, pk=experiment_id))


@router.patch(
    "/experiments/{experiment_id}",
    response={200: ExperimentOut, **ERRORS},
    summary="Change an experiment",
)
def edit_experiment(
    request: HttpRequest, experiment_id: Id, payload: ExperimentEditIn
) -> ExperimentOut:
    """Plan, dates and team of a running experiment (owner, moderators); recorded in its
    updates. The hypothesis stays; the start date moves only before it has started."""
    viewer = http.viewer(request)
    services.experiment_edit(
        experiment=selectors.get_experiment_for(viewer=viewer, pk=experiment_id),
        by=viewer,
        plan=payload.plan,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        team=_people(payload.team),
    )
    return _experiment(selectors.get_experiment_for(viewer=viewer, pk=experiment_id))


@router.post(
    "/experiments/{experiment_id}/share",
    response={201: ShareOut, **ERRORS},
    summary="Share an experiment as a story",
)
def share_experiment(request: HttpRequest, experiment_id: Id, payload: ShareIn) -> Status[ShareOut]:
    """A closed experiment, once, by its owner, team or a moderator: a post in its
    community (or the company stream) with result, lessons and a link."""
    viewer = http.viewer(request)
    post = services.experiment_share(
        experiment=selectors.get_experiment_for(viewer=viewer, pk=experiment_id),
        by=viewer,
        note=payload.note,
    )
    return Status(201, ShareOut(post_id=post.pk))
