"""/api/v1/townhalls: the town halls the caller may see (upcoming, live, past), one town hall,
its questions (pinned first, then upvotes, then oldest first), asking (by name or
anonymously), upvoting and taking it back, and moderating. What the caller may not see is 404.
An anonymous question's ``author`` is null for everyone: nothing stored names its asker."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, Id, PersonRef, UnitRef
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.participation import rules, selectors
from hanse.participation import townhalls as services
from hanse.participation.models import TOWNHALL_ANSWER_CHARS, TOWNHALL_QUESTION_CHARS, TownHall
from hanse.participation.selectors import TownHallQuestionView

townhalls_router = Router(tags=["town halls"])


class TownHallOut(Schema):
    id: int
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    phase: Literal["upcoming", "live", "past"]
    company_wide: bool
    units: list[UnitRef]
    hosts: list[PersonRef]
    approval_required: bool
    event_id: int | None
    current_question: int | None = Field(description="The question being answered now.")
    pinned_question: int | None
    can_ask: bool
    can_moderate: bool


class TownHallsQuery(OffsetQuery):
    phase: Literal["upcoming", "live", "past"] = "upcoming"


class TownHallQuestionOut(Schema):
    id: int
    body: str
    anonymous: bool
    author: PersonRef | None = Field(description="Null for anonymous questions.")
    status: Literal["pending", "approved", "answered", "rejected"]
    votes: int
    upvoted: bool = Field(description="Whether the caller upvoted it.")
    can_upvote: bool
    pinned: bool
    answering_now: bool
    answer: str
    answered_at: datetime | None
    created_at: datetime


class AskIn(Schema):
    body: str = Field(max_length=TOWNHALL_QUESTION_CHARS)
    anonymous: bool = Field(False, description="Anonymous to everyone: no author is stored.")


class ModerateIn(Schema):
    action: Literal["approve", "reject", "answering", "answered", "reopen", "pin", "unpin", "merge"]
    answer: str = Field("", max_length=TOWNHALL_ANSWER_CHARS)
    into: int | None = Field(None, description="merge: the question it duplicates.")


class VotesOut(Schema):
    id: int
    votes: int
    upvoted: bool


def _person(user: Any) -> PersonRef:
    return PersonRef.of(user)


def townhall_out(request: HttpRequest, townhall: TownHall) -> TownHallOut:
    viewer = http.viewer(request)
    return TownHallOut(
        id=townhall.pk,
        title=townhall.title,
        description=townhall.description,
        starts_at=townhall.starts_at,
        ends_at=townhall.ends_at,
        phase=townhall.phase(),  # type: ignore[arg-type]  # one of the three
        company_wide=townhall.company_wide,
        units=[UnitRef(id=u.pk, slug=u.slug, name=u.name) for u in townhall.units.all()],
        hosts=[_person(h) for h in townhall.hosts.all()],
        approval_required=townhall.approval_required,
        event_id=townhall.event_id,
        current_question=townhall.current_question_id,
        pinned_question=townhall.pinned_question_id,
        can_ask=rules.may_ask_in_townhall(viewer, townhall),
        can_moderate=rules.may_moderate_townhall(viewer, townhall),
    )


def question_out(view: TownHallQuestionView) -> TownHallQuestionOut:
    q = view.question
    return TownHallQuestionOut(
        id=q.pk,
        body=q.body,
        anonymous=q.anonymous,
        author=_person(q.author) if q.author is not None else None,
        status=q.status,  # type: ignore[arg-type]  # a merged question is never shown
        votes=q.vote_count,
        upvoted=view.upvoted,
        can_upvote=view.can_upvote,
        pinned=view.pinned,
        answering_now=view.current,
        answer=q.answer,
        answered_at=q.answered_at,
        created_at=q.created_at,
    )


@townhalls_router.get("", response={200: OffsetPage[TownHallOut], **ERRORS}, summary="Town halls")
def list_townhalls(request: HttpRequest, query: Query[TownHallsQuery]) -> dict[str, Any]:
    """The town halls the caller may see: upcoming (soonest first), live, or past."""
    found = selectors.townhalls(viewer=http.viewer(request), phase=query.phase)
    return offset_page(found, query, lambda t: townhall_out(request, t))


@townhalls_router.get("/{townhall_id}", response={200: TownHallOut, **ERRORS}, summary="Town hall")
def get_townhall(request: HttpRequest, townhall_id: Id) -> TownHallOut:
    townhall = selectors.get_townhall_for(viewer=http.viewer(request), townhall_id=townhall_id)
    return townhall_out(request, townhall)


@townhalls_router.get(
    "/{townhall_id}/questions",
    response={200: OffsetPage[TownHallQuestionOut], **ERRORS},
    summary="Town-hall questions",
)
def list_questions(
    request: HttpRequest, townhall_id: Id, query: Query[OffsetQuery]
) -> dict[str, Any]:
    """Pinned first, then by upvotes, then oldest first; moderators also get pending ones."""
    viewer = http.viewer(request)
    townhall = selectors.get_townhall_for(viewer=viewer, townhall_id=townhall_id)
    found = selectors.townhall_question_queryset(viewer=viewer, townhall=townhall)
    total = found.count()
    rows = list(found[query.offset : query.offset + query.limit])
    views = selectors.townhall_question_views(viewer=viewer, townhall=townhall, questions=rows)
    return {
        "items": [question_out(v) for v in views],
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
    }


def _one(request: HttpRequest, question_id: int) -> TownHallQuestionOut:
    viewer = http.viewer(request)
    question = selectors.get_townhall_question_for(viewer=viewer, question_id=question_id)
    view = selectors.townhall_question_views(
        viewer=viewer, townhall=question.townhall, questions=[question]
    )[0]
    return question_out(view)


@townhalls_router.post(
    "/{townhall_id}/questions",
    response={201: TownHallQuestionOut, **ERRORS},
    summary="Ask a town-hall question",
)
def ask(request: HttpRequest, townhall_id: Id, payload: AskIn) -> Status[TownHallQuestionOut]:
    """Before or during the session. With approval required it is pending until approved."""
    viewer = http.viewer(request)
    townhall = selectors.get_townhall_for(viewer=viewer, townhall_id=townhall_id)
    q = services.townhall_question_ask(
        townhall=townhall, author=viewer, body=payload.body, anonymous=payload.anonymous
    )
    view = TownHallQuestionView(
        question=q, upvoted=False, can_upvote=False, pinned=False, current=False, merged_count=0
    )
    return Status(201, question_out(view))


@townhalls_router.post(
    "/questions/{question_id}/upvote",
    response={200: VotesOut, **ERRORS},
    summary="Upvote a town-hall question",
)
def upvote(request: HttpRequest, question_id: Id) -> VotesOut:
    """Once per person (409 ``already_upvoted`` for a second one); not one's own question."""
    viewer = http.viewer(request)
    question = selectors.get_townhall_question_for(viewer=viewer, question_id=question_id)
    votes = services.townhall_upvote(question=question, user=viewer)
    return VotesOut(id=question.pk, votes=votes, upvoted=True)


@townhalls_router.delete(
    "/questions/{question_id}/upvote",
    response={200: VotesOut, **ERRORS},
    summary="Take back an upvote",
)
def withdraw(request: HttpRequest, question_id: Id) -> VotesOut:
    viewer = http.viewer(request)
    question = selectors.get_townhall_question_for(viewer=viewer, question_id=question_id)
    votes = services.townhall_upvote_withdraw(question=question, user=viewer)
    return VotesOut(id=question.pk, votes=votes, upvoted=False)


@townhalls_router.post(
    "/questions/{question_id}/moderate",
    response={200: TownHallQuestionOut, **ERRORS},
    summary="Moderate a town-hall question",
)
def moderate(request: HttpRequest, question_id: Id, payload: ModerateIn) -> TownHallQuestionOut:
    """Hosts and moderators: approve, reject, answering (now), answered (with ``answer``),
    reopen, pin, unpin, merge (``into``: the question it duplicates; upvotes combine)."""
    viewer = http.viewer(request)
    question = selectors.get_townhall_question_for(viewer=viewer, question_id=question_id)
    if payload.action == "merge":
        if payload.into is None:
            raise ServiceError(_("Choose the question to merge into."), code="invalid_target")
        into = selectors.get_townhall_question_for(viewer=viewer, question_id=payload.into)
        target = services.townhall_question_merge(question=question, into=into, by=viewer)
        return _one(request, target.pk)
    services.townhall_question_moderate(
        question=question, by=viewer, action=payload.action, answer=payload.answer
    )
    return _one(request, question.pk)
