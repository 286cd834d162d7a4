"""Fixtures of the circle tests: a coordinator, a round with sign-ups, a confirmed circle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from hanse.circles.models import Circle, CircleRound, SignUp
from hanse.circles.services import rounds as round_services
from hanse.people.models import OrgUnit, User

SLOT = 212  # Tuesday 12:00


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    person = make_user("kora", first_name="Kora", last_name="Koordinatorin")
    person.user_permissions.add(Permission.objects.get(codename="coordinate_circles"))
    return User.objects.get(pk=person.pk)  # a fresh object: permissions are cached


@pytest.fixture
def units(db: None) -> list[OrgUnit]:
    from hanse.people.services import orgunit_create

    bank = orgunit_create(name="Bank", kind=OrgUnit.Kind.ORGANISATION)
    return [
        orgunit_create(name=f"Abteilung {i}", kind=OrgUnit.Kind.DEPARTMENT, parent=bank)
        for i in range(4)
    ]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what a service queues after commit (notifications), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def open_round(coordinator: User, committed: Any) -> CircleRound:
    today = timezone.localdate()
    with committed():
        return round_services.round_create(
            by=coordinator,
            name="Frühjahr",
            signup_closes=today + dt.timedelta(days=7),
            starts_on=today + dt.timedelta(days=14),
        )


@pytest.fixture
def sign_up(open_round: CircleRound) -> Callable[..., SignUp]:
    def make(user: User, slots: list[int] | None = None, **kw: Any) -> SignUp:
        kw.setdefault("mode", "online")
        kw.setdefault("location", None)
        kw.setdefault("language", "de")
        return round_services.signup_save(user=user, round_=open_round, slots=slots or [SLOT], **kw)

    return make


@dataclass
class World:
    round: CircleRound
    circle: Circle
    members: list[User]
    other_circle: Circle
    other_members: list[User]
    coordinator: User


@pytest.fixture
def world(
    coordinator: User,
    open_round: CircleRound,
    sign_up: Callable[..., SignUp],
    make_user: Callable[..., User],
    units: list[OrgUnit],
    committed: Any,
) -> World:
    """Two confirmed circles of four from eight sign-ups (two slots, so two circles)."""
    people = [make_user(f"m{i}", org_unit=units[i % 4]) for i in range(8)]
    for i, person in enumerate(people):
        sign_up(person, slots=[SLOT] if i < 4 else [316], goal=f"Zielmarker{i}")
    round_services.round_match(by=coordinator, round_=open_round)
    with committed():
        circles = round_services.round_confirm(by=coordinator, round_=open_round)
    assert len(circles) == 2
    first = circles[0]
    members = [m.user for m in first.members.order_by("position")]
    second = circles[1]
    return World(
        round=open_round,
        circle=first,
        members=members,
        other_circle=second,
        other_members=[m.user for m in second.members.order_by("position")],
        coordinator=coordinator,
    )
