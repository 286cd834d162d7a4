"""Rounds, sign-up, matching review and confirmation: what the people involved see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from hanse.chat.models import Channel, ChannelMember
from hanse.circles import tasks
from hanse.circles.models import Circle, CircleMember, CircleRound, SignUp, SignUpWish
from hanse.circles.services import rounds as round_services
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.events.models import Event
from hanse.notifications.models import Notification
from hanse.people.models import OrgUnit, User
from tests.circles.conftest import SLOT, World

pytestmark = pytest.mark.django_db


def test_only_coordinators_open_rounds(user: User) -> None:
    """A colleague cannot open a round; nothing is written."""
    today = timezone.localdate()
    with pytest.raises(PermissionRefused):
        round_services.round_create(
            by=user, name="X", signup_closes=today, starts_on=today + dt.timedelta(days=7)
        )
    assert not CircleRound.objects.exists()


def test_round_opening_is_announced(user: User, coordinator: User, committed: Any) -> None:
    """Every employee hears that sign-up is open."""
    today = timezone.localdate()
    with committed():
        round_services.round_create(
            by=coordinator, name="X", signup_closes=today, starts_on=today + dt.timedelta(days=7)
        )
    assert Notification.objects.filter(recipient=user, type="circle_round_opened").exists()


def test_round_dates_must_make_sense(coordinator: User) -> None:
    today = timezone.localdate()
    with pytest.raises(ServiceError, match="first week must start after"):
        round_services.round_create(by=coordinator, name="X", signup_closes=today, starts_on=today)


def test_sign_up_needs_a_slot(open_round: CircleRound, user: User) -> None:
    with pytest.raises(ServiceError, match="at least one weekly time"):
        round_services.signup_save(
            user=user, round_=open_round, slots=[], mode="online", location=None, language="de"
        )
    assert not SignUp.objects.exists()


def test_sign_up_on_site_needs_a_location(open_round: CircleRound, user: User) -> None:
    with pytest.raises(ServiceError, match="location"):
        round_services.signup_save(
            user=user, round_=open_round, slots=[SLOT], mode="on_site", location=None, language="de"
        )


def test_wish_and_exclusion_of_the_same_person_is_refused(
    open_round: CircleRound, user: User, make_user: Callable[..., User]
) -> None:
    other = make_user()
    with pytest.raises(ServiceError, match="both a wish and an exclusion"):
        round_services.signup_save(
            user=user,
            round_=open_round,
            slots=[SLOT],
            mode="online",
            location=None,
            language="de",
            with_people=[other],
            without_people=[other],
        )


def test_closed_round_refuses_sign_up(open_round: CircleRound, user: User) -> None:
    CircleRound.objects.filter(pk=open_round.pk).update(
        signup_closes=timezone.localdate() - dt.timedelta(days=1)
    )
    open_round.refresh_from_db()
    with pytest.raises(ServiceError, match="closed"):
        round_services.signup_save(
            user=user, round_=open_round, slots=[SLOT], mode="online", location=None, language="de"
        )


def test_confirm_creates_circles_with_meeting_and_chat(world: World) -> None:
    """Each circle gets members, a weekly meeting for 12 weeks and a private chat; members
    are told, with the circle's name."""
    circle = world.circle
    assert circle.members.count() == 4
    event = Event.objects.get(pk=circle.event_id)
    assert event.rrule == "FREQ=WEEKLY;COUNT=12"
    assert timezone.localtime(event.start).hour == 12
    assert timezone.localtime(event.start).isoweekday() == 2
    channel = Channel.objects.get(pk=circle.channel_id)
    assert channel.kind == Channel.Kind.PRIVATE
    assert set(ChannelMember.objects.filter(channel=channel).values_list("user_id", flat=True)) == {
        u.pk for u in world.members
    }
    for person in world.members:
        n = Notification.objects.get(recipient=person, type="circle_matched")
        assert n.data["circle_id"] == circle.pk
    world.round.refresh_from_db()
    assert world.round.status == CircleRound.Status.CONFIRMED
    # The goal given at sign-up is the member's goal in the circle.
    assert CircleMember.objects.get(circle=circle, user=world.members[0]).goal.startswith(
        "Zielmarker"
    )


def test_unplaced_people_are_told_honestly(
    coordinator: User,
    open_round: CircleRound,
    sign_up: Callable[..., SignUp],
    make_user: Callable[..., User],
    committed: Any,
) -> None:
    people = [make_user() for _ in range(5)]
    for p in people[:4]:
        sign_up(p)
    sign_up(people[4], slots=[508])  # Friday 8:00: nobody else
    proposal = round_services.round_match(by=coordinator, round_=open_round)
    assert len(proposal["unplaced"]) == 1
    with committed():
        round_services.round_confirm(by=coordinator, round_=open_round)
    assert Notification.objects.filter(recipient=people[4], type="circle_unplaced").exists()
    assert not Notification.objects.filter(recipient=people[4], type="circle_matched").exists()


def test_move_checks_hard_rules_without_naming_wishes(
    coordinator: User,
    open_round: CircleRound,
    sign_up: Callable[..., SignUp],
    make_user: Callable[..., User],
) -> None:
    """A move that would put someone with a person they ruled out is refused, with a
    message that does not say who ruled out whom; the proposal is unchanged."""
    people = [make_user() for _ in range(9)]
    for p in people[:8]:
        sign_up(p)
    sign_up(people[8], without_people=people[:4])
    proposal = round_services.round_match(by=coordinator, round_=open_round)
    first = SignUp.objects.get(user=people[0]).pk
    target = next(i for i, c in enumerate(proposal["circles"]) if first in c)
    loner = SignUp.objects.get(user=people[8]).pk
    assert loner not in proposal["circles"][target]
    with pytest.raises(ServiceError) as exc:
        round_services.proposal_move(by=coordinator, round_=open_round, signup_id=loner, to=target)
    assert exc.value.code == "hard_rule"
    for p in people[:8]:
        assert p.display_name not in str(exc.value.message)
    open_round.refresh_from_db()
    assert open_round.proposal == proposal


def test_moving_someone_updates_the_objective(
    coordinator: User,
    open_round: CircleRound,
    sign_up: Callable[..., SignUp],
    make_user: Callable[..., User],
) -> None:
    people = [make_user() for _ in range(8)]
    for p in people:
        sign_up(p)
    proposal = round_services.round_match(by=coordinator, round_=open_round)
    assert len(proposal["circles"]) == 2
    moving = proposal["circles"][0][0]
    round_services.proposal_move(by=coordinator, round_=open_round, signup_id=moving, to=None)
    open_round.refresh_from_db()
    assert open_round.proposal["objective"]["unplaced"] == 1
    # A circle of three breaks the size bound: confirming is refused, nothing is created.
    with pytest.raises(ServiceError, match="breaks a rule"):
        round_services.round_confirm(by=coordinator, round_=open_round)
    assert not Circle.objects.exists()


def test_wishes_are_stored_but_never_rendered(
    coordinator: User,
    client_for: Callable[..., object],
    open_round: CircleRound,
    sign_up: Callable[..., SignUp],
    make_user: Callable[..., User],
) -> None:
    """The review page names people, never their goals or wishes."""
    people = [make_user(last_name=f"Person{i}") for i in range(4)]
    for p in people:
        sign_up(p, goal="Geheimesziel", with_people=[people[0]] if p != people[0] else [])
    assert SignUpWish.objects.count() == 3
    round_services.round_match(by=coordinator, round_=open_round)
    page = client_for(coordinator).get(reverse("circles:matching", args=[open_round.pk]))  # type: ignore[attr-defined]
    body = page.content.decode()
    assert page.status_code == 200
    assert people[1].display_name in body
    assert "Geheimesziel" not in body
    assert "would like to be with" not in body


def test_matching_page_moves_and_confirms(
    coordinator: User,
    client_for: Callable[..., object],
    open_round: CircleRound,
    sign_up: Callable[..., SignUp],
    make_user: Callable[..., User],
    units: list[OrgUnit],
) -> None:
    people = [make_user(org_unit=units[i % 2]) for i in range(8)]
    for p in people:
        sign_up(p)
    client = client_for(coordinator)
    url = reverse("circles:matching", args=[open_round.pk])
    assert client.post(url, {"action": "match"}).status_code == 302  # type: ignore[attr-defined]
    open_round.refresh_from_db()
    assert open_round.proposal["objective"]["single_unit_circles"] == 0
    response = client.post(url, {"action": "confirm"})  # type: ignore[attr-defined]
    assert response.status_code == 302
    assert Circle.objects.filter(round=open_round).count() == 2


def test_coordination_is_404_for_colleagues(user: User, client_for: Callable[..., object]) -> None:
    client = client_for(user)
    assert client.get(reverse("circles:coordination")).status_code == 404  # type: ignore[attr-defined]


def test_german_sign_up_error(
    open_round: CircleRound, user: User, client_for: Callable[..., object], settings: object
) -> None:
    """Bad input answers a clear German message, never a 500."""
    client = client_for(user)
    response = client.post(  # type: ignore[attr-defined]
        reverse("circles:signup", args=[open_round.pk]),
        {"mode": "online", "language": "de"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert "Wähle mindestens eine wöchentliche Zeit" in response.content.decode()


def test_facilitator_of_the_day_is_told_once(world: World, committed: Any) -> None:
    """On meeting day the week's facilitator hears it, once however often the job runs;
    circles past their weeks are finished."""
    circle = world.circle
    meeting_day = circle.starts_on + dt.timedelta(
        days=(circle.slot // 100 - 1 - circle.starts_on.weekday()) % 7 + 7
    )
    with mock.patch.object(tasks.timezone, "localdate", return_value=meeting_day), committed():
        tasks.circle_day.call()
        tasks.circle_day.call()
    week = (meeting_day - circle.starts_on).days // 7 + 1
    facilitator = world.members[(week - 1) % 4]
    found = Notification.objects.filter(type="circle_facilitator")
    assert [n.recipient_id for n in found] == [facilitator.pk]
    late = circle.starts_on + dt.timedelta(weeks=13)
    with mock.patch.object(tasks.timezone, "localdate", return_value=late):
        tasks.circle_day.call()
    circle.refresh_from_db()
    assert circle.status == Circle.Status.FINISHED
