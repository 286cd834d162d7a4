"""Live hard-rule checks while a coordinator moves people between proposed circles: the
partial names the rule a move would break (never whose wish), before anything changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from hanse.circles import matching
from hanse.circles.models import CircleRound, SignUp
from hanse.circles.services import rounds as round_services
from hanse.people.models import User

pytestmark = pytest.mark.django_db


def _check(client, round_: CircleRound, signup: int, to: str, **headers):
    url = reverse("circles:move_check", args=[round_.pk])
    return client.get(url, {"signup": signup, "to": to}, **headers)


def test_hard_rule_breaks_names_each_rule() -> None:
    people = [
        matching.Person(id=1, slots=0b01, venues=1, languages=1),
        matching.Person(id=2, slots=0b10, venues=2, languages=2, excludes=frozenset({1})),
    ]
    assert matching.hard_rule_breaks(people, [1, 2], min_size=3, max_size=4) == [
        "too_small",
        "no_time",
        "no_place",
        "no_language",
        "ruled_out",
    ]
    assert matching.hard_rule_breaks(people, [1], min_size=1, max_size=4) == []


def test_move_check_names_the_rule_without_the_wish(
    coordinator: User,
    open_round: CircleRound,
    sign_up: Callable[..., SignUp],
    make_user: Callable[..., User],
    client_for,
    django_assert_max_num_queries,
) -> None:
    people = [make_user(last_name=f"Person{i}") for i in range(9)]
    for p in people[:8]:
        sign_up(p)
    sign_up(people[8], without_people=people[:4])
    proposal = round_services.round_match(by=coordinator, round_=open_round)
    first = SignUp.objects.get(user=people[0]).pk
    target = next(i for i, c in enumerate(proposal["circles"]) if first in c)
    loner = SignUp.objects.get(user=people[8]).pk
    client = client_for(coordinator)
    with django_assert_max_num_queries(20):
        response = _check(client, open_round, loner, str(target), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Circle {target + 1} would break a hard rule" in body
    assert "a sign-up rules out someone in it" in body
    assert "more than 5 people" in body or len(proposal["circles"][target]) < 5
    for p in people:
        assert p.display_name not in body
    open_round.refresh_from_db()
    assert open_round.proposal == proposal  # a check changes nothing

    # Moving someone out of a circle of four leaves it too small: said for the source.
    fours = [i for i, c in enumerate(proposal["circles"]) if len(c) == 4]
    assert fours
    leaving = proposal["circles"][fours[0]][0]
    body = _check(client, open_round, leaving, "unplaced").content.decode()
    assert f"Circle {fours[0] + 1} would be left with: fewer than 4 people" in body

    german = _check(client, open_round, loner, str(target), HTTP_ACCEPT_LANGUAGE="de")
    assert "harte Regel" in german.content.decode()


def test_a_fitting_move_is_said_to_keep_the_rules(
    coordinator: User,
    open_round: CircleRound,
    sign_up: Callable[..., SignUp],
    make_user: Callable[..., User],
    client_for,
) -> None:
    people = [make_user() for _ in range(9)]
    for p in people:
        sign_up(p)
    proposal = round_services.round_match(by=coordinator, round_=open_round)
    sizes = sorted(len(c) for c in proposal["circles"])
    assert sizes == [4, 5]
    five = next(c for c in proposal["circles"] if len(c) == 5)
    four = next(i for i, c in enumerate(proposal["circles"]) if len(c) == 4)
    body = _check(client_for(coordinator), open_round, five[0], str(four)).content.decode()
    assert "This move keeps every hard rule." in body


@pytest.mark.parametrize("actor", ["colleague", "member_of_round", "anonymous"])
def test_move_check_is_for_coordinators_only(
    actor, coordinator, open_round, sign_up, make_user, client_for
) -> None:
    people = [make_user() for _ in range(4)]
    for p in people:
        sign_up(p)
    round_services.round_match(by=coordinator, round_=open_round)
    signup = SignUp.objects.first().pk
    person = {"colleague": make_user(), "member_of_round": people[0], "anonymous": None}[actor]
    response = _check(client_for(person), open_round, signup, "0")
    assert response.status_code == (302 if person is None else 404)


@pytest.mark.parametrize(("signup", "to"), [("x", "0"), ("1", "abc"), ("999999", "0"), ("1", "77")])
def test_move_check_bad_input_is_404(
    signup, to, coordinator, open_round, sign_up, make_user, client_for
) -> None:
    for p in [make_user() for _ in range(4)]:
        sign_up(p)
    round_services.round_match(by=coordinator, round_=open_round)
    url = reverse("circles:move_check", args=[open_round.pk])
    assert client_for(coordinator).get(url, {"signup": signup, "to": to}).status_code == 404
