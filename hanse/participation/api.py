"""/api/v1/polls: create a poll (with its post), read it with the results one may see, vote,
change or take back a named vote, close it. What the caller may not see is 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, DateTime, Id, Message, PersonRef
from hanse.chat.selectors import get_channel_for
from hanse.communities.selectors import get_community_for
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.participation import praise as praise_services
from hanse.participation import questions as question_services
from hanse.participation import selectors, services
from hanse.participation.api_townhalls import townhalls_router
from hanse.participation.models import (
    MAX_OPTIONS,
    OPTION_CHARS,
    OTHER_CHARS,
    Praise,
    PraiseValue,
    Question,
)
from hanse.participation.selectors import PollView
from hanse.people.models import User
from hanse.posts.selectors.posts import get_comment_for

router = Router(tags=["polls"])
# Town halls live in api_townhalls.py; exported here, where hanse/api/urls.py takes routers.
__all__ = ["praise_router", "questions_router", "router", "townhalls_router"]


class PollIn(Schema):
    question: str = Field(max_length=2000, description="The question (the post's text).")
    options: list[str] = Field(
        min_length=2, max_length=MAX_OPTIONS, description="The answers to choose from."
    )
    community: str | None = Field(None, description="A community's slug; else company-wide.")
    scope: Literal["company", "profile", "community"] | None = None
    channel: int | None = Field(
        None,
        ge=1,
        description="A chat channel's id: the poll is a chat message there, seen and voted on "
        "by the channel's members only (no community or scope then).",
    )
    kind: Literal["single", "multiple"] = "single"
    max_choices: int | None = Field(None, ge=1, le=MAX_OPTIONS + 1)
    allow_other: bool = False
    anonymous: bool = Field(False, description="Cannot be changed later; no free text.")
    results: Literal["always", "after_vote", "after_close"] = "always"
    closes_at: DateTime | None = None


class VoteIn(Schema):
    options: list[int] = Field(default_factory=list, max_length=MAX_OPTIONS)
    other: str = Field("", max_length=OTHER_CHARS)


class OptionOut(Schema):
    id: int
    label: str = Field(max_length=OPTION_CHARS)
    count: int | None = Field(description="Votes; null while the results are hidden.")
    share: int | None = Field(description="Per cent of voters; null while hidden.")
    mine: bool


class PollOut(Schema):
    id: int
    post_id: int | None = Field(description="The post the poll is part of (or null).")
    message_id: int | None = Field(description="The chat message it is part of (or null).")
    channel_id: int | None = Field(description="The chat message's channel (or null).")
    question: str
    kind: str
    max_choices: int
    allow_other: bool
    anonymous: bool
    results: str
    closes_at: datetime | None
    closed: bool
    voter_count: int
    voted: bool
    results_visible: bool
    options: list[OptionOut]
    other_count: int | None
    my_other: str = Field("", description="Your own answer (named polls).")


def poll_out(view: PollView) -> PollOut:
    poll = view.poll
    show = view.show_results
    return PollOut(
        id=poll.pk,
        post_id=poll.post_id,
        message_id=poll.message_id,
        channel_id=poll.message.channel_id if poll.message else None,
        question=poll.question,
        kind=poll.kind,
        max_choices=poll.max_choices,
        allow_other=poll.allow_other,
        anonymous=poll.anonymous,
        results=poll.results,
        closes_at=poll.closes_at,
        closed=view.closed,
        voter_count=view.voter_count,
        voted=view.voted,
        results_visible=show,
        options=[
            OptionOut(
                id=o.id,
                label=o.label,
                count=o.count if show else None,
                share=o.share if show else None,
                mine=o.mine,
            )
            for o in view.options
        ],
        other_count=view.other_count if show and poll.allow_other else None,
        my_other=view.my_other,
    )


def _view(request: HttpRequest, poll_id: int) -> PollOut:
    viewer = http.viewer(request)
    poll = selectors.get_poll_for(viewer=viewer, poll_id=poll_id)
    return poll_out(selectors.poll_view(viewer=viewer, poll=poll))


@router.post("", response={201: PollOut, **ERRORS}, summary="Create a poll")
def create_poll(request: HttpRequest, payload: PollIn) -> Status[PollOut]:
    """Publish a post with a poll: in a community, company-wide or on one's profile; or,
    with ``channel``, a chat message with a poll in that channel (its members only)."""
    viewer = http.viewer(request)
    if payload.channel is not None:
        if payload.community or payload.scope:
            raise ServiceError(
                _("A poll in a chat channel has no community or scope."), code="invalid_target"
            )
        channel = get_channel_for(viewer=viewer, channel_id=payload.channel)
        poll = services.chat_poll_create(
            author=viewer,
            channel=channel,
            question=payload.question,
            options=payload.options,
            kind=payload.kind,
            max_choices=payload.max_choices,
            allow_other=payload.allow_other,
            anonymous=payload.anonymous,
            results=payload.results,
            closes_at=payload.closes_at,
        )
        return Status(201, _view(request, poll.pk))
    community = None
    if payload.community:
        community = get_community_for(viewer=viewer, slug=payload.community)
    poll = services.poll_create(
        author=viewer,
        question=payload.question,
        options=payload.options,
        community=community,
        scope=payload.scope,
        kind=payload.kind,
        max_choices=payload.max_choices,
        allow_other=payload.allow_other,
        anonymous=payload.anonymous,
        results=payload.results,
        closes_at=payload.closes_at,
    )
    return Status(201, _view(request, poll.pk))


@router.get("/{poll_id}", response={200: PollOut, **ERRORS}, summary="Read a poll")
def get_poll(request: HttpRequest, poll_id: Id) -> PollOut:
    """The poll with the results the caller may see (as the poll says: always, after voting,
    after closing)."""
    return _view(request, poll_id)


@router.post("/{poll_id}/vote", response={200: PollOut, **ERRORS}, summary="Vote")
def vote_poll(request: HttpRequest, poll_id: Id, payload: VoteIn) -> PollOut:
    """Vote, or change a named vote until the poll closes (anonymous votes are final)."""
    viewer = http.viewer(request)
    poll = selectors.get_poll_for(viewer=viewer, poll_id=poll_id)
    services.poll_vote(
        poll=poll, voter=viewer, option_ids=payload.options, other_text=payload.other
    )
    return _view(request, poll_id)


@router.delete("/{poll_id}/vote", response={200: PollOut, **ERRORS}, summary="Take back a vote")
def withdraw_vote(request: HttpRequest, poll_id: Id) -> PollOut:
    viewer = http.viewer(request)
    poll = selectors.get_poll_for(viewer=viewer, poll_id=poll_id)
    services.poll_vote_withdraw(poll=poll, voter=viewer)
    return _view(request, poll_id)


@router.post("/{poll_id}/close", response={200: PollOut, **ERRORS}, summary="Close a poll")
def close_poll(request: HttpRequest, poll_id: Id) -> PollOut:
    viewer = http.viewer(request)
    poll = selectors.get_poll_for(viewer=viewer, poll_id=poll_id)
    services.poll_close(poll=poll, by=viewer)
    return _view(request, poll_id)


@router.post("/{poll_id}/remind", response={200: Message, **ERRORS}, summary="Remind non-voters")
def remind_poll(request: HttpRequest, poll_id: Id) -> Message:
    viewer = http.viewer(request)
    poll = selectors.get_poll_for(viewer=viewer, poll_id=poll_id)
    services.poll_remind(poll=poll, by=viewer)
    return Message(detail=_("Those who have not voted yet will be reminded."))


# --- questions and praise -----------------------------------------------------------------

questions_router = Router(tags=["questions"])
praise_router = Router(tags=["praise"])


class QuestionIn(Schema):
    community: str = Field(description="The community's slug.")
    body: str = Field(max_length=5000)


class QuestionOut(Schema):
    id: int
    post_id: int
    community: str
    body: str
    author: PersonRef
    answer_count: int
    solved: bool
    accepted_answer_id: int | None


class AnswerOut(Schema):
    id: int
    author: PersonRef
    body: str
    upvotes: int
    upvoted: bool
    accepted: bool


class QuestionsQuery(OffsetQuery):
    community: str | None = None
    state: Literal["unsolved", "unanswered", "solved", "all"] = "unsolved"


def _person(user: Any) -> PersonRef:
    return PersonRef.of(user)


def question_out(q: Question) -> QuestionOut:
    return QuestionOut(
        id=q.pk,
        post_id=q.post_id,
        community=q.community.slug,
        body=q.post.body,
        author=_person(q.post.author),
        answer_count=q.post.comment_count,
        solved=q.solved_at is not None,
        accepted_answer_id=q.accepted_answer_id,
    )


@questions_router.get("", response={200: OffsetPage[QuestionOut], **ERRORS}, summary="Questions")
def list_questions(request: HttpRequest, query: Query[QuestionsQuery]) -> dict[str, Any]:
    """Questions the caller can read, company-wide or in one community, by state."""
    viewer = http.viewer(request)
    community = get_community_for(viewer=viewer, slug=query.community) if query.community else None
    found = selectors.questions(viewer=viewer, community=community, state=query.state)
    return offset_page(found, query, question_out)


@questions_router.post("", response={201: QuestionOut, **ERRORS}, summary="Ask a question")
def ask(request: HttpRequest, payload: QuestionIn) -> Status[QuestionOut]:
    viewer = http.viewer(request)
    community = get_community_for(viewer=viewer, slug=payload.community)
    q = question_services.question_create(author=viewer, community=community, body=payload.body)
    return Status(201, question_out(selectors.get_question_for(viewer=viewer, question_id=q.pk)))


@questions_router.get(
    "/{question_id}/answers", response={200: OffsetPage[AnswerOut], **ERRORS}, summary="Answers"
)
def list_answers(
    request: HttpRequest, question_id: Id, query: Query[OffsetQuery]
) -> dict[str, Any]:
    """The answers: accepted first, then by upvotes (an offset page like every list)."""
    viewer = http.viewer(request)
    q = selectors.get_question_for(viewer=viewer, question_id=question_id)
    return offset_page(selectors.answers(viewer=viewer, question=q), query, _answer_out)


def _answer_out(a: selectors.AnswerView) -> AnswerOut:
    return AnswerOut(
        id=a.answer.pk,
        author=_person(a.answer.author),
        body=a.answer.body,
        upvotes=a.upvotes,
        upvoted=a.upvoted,
        accepted=a.accepted,
    )


class AcceptIn(Schema):
    answer_id: Id | None = Field(None, description="The answer to accept; null takes it back.")


@questions_router.post(
    "/{question_id}/accept", response={200: QuestionOut, **ERRORS}, summary="Accept an answer"
)
def accept(request: HttpRequest, question_id: Id, payload: AcceptIn) -> QuestionOut:
    viewer = http.viewer(request)
    q = selectors.get_question_for(viewer=viewer, question_id=question_id)
    if payload.answer_id is None:
        question_services.answer_unaccept(question=q, by=viewer)
    else:
        answer = get_comment_for(viewer=viewer, comment_id=payload.answer_id)
        question_services.answer_accept(question=q, answer=answer, by=viewer)
    return question_out(selectors.get_question_for(viewer=viewer, question_id=question_id))


@questions_router.put(
    "/answers/{answer_id}/upvote", response={200: Message, **ERRORS}, summary="Upvote"
)
def upvote(request: HttpRequest, answer_id: Id) -> Message:
    viewer = http.viewer(request)
    answer = get_comment_for(viewer=viewer, comment_id=answer_id)
    question_services.answer_upvote(answer=answer, by=viewer)
    return Message(detail=_("Marked as helpful."))


@questions_router.delete(
    "/answers/{answer_id}/upvote", response={200: Message, **ERRORS}, summary="Take back upvote"
)
def unvote(request: HttpRequest, answer_id: Id) -> Message:
    viewer = http.viewer(request)
    answer = get_comment_for(viewer=viewer, comment_id=answer_id)
    question_services.answer_upvote(answer=answer, by=viewer, on=False)
    return Message(detail=_("Upvote taken back."))


class ValueOut(Schema):
    id: int
    name: str
    description: str
    count: int = Field(description="How often it was thanked for (organisation-wide).")


class PraiseIn(Schema):
    recipient: str = Field(description="The colleague's username.", max_length=150)
    value_id: Id
    message: str = Field(max_length=2000)
    community: str | None = Field(None, description="A community both belong to; else all.")


class PraiseOut(Schema):
    id: int
    post_id: int
    author: PersonRef
    recipient: PersonRef
    value: str
    message: str


class PraiseQuery(OffsetQuery):
    recipient: str = Field(description="Whose praise (username), as on their profile.")


def praise_out(p: Praise) -> PraiseOut:
    return PraiseOut(
        id=p.pk,
        post_id=p.post_id,
        author=_person(p.author),
        recipient=_person(p.recipient),
        value=p.value.name,
        message=p.post.body,
    )


@praise_router.get("/values", response={200: OffsetPage[ValueOut], **ERRORS}, summary="Values")
def values(request: HttpRequest, query: Query[OffsetQuery]) -> dict[str, Any]:
    """The organisation's values with how often each was thanked for (no per-person counts)."""
    counts = selectors.praise_counts(viewer=http.viewer(request))
    return offset_page(
        list(counts),
        query,
        lambda row: ValueOut(
            id=row[0].pk, name=row[0].name, description=row[0].description, count=row[1]
        ),
    )


@praise_router.get("", response={200: OffsetPage[PraiseOut], **ERRORS}, summary="Praise")
def list_praise(request: HttpRequest, query: Query[PraiseQuery]) -> dict[str, Any]:
    """The praise on a person's profile that the caller may see."""
    viewer = http.viewer(request)
    person = User.objects.filter(username=query.recipient, is_active=True).first()
    if person is None:
        raise ServiceError(_("This person does not exist."), code="not_found", status=404)
    return offset_page(
        selectors.praise_for_profile(viewer=viewer, person=person), query, praise_out
    )


@praise_router.post("", response={201: PraiseOut, **ERRORS}, summary="Say thank you")
def give(request: HttpRequest, payload: PraiseIn) -> Status[PraiseOut]:
    viewer = http.viewer(request)
    recipient = User.objects.filter(username=payload.recipient, is_active=True).first()
    value = PraiseValue.objects.filter(pk=payload.value_id).first()
    if recipient is None or value is None:
        raise ServiceError(_("Choose a colleague and one of the values."), code="invalid")
    community = (
        get_community_for(viewer=viewer, slug=payload.community) if payload.community else None
    )
    p = praise_services.praise_create(
        author=viewer,
        recipient=recipient,
        value=value,
        message=payload.message,
        community=community,
    )
    return Status(201, praise_out(p))
