"""/api/v1/polls: create a poll (with its post), read it with the results one may see, vote,
change or take back a named vote, close it. What the caller may not see is 404."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from hanse.api.schemas import ERRORS, DateTime, Id, Message
from hanse.communities.selectors import get_community_for
from hanse.core import http
from hanse.participation import selectors, services
from hanse.participation.models import MAX_OPTIONS, OPTION_CHARS, OTHER_CHARS
from hanse.participation.selectors import PollView

router = Router(tags=["polls"])


class PollIn(Schema):
    question: str = Field(max_length=2000, description="The question (the post's text).")
    options: list[str] = Field(
        min_length=2, max_length=MAX_OPTIONS, description="The answers to choose from."
    )
    community: str | None = Field(None, description="A community's slug; else company-wide.")
    scope: Literal["company", "profile", "community"] | None = None
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
    post_id: int
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
        question=poll.post.body,
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
    """Publish a post with a poll: in a community, company-wide or on one's profile."""
    viewer = http.viewer(request)
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
