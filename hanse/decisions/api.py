"""/api/v1/decisions: proposals, responses and the decision logs. The same rules as the
pages: what one may not see is 404; a response after the deadline is 400 ``deadline_passed``."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, Id, PersonRef
from hanse.communities.selectors import get_community_for
from hanse.core import http
from hanse.decisions import selectors, services
from hanse.decisions.models import Proposal, Response

router = Router(tags=["decisions"])


def _person(user: object | None) -> PersonRef | None:
    if user is None:
        return None
    return PersonRef.of(user)


class ProposalOut(Schema):
    id: int
    title: str
    text: str
    background: str
    community: str = Field(description="The community's slug.")
    proposer: PersonRef | None
    deadline: datetime
    version: int
    status: str = Field(description="open or decided")
    outcome: str = Field(description="adopted, adopted_with_changes, withdrawn, not_adopted")
    outcome_statement: str
    review_on: date | None
    decided_at: datetime | None


class ProposalFileOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str = Field(description="Download (after the same visibility check as the proposal).")


class ProposalDetail(ProposalOut):
    files: list[ProposalFileOut]


class ResponseOut(Schema):
    person: PersonRef | None
    kind: str = Field(description="consent, concern, objection or abstain")
    reason: str
    version: int = Field(description="The version of the proposal it was given to.")
    outdated: bool = Field(description="Given to an earlier version than the current one.")
    responded_at: datetime


class ResponseIn(Schema):
    kind: str
    reason: str = Field("", max_length=2000, description="Required for an objection.")


class DecisionLogQuery(OffsetQuery):
    community: str | None = Field(None, description="A community's slug; empty: all.")
    state: str = Field("decided", description="decided or open")


class ProposalPage(OffsetPage[ProposalOut]):
    pass


class ResponsePage(OffsetPage[ResponseOut]):
    pass


def _proposal(p: Proposal) -> ProposalOut:
    return ProposalOut(
        id=p.pk,
        title=p.title,
        text=p.text,
        background=p.background,
        community=p.community.slug,
        proposer=_person(p.proposer),
        deadline=p.deadline,
        version=p.version,
        status=p.status,
        outcome=p.outcome,
        outcome_statement=p.outcome_statement,
        review_on=p.review_on,
        decided_at=p.decided_at,
    )


@router.get("/", response={200: ProposalPage, **ERRORS}, summary="Decision log")
def decision_log(request: HttpRequest, query: Query[DecisionLogQuery]) -> ProposalPage:
    """Decisions (or open proposals) the person may see, company-wide or of one community."""
    viewer = http.viewer(request)
    community = get_community_for(viewer=viewer, slug=query.community) if query.community else None
    if query.state == "open":
        rows = selectors.open_proposals(viewer=viewer, community=community)
    else:
        rows = selectors.decision_log(viewer=viewer, community=community)
    return ProposalPage(**offset_page(rows, query, _proposal))


def _detail(p: Proposal) -> ProposalDetail:
    return ProposalDetail(
        **_proposal(p).dict(),
        files=[
            ProposalFileOut(
                id=f.pk,
                name=f.original_name,
                size=f.size,
                content_type=f.content_type,
                url=f.get_absolute_url(),
            )
            for f in p.attachments.all()
        ],
    )


@router.get("/{proposal_id}", response={200: ProposalDetail, **ERRORS}, summary="Get a proposal")
def get_proposal(request: HttpRequest, proposal_id: Id) -> ProposalDetail:
    return _detail(selectors.get_proposal_for(viewer=http.viewer(request), pk=proposal_id))


@router.post(
    "/{proposal_id}/files", response={201: ProposalDetail, **ERRORS}, summary="Attach files"
)
def attach_files(
    request: HttpRequest, proposal_id: Id, files: File[list[UploadedFile]]
) -> Status[ProposalDetail]:
    """The proposer, while the proposal is open; multipart ``files``, at most ten in all."""
    viewer = http.viewer(request)
    proposal = selectors.get_proposal_for(viewer=viewer, pk=proposal_id)
    services.proposal_attach(proposal=proposal, by=viewer, files=files)
    return Status(201, _detail(selectors.get_proposal_for(viewer=viewer, pk=proposal_id)))


@router.get("/{proposal_id}/responses", response={200: ResponsePage, **ERRORS}, summary="Responses")
def list_responses(
    request: HttpRequest, proposal_id: Id, query: Query[OffsetQuery]
) -> ResponsePage:
    """Named responses with their reasons (decisions are not anonymous)."""
    proposal = selectors.get_proposal_for(viewer=http.viewer(request), pk=proposal_id)
    rows = proposal.responses.select_related("user").order_by("responded_at", "id")

    def out(r: Response) -> ResponseOut:
        return ResponseOut(
            person=_person(r.user),
            kind=r.kind,
            reason=r.reason,
            version=r.version,
            outdated=r.version != proposal.version,
            responded_at=r.responded_at,
        )

    return ResponsePage(**offset_page(rows, query, out))


@router.post("/{proposal_id}/responses", response={200: ResponseOut, **ERRORS}, summary="Respond")
def respond(request: HttpRequest, proposal_id: Id, payload: ResponseIn) -> ResponseOut:
    """Respond or change one's response before the deadline; those who decide only."""
    viewer = http.viewer(request)
    proposal = selectors.get_proposal_for(viewer=viewer, pk=proposal_id)
    response = services.proposal_respond(
        proposal=proposal, user=viewer, kind=payload.kind, reason=payload.reason
    )
    return ResponseOut(
        person=_person(viewer),
        kind=response.kind,
        reason=response.reason,
        version=response.version,
        outdated=False,
        responded_at=response.responded_at,
    )
