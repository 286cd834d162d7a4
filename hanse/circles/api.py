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
from hanse.circles.models import CheckIn, Circle, CircleRound, Multiplier, SignUp
from hanse.circles.models.circles import SLOTS
from hanse.circles.services import multipliers as multiplier_services
from hanse.circles.services import rounds as round_services
from hanse.circles.services import space as space_services
from hanse.core import http
from hanse.people.models import Location, User

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
    return PersonRef(username=u.username, display_name=u.display_name)


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
