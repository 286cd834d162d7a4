"""/api/v1/circles: rounds and one's sign-up, one's circles (members only), one's own
check-ins, and the multipliers ("Connectoren"). Unknown and invisible answer the same 404."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, Id, PersonRef
from hanse.circles import rules, selectors
from hanse.circles import selectors_programme as programme
from hanse.circles.models import (
    CheckIn,
    Circle,
    CircleRound,
    ConnectorStory,
    Multiplier,
    SignUp,
)
from hanse.circles.models.circles import SLOTS
from hanse.circles.services import multipliers as multiplier_services
from hanse.circles.services import programme as programme_services
from hanse.circles.services import rounds as round_services
from hanse.circles.services import space as space_services
from hanse.core import http
from hanse.people.models import Location, User
from hanse.posts.selectors.posts import get_post_for

router = Router(tags=["circles"])


class RoundOut(Schema):
    id: int
    name: str
    signup_closes: dt.date
    starts_on: dt.date
    weeks: int
    status: str
    signup_open: bool


class SignUpIn(Schema):
    slots: list[int] = Field(
        description=f"Weekly slots as weekday * 100 + hour (Monday 12:00 = 112); one of {SLOTS}."
    )
    mode: Literal["online", "on_site", "either"] = "online"
    location_id: Id | None = None
    language: Literal["de", "en", "both"] = "de"
    goal: str = Field("", description="Private to you; never shown to anyone.")
    with_people: list[str] = Field([], description="Usernames; never shown to anyone.")
    without_people: list[str] = Field([], description="Usernames; never shown to anyone.")


class SignUpOut(Schema):
    round_id: int
    slots: list[int]
    mode: str
    location_id: int | None
    language: str
    goal: str


class CircleOut(Schema):
    id: int
    name: str
    starts_on: dt.date
    weeks: int
    week: int = Field(description="The current week: 0 before the start, weeks + 1 after.")
    slot: int
    online: bool
    members: list[PersonRef]
    event_id: int | None
    channel_id: int | None


class CheckInIn(Schema):
    week: int = Field(ge=1, le=52)
    attended: bool = True
    did: str = ""
    will_try: str = ""


class CheckInOut(Schema):
    week: int
    attended: bool
    did: str
    will_try: str


class MultiplierOut(Schema):
    id: int
    person: PersonRef
    topics: list[str]
    location: str | None
    unit: str | None


class VolunteerIn(Schema):
    topics: str
    note: str = ""


def _round_out(r: CircleRound) -> RoundOut:
    return RoundOut(
        id=r.pk,
        name=r.name,
        signup_closes=r.signup_closes,
        starts_on=r.starts_on,
        weeks=r.weeks,
        status=r.status,
        signup_open=rules.signup_open(r),
    )


def _signup_out(s: SignUp) -> SignUpOut:
    return SignUpOut(
        round_id=s.round_id,
        slots=s.slots,
        mode=s.mode,
        location_id=s.location_id,
        language=s.language,
        goal=s.goal,
    )


def _person(u: User) -> PersonRef:
    return PersonRef.of(u)


def _circle_out(c: Circle) -> CircleOut:
    return CircleOut(
        id=c.pk,
        name=c.name,
        starts_on=c.starts_on,
        weeks=c.weeks,
        week=selectors.week_of(c),
        slot=c.slot,
        online=c.online,
        members=[_person(m.user) for m in c.members.all()],
        event_id=c.event_id,
        channel_id=c.channel_id,
    )


def _checkin_out(c: CheckIn) -> CheckInOut:
    return CheckInOut(week=c.week, attended=c.attended, did=c.did, will_try=c.will_try)


@router.get("/rounds", response={200: OffsetPage[RoundOut], **ERRORS}, summary="List rounds")
def list_rounds(request: HttpRequest, page: Query[OffsetQuery]) -> dict[str, object]:
    return offset_page(selectors.rounds_for(viewer=http.viewer(request)), page, _round_out)


@router.get("/rounds/{round_id}/signup", response={200: SignUpOut, **ERRORS}, summary="My sign-up")
def get_signup(request: HttpRequest, round_id: Id) -> SignUpOut:
    me = http.viewer(request)
    round_ = selectors.get_round_for(viewer=me, round_id=round_id)
    found = selectors.my_signup(viewer=me, round_=round_)
    if found is None:
        raise Http404
    return _signup_out(found)


@router.put("/rounds/{round_id}/signup", response={200: SignUpOut, **ERRORS}, summary="Sign up")
def put_signup(request: HttpRequest, round_id: Id, payload: SignUpIn) -> SignUpOut:
    """Sign up for a round (or change one's sign-up) while sign-up is open."""
    me = http.viewer(request)
    round_ = selectors.get_round_for(viewer=me, round_id=round_id)
    names = set(payload.with_people) | set(payload.without_people)
    people = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    signup = round_services.signup_save(
        user=me,
        round_=round_,
        slots=payload.slots,
        mode=payload.mode,
        location=Location.objects.filter(pk=payload.location_id).first()
        if payload.location_id
        else None,
        language=payload.language,
        goal=payload.goal,
        with_people=[people[n] for n in payload.with_people if n in people],
        without_people=[people[n] for n in payload.without_people if n in people],
    )
    return _signup_out(signup)


@router.delete("/rounds/{round_id}/signup", response={204: None, **ERRORS}, summary="Withdraw")
def delete_signup(request: HttpRequest, round_id: Id) -> Status[None]:
    me = http.viewer(request)
    round_ = selectors.get_round_for(viewer=me, round_id=round_id)
    round_services.signup_withdraw(user=me, round_=round_)
    return Status(204, None)


def _my_circles(request: HttpRequest) -> QuerySet[Circle]:
    return selectors.my_circles(viewer=http.viewer(request)).prefetch_related("members__user")


@router.get("/mine", response={200: OffsetPage[CircleOut], **ERRORS}, summary="My circles")
def list_circles(request: HttpRequest, page: Query[OffsetQuery]) -> dict[str, object]:
    return offset_page(_my_circles(request), page, _circle_out)


@router.get("/mine/{circle_id}", response={200: CircleOut, **ERRORS}, summary="A circle")
def get_circle(request: HttpRequest, circle_id: Id) -> CircleOut:
    """Members only: 404 for everyone else, as for a circle that does not exist."""
    circle = selectors.get_circle_for(viewer=http.viewer(request), circle_id=circle_id)
    return _circle_out(_my_circles(request).get(pk=circle.pk))


@router.get(
    "/mine/{circle_id}/checkins",
    response={200: OffsetPage[CheckInOut], **ERRORS},
    summary="My check-ins",
)
def list_checkins(
    request: HttpRequest, circle_id: Id, page: Query[OffsetQuery]
) -> dict[str, object]:
    """One's own check-ins only; nobody else's, whoever asks."""
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    mine = [w.checkin for w in selectors.progress(viewer=me, circle=circle) if w.checkin]
    return offset_page(mine, page, _checkin_out)


@router.put("/mine/{circle_id}/checkins", response={200: CheckInOut, **ERRORS}, summary="Check in")
def put_checkin(request: HttpRequest, circle_id: Id, payload: CheckInIn) -> CheckInOut:
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    found = space_services.checkin_save(
        circle=circle,
        user=me,
        week=payload.week,
        attended=payload.attended,
        did=payload.did,
        will_try=payload.will_try,
    )
    return _checkin_out(found)


def _multiplier_out(m: Multiplier) -> MultiplierOut:
    return MultiplierOut(
        id=m.pk,
        person=_person(m.user),
        topics=m.topic_list(),
        location=m.user.location.name if m.user.location else None,
        unit=m.user.org_unit.name if m.user.org_unit else None,
    )


@router.get(
    "/multipliers", response={200: OffsetPage[MultiplierOut], **ERRORS}, summary="Connectors"
)
def list_multipliers(
    request: HttpRequest, page: Query[OffsetQuery], near: bool = False
) -> dict[str, object]:
    """Approved Connectors; with `near=true` the nearest to one's branch first."""
    me = http.viewer(request)
    if near:
        return offset_page(
            selectors.nearest_multipliers(viewer=me, limit=1000), page, _multiplier_out
        )
    return offset_page(selectors.multipliers_for(viewer=me), page, _multiplier_out)


@router.post("/multipliers/volunteer", response={201: MultiplierOut, **ERRORS}, summary="Volunteer")
def volunteer(request: HttpRequest, payload: VolunteerIn) -> Status[MultiplierOut]:
    found = multiplier_services.multiplier_volunteer(
        user=http.viewer(request), topics=payload.topics, note=payload.note
    )
    return Status(201, _multiplier_out(found))


# --- the Connectoren programme: onboarding, stories, places (wt/connectoren) ---------------


class OnboardingStepOut(Schema):
    id: int
    title: str
    description: str
    link: str
    position: int
    done: bool


class OnboardingTickIn(Schema):
    done: bool


class ConnectorStoryIn(Schema):
    kind: Literal["helped", "experiment"]
    body: str = Field(description="Posted company-wide under your name, tagged #Connectoren.")


class ConnectorStoryOut(Schema):
    id: int
    kind: str
    post_id: int
    author: PersonRef
    body: str
    created_at: dt.datetime


class ConnectorPlaceOut(Schema):
    location_id: int
    name: str
    region: str
    postal_code: str
    connectoren: int = Field(description="Approved Connectoren working at this place.")


@router.get(
    "/multipliers/onboarding",
    response={200: OffsetPage[OnboardingStepOut], **ERRORS},
    summary="My Connector onboarding checklist",
)
def onboarding(request: HttpRequest, page: Query[OffsetQuery]) -> dict[str, object]:
    """One's own checklist (approved Connectoren; anyone else gets 404)."""
    steps = programme.onboarding_for(viewer=http.viewer(request))
    return offset_page(steps, page, _step_out)


@router.put(
    "/multipliers/onboarding/{item_id}",
    response={200: OnboardingStepOut, **ERRORS},
    summary="Tick a step of my onboarding",
)
def onboarding_tick(
    request: HttpRequest, item_id: int, payload: OnboardingTickIn
) -> OnboardingStepOut:
    me = http.viewer(request)
    programme.onboarding_for(viewer=me)  # 404 for anyone but an approved Connector
    item = programme.get_onboarding_item(item_id=item_id)
    done = programme_services.onboarding_tick(user=me, item=item, done=payload.done)
    return _step_out(programme.Step(item=item, done=done))


@router.get(
    "/multipliers/stories",
    response={200: OffsetPage[ConnectorStoryOut], **ERRORS},
    summary="Connectoren stories",
)
def stories(request: HttpRequest, page: Query[OffsetQuery]) -> dict[str, object]:
    """Stories whose post one may read, newest first."""
    return offset_page(programme.stories_for(viewer=http.viewer(request)), page, _story_out)


@router.post(
    "/multipliers/stories",
    response={201: ConnectorStoryOut, **ERRORS},
    summary="Share a Connectoren story",
)
def story_create(request: HttpRequest, payload: ConnectorStoryIn) -> Status[ConnectorStoryOut]:
    story = programme_services.story_create(
        by=http.viewer(request), kind=payload.kind, body=payload.body
    )
    return Status(201, _story_out(story))


class StoryMarkIn(Schema):
    kind: Literal["helped", "experiment"]


@router.put(
    "/multipliers/stories/posts/{post_id}",
    response={200: ConnectorStoryOut, **ERRORS},
    summary="Mark a post as a Connectoren story",
)
def story_mark(request: HttpRequest, post_id: int, payload: StoryMarkIn) -> ConnectorStoryOut:
    """A company-wide post: its author (an approved Connector) or a coordinator; a post one
    cannot read is 404, one one may not mark 403. Marking twice keeps the first mark."""
    me = http.viewer(request)
    post = get_post_for(viewer=me, post_id=post_id)
    story = programme_services.story_tag(by=me, post=post, kind=payload.kind)
    return _story_out(story)


@router.delete(
    "/multipliers/stories/posts/{post_id}",
    response={204: None, **ERRORS},
    summary="Take the story mark off a post",
)
def story_unmark(request: HttpRequest, post_id: int) -> Status[None]:
    """The post's author or a coordinator; the post stays. No mark: 404."""
    me = http.viewer(request)
    post = get_post_for(viewer=me, post_id=post_id)
    if not programme_services.story_untag(by=me, post=post):
        raise Http404
    return Status(204, None)


@router.get(
    "/multipliers/places",
    response={200: OffsetPage[ConnectorPlaceOut], **ERRORS},
    summary="Connectoren per place",
)
def places(request: HttpRequest, page: Query[OffsetQuery]) -> dict[str, object]:
    """Every place of the bank with its number of Connectoren (the map's table)."""
    rows = programme.coverage_map(viewer=http.viewer(request)).rows
    return offset_page(rows, page, _place_out)


def _step_out(step: programme.Step) -> OnboardingStepOut:
    item = step.item
    return OnboardingStepOut(
        id=item.pk,
        title=item.title,
        description=item.description,
        link=item.link,
        position=item.position,
        done=step.done,
    )


def _story_out(story: ConnectorStory) -> ConnectorStoryOut:
    return ConnectorStoryOut(
        id=story.pk,
        kind=story.kind,
        post_id=story.post_id,
        author=_person(story.author),
        body=story.post.body,
        created_at=story.created_at,
    )


def _place_out(row: programme.MapRow) -> ConnectorPlaceOut:
    return ConnectorPlaceOut(
        location_id=row.location.pk,
        name=row.location.name,
        region=row.region,
        postal_code=row.location.postal_code,
        connectoren=row.count,
    )
