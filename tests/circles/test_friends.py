"""Friends forming a circle themselves (invitations confirmed or declined) and a circle's
online meeting link; with a permission table: every actor x every new surface."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hanse.circles.models import Circle, FriendCircle, FriendInvite
from hanse.circles.services import friends as friend_services
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.events.models import Event
from hanse.notifications.models import Notification
from hanse.people.models import User
from tests.circles.conftest import SLOT, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def friends(make_user: Callable[..., User]) -> list[User]:
    return [make_user(n, first_name=n.title()) for n in ("ina", "jan", "kai", "lea", "max")]


def _propose(friends: list[User], invitees: int = 3, **kw: Any) -> FriendCircle:
    kw.setdefault("name", "Hafenrunde")
    kw.setdefault("starts_on", timezone.localdate() + dt.timedelta(days=7))
    kw.setdefault("slot", SLOT)
    kw.setdefault("location", None)
    kw.setdefault("language", "de")
    return friend_services.friend_circle_propose(
        by=friends[0], invitees=friends[1 : 1 + invitees], **kw
    )


def test_propose_on_the_page_and_invitees_are_told(friends, client_for, committed):
    client = client_for(friends[0])
    assert client.get(reverse("circles:friends_new")).status_code == 200
    with committed():
        response = client.post(
            reverse("circles:friends_new"),
            {
                "name": "Hafenrunde",
                "colleagues": "jan, kai, @lea",
                "starts_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
                "slot": str(SLOT),
                "location": "",
                "language": "de",
            },
        )
    proposal = FriendCircle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("circles:friends_detail", args=[proposal.pk])
    assert sorted(i.user.username for i in proposal.invites.all()) == ["jan", "kai", "lea"]
    notes = Notification.objects.filter(type="circle_friend_invited")
    assert sorted(n.recipient.username for n in notes) == ["jan", "kai", "lea"]
    assert not Circle.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"invitees": 2}, "invitees"),
        ({"invitees": 4, "name": " "}, "name_missing"),
        ({"slot": 999}, "slot"),
        ({"starts_on": dt.date(2020, 1, 6)}, "past"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_proposals_refused_and_nothing_written(friends, change, code):
    with pytest.raises(ServiceError) as exc:
        _propose(friends, **change)
    assert exc.value.code == code
    assert not FriendCircle.objects.exists() and not FriendInvite.objects.exists()


def test_form_errors_in_german(friends, client_for):
    client = client_for(friends[0])
    response = client.post(
        reverse("circles:friends_new"),
        {
            "name": "Runde",
            "colleagues": "jan, unbekannt",
            "starts_on": "2020-01-01",
            "slot": str(SLOT),
            "language": "de",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert "unbekannt" in response.content.decode()
    response = client.post(
        reverse("circles:friends_new"),
        {
            "name": "Runde",
            "colleagues": "jan, kai",
            "starts_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "slot": str(SLOT),
            "language": "de",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert "Lade 3 oder 4" in response.content.decode()
    assert not FriendCircle.objects.exists()


def test_everyone_confirms_and_the_circle_exists(friends, client_for, committed):
    proposal = _propose(friends)
    for person in friends[1:4]:
        with committed():
            response = client_for(person).post(
                reverse("circles:friends_answer", args=[proposal.pk]), {"answer": "accept"}
            )
        assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == FriendCircle.Status.FORMED
    circle = proposal.circle
    assert circle is not None and circle.slot == SLOT and circle.online
    assert sorted(m.user.username for m in circle.members.all()) == ["ina", "jan", "kai", "lea"]
    assert circle.event is not None and circle.channel is not None
    matched = Notification.objects.filter(type="circle_matched")
    assert sorted(n.recipient.username for n in matched) == ["ina", "jan", "kai", "lea"]
    page = client_for(friends[1]).get(reverse("circles:friends_detail", args=[proposal.pk]))
    assert reverse("circles:space", args=[circle.pk]) in page.content.decode()


def test_declines_leave_too_few_and_the_proposal_lapses(friends, committed):
    proposal = _propose(friends)
    with committed():
        friend_services.friend_invite_answer(by=friends[1], proposal=proposal, accept=True)
        friend_services.friend_invite_answer(by=friends[2], proposal=proposal, accept=False)
        friend_services.friend_invite_answer(by=friends[3], proposal=proposal, accept=False)
    proposal.refresh_from_db()
    assert proposal.status == FriendCircle.Status.LAPSED and proposal.circle is None
    assert not Circle.objects.exists()
    lapsed = Notification.objects.filter(type="circle_friend_lapsed")
    assert sorted(n.recipient.username for n in lapsed) == ["ina", "jan"]


def test_one_decline_still_forms_a_circle_of_three(friends):
    proposal = _propose(friends)
    friend_services.friend_invite_answer(by=friends[1], proposal=proposal, accept=True)
    friend_services.friend_invite_answer(by=friends[2], proposal=proposal, accept=False)
    friend_services.friend_invite_answer(by=friends[3], proposal=proposal, accept=True)
    proposal.refresh_from_db()
    assert proposal.status == FriendCircle.Status.FORMED
    assert proposal.circle.members.count() == 3


def test_answer_once_and_only_when_invited(friends):
    proposal = _propose(friends)
    friend_services.friend_invite_answer(by=friends[1], proposal=proposal, accept=True)
    with pytest.raises(ServiceError) as exc:
        friend_services.friend_invite_answer(by=friends[1], proposal=proposal, accept=False)
    assert exc.value.code == "answered"
    with pytest.raises(PermissionRefused):
        friend_services.friend_invite_answer(by=friends[4], proposal=proposal, accept=True)
    assert FriendInvite.objects.get(user=friends[1]).answer == "accepted"


# --- the meeting link ------------------------------------------------------------------------


def test_member_sets_the_meeting_link_shown_in_space_and_event(world: World, client_for):
    member = world.members[1]
    client = client_for(member)
    url = "https://meet.example.org/wol-elbe"
    response = client.post(
        reverse("circles:meeting_link", args=[world.circle.pk]), {"meeting_url": url}
    )
    assert response.status_code == 302
    world.circle.refresh_from_db()
    assert world.circle.meeting_url == url
    assert Event.objects.get(pk=world.circle.event_id).online_url == url
    space = client.get(reverse("circles:space", args=[world.circle.pk])).content.decode()
    assert url in space
    event = client.get(reverse("events:detail", args=[world.circle.event_id])).content.decode()
    assert url in event


@pytest.mark.parametrize(
    "bad", ["http://meet.example.org/x", "javascript:alert(1)", "meet.example.org", "https://"]
)
def test_meeting_link_must_be_https(world: World, client_for, bad):
    client = client_for(world.members[0])
    response = client.post(
        reverse("circles:meeting_link", args=[world.circle.pk]),
        {"meeting_url": bad},
        HTTP_ACCEPT_LANGUAGE="de",
        follow=True,
    )
    assert response.status_code == 200
    assert "muss eine Webadresse sein, die mit https:// beginnt" in response.content.decode()
    world.circle.refresh_from_db()
    assert world.circle.meeting_url == ""
    assert Event.objects.get(pk=world.circle.event_id).online_url == ""


# --- the permission table of the new surfaces ---------------------------------------------------
# Actors: who proposed, an invitee, a colleague not invited, a coordinator, an administrator,
# anonymous; the circle's member, a member of another circle (for the meeting link).
# "<status>" or "ok" (done). Unknown and invisible answer the same 404.
FRIEND_TABLE: dict[str, dict[str, str]] = {
    "friends_detail": {
        "initiator": "200",
        "invitee": "200",
        "colleague": "404",
        "coordinator": "404",
        "admin": "404",
        "anonymous": "302",
    },
    "friends_answer": {
        "initiator": "302:refused",
        "invitee": "ok",
        "colleague": "404",
        "coordinator": "404",
        "admin": "404",
        "anonymous": "302",
    },
    "friends_new": {
        "initiator": "200",
        "invitee": "200",
        "colleague": "200",
        "coordinator": "200",
        "admin": "200",
        "anonymous": "302",
    },
}
MEETING_TABLE: dict[str, str] = {
    "member": "ok",
    "round_peer": "404",
    "coordinator": "404",
    "admin": "404",
    "colleague": "404",
    "anonymous": "302",
}


@pytest.mark.parametrize("actor", list(FRIEND_TABLE["friends_detail"]))
@pytest.mark.parametrize("surface", list(FRIEND_TABLE))
def test_friend_surfaces_table(
    surface, actor, friends, admin_user, coordinator, make_user, client_for: Callable[..., Client]
):
    proposal = _propose(friends)
    person = {
        "initiator": friends[0],
        "invitee": friends[1],
        "colleague": friends[4],
        "coordinator": coordinator,
        "admin": admin_user,
        "anonymous": None,
    }[actor]
    client = client_for(person)
    expected = FRIEND_TABLE[surface][actor]
    before = list(FriendInvite.objects.order_by("pk").values_list("answer", flat=True))
    if surface == "friends_answer":
        response = client.post(
            reverse("circles:friends_answer", args=[proposal.pk]), {"answer": "accept"}
        )
    elif surface == "friends_detail":
        response = client.get(reverse("circles:friends_detail", args=[proposal.pk]))
    else:
        response = client.get(reverse("circles:friends_new"))
    after = list(FriendInvite.objects.order_by("pk").values_list("answer", flat=True))
    if expected == "ok":
        assert response.status_code == 302 and after != before
        return
    status = int(expected.split(":")[0])
    assert response.status_code == status, (surface, actor, response.status_code)
    assert after == before
    if status == 404:
        assert "Hafenrunde" not in response.content.decode()
    if surface == "friends_detail" and status == 200:
        assert "Hafenrunde" in response.content.decode()


@pytest.mark.parametrize("actor", list(MEETING_TABLE))
def test_meeting_link_table(actor, world: World, admin_user, make_user, client_for):
    person = {
        "member": world.members[2],
        "round_peer": world.other_members[0],
        "coordinator": world.coordinator,
        "admin": admin_user,
        "colleague": make_user("kollege"),
        "anonymous": None,
    }[actor]
    response = client_for(person).post(
        reverse("circles:meeting_link", args=[world.circle.pk]),
        {"meeting_url": "https://meet.example.org/x"},
    )
    world.circle.refresh_from_db()
    expected = MEETING_TABLE[actor]
    if expected == "ok":
        assert response.status_code == 302
        assert world.circle.meeting_url == "https://meet.example.org/x"
        return
    assert response.status_code == int(expected)
    assert world.circle.meeting_url == ""
    if actor == "anonymous":
        assert "/login/" in response["Location"]
    with pytest.raises(PermissionRefused):
        friend_services.circle_meeting_link_set(
            by=person or make_user("niemand"), circle=world.circle, url="https://x.example.org"
        )
