"""The confidentiality table: every circle item x every actor x every surface. What is said
in a circle (goal, relationship list, check-ins, chat) reaches nobody outside it: not the
other circles of the round, not the coordinator, not an administrator, not a colleague."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hanse.chat.services.messages import message_post
from hanse.circles.models import CircleMember
from hanse.circles.services import space as space_services
from hanse.people.models import User
from hanse.search.index import index_objects
from hanse.search.selectors import SearchQuery, search
from tests.circles.conftest import World

pytestmark = pytest.mark.django_db

ACTORS = ["owner", "circle_peer", "round_peer", "coordinator", "admin", "colleague", "anonymous"]
GOAL = "Zielmarkerxy"
RELATION = "Beziehungsmarkerxy"
CHECKIN = "Checkinmarkerxy"
CHAT = "Chatmarkerxy"
PRIVATE = (GOAL, RELATION, CHECKIN)


def _fill(world: World, committed: Any) -> None:
    owner = world.members[0]
    circle = world.circle
    space_services.goal_set(
        circle=circle, user=owner, goal=GOAL, shared=False, show_on_profile=False
    )
    space_services.relationship_add(circle=circle, user=owner, name=RELATION, notes=RELATION)
    space_services.checkin_save(
        circle=circle, user=owner, week=1, attended=True, did=CHECKIN, will_try=CHECKIN
    )
    with committed():
        message, _new = message_post(channel=circle.channel, author=owner, body=CHAT)
    index_objects("message", [message.pk])
    index_objects("event", [circle.event_id])


def _actor(
    name: str, world: World, admin_user: User, make_user: Callable[..., User]
) -> User | None:
    return {
        "owner": world.members[0],
        "circle_peer": world.members[1],
        "round_peer": world.other_members[0],
        "coordinator": world.coordinator,
        "admin": admin_user,
        "colleague": make_user("kollege"),
        "anonymous": None,
    }[name]


def _get(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
def test_circle_surfaces(
    actor: str,
    world: World,
    admin_user: User,
    make_user: Callable[..., User],
    client_for: Callable[[User | None], Client],
    committed: Any,
) -> None:
    """Space, progress, meeting, chat and API per actor: members enter, everyone else gets
    the 404 of a circle that does not exist; private items reach only their owner."""
    _fill(world, committed)
    person = _actor(actor, world, admin_user, make_user)
    client = client_for(person)
    circle = world.circle
    member = actor in ("owner", "circle_peer")
    surfaces = {
        "space": reverse("circles:space", args=[circle.pk]),
        "progress": reverse("circles:progress", args=[circle.pk]),
        "meeting": reverse("events:detail", args=[circle.event_id]),
        "chat": reverse("chat:channel", args=[circle.channel_id]),
        "api_circle": f"/api/v1/circles/mine/{circle.pk}",
        "api_checkins": f"/api/v1/circles/mine/{circle.pk}/checkins",
    }
    for surface, url in surfaces.items():
        status, body = _get(client, url)
        if actor == "anonymous":
            assert status in (302, 401), surface
            continue
        assert status == (200 if member else 404), (surface, status)
        for marker in PRIVATE:
            assert (marker in body) == (actor == "owner" and surface in _SHOWS[marker]), (
                surface,
                marker,
            )
        assert (CHAT in body) == (member and surface == "chat"), surface


_SHOWS = {
    GOAL: {"space"},
    RELATION: {"space"},
    CHECKIN: {"space", "progress", "api_checkins"},
}


@pytest.mark.parametrize("actor", ACTORS)
def test_nothing_leaks_through_shared_surfaces(
    actor: str,
    world: World,
    admin_user: User,
    make_user: Callable[..., User],
    client_for: Callable[[User | None], Client],
    committed: Any,
) -> None:
    """Profiles, the directory, the start page, notifications, the coordination pages and
    the admin's lists never show a circle's content (nor its chat or meeting's name)."""
    _fill(world, committed)
    person = _actor(actor, world, admin_user, make_user)
    client = client_for(person)
    owner = world.members[0]
    urls = [
        reverse("people:profile", args=[owner.username]),
        reverse("people:directory"),
        reverse("home:index"),
        reverse("notifications:list"),
        reverse("circles:index"),
        reverse("circles:coordination"),
        reverse("circles:matching", args=[world.round.pk]),
        reverse("events:calendar"),
        "/admin/chat/channel/",
        "/admin/events/event/",
        "/admin/circles/circle/",
        "/admin/notifications/notification/",
        "/api/v1/circles/mine",
        "/api/v1/events",
    ]
    member = actor in ("owner", "circle_peer")
    for url in urls:
        status, body = _get(client, url)
        for marker in (*PRIVATE, CHAT):
            assert marker not in body, (url, marker)
        if not member and status == 200:
            assert f"WOL {world.circle.name}" not in body, url
            assert f"WOL circle {world.circle.name}" not in body, url


@pytest.mark.parametrize("actor", ACTORS)
def test_search_finds_no_circle_content(
    actor: str, world: World, admin_user: User, make_user: Callable[..., User], committed: Any
) -> None:
    """Goals, relationships and check-ins are never indexed; the chat and the meeting are
    found by the circle's members only."""
    _fill(world, committed)
    person = _actor(actor, world, admin_user, make_user)
    member = actor in ("owner", "circle_peer")
    for marker in PRIVATE:
        assert search(user=person, query=SearchQuery(text=marker)).total == 0
    assert search(user=person, query=SearchQuery(text=CHAT)).total == (1 if member else 0)
    meeting = search(user=person, query=SearchQuery(text=world.circle.name, types=("event",)))
    assert meeting.total == (1 if member else 0)


def test_shared_items_reach_the_circle_only(
    world: World, client_for: Callable[[User | None], Client], committed: Any
) -> None:
    """A goal or relationship the owner shares appears for the circle, not for the round."""
    owner, peer = world.members[0], world.members[1]
    space_services.goal_set(
        circle=world.circle, user=owner, goal=GOAL, shared=True, show_on_profile=True
    )
    space_services.relationship_add(
        circle=world.circle, user=owner, name=RELATION, notes="", shared=True
    )
    url = reverse("circles:space", args=[world.circle.pk])
    body = client_for(peer).get(url).content.decode()
    assert GOAL in body and RELATION in body
    assert client_for(world.other_members[0]).get(url).status_code == 404
    # The profile says that the owner takes part, never in which circle.
    profile = client_for(world.other_members[0]).get(
        reverse("people:profile", args=[owner.username])
    )
    text = profile.content.decode()
    assert "In a WOL circle" in text and world.circle.name not in text


def test_check_ins_are_the_members_own(world: World) -> None:
    """Another member of the circle cannot write or read someone else's check-in."""
    owner, peer = world.members[0], world.members[1]
    space_services.checkin_save(
        circle=world.circle, user=owner, week=1, attended=True, did=CHECKIN, will_try=""
    )
    member = CircleMember.objects.get(circle=world.circle, user=peer)
    assert not member.checkins.exists()


def test_nobody_invites_or_joins_into_a_circle_chat(world: World, admin_user, make_user):
    """The circle's chat keeps the circle's members: no invite, join or removal via the chat."""
    from hanse.chat import rules as chat_rules  # why: this test only
    from hanse.chat.models import ChannelMember
    from hanse.chat.services.members import channel_join, member_invite, member_remove
    from hanse.core.errors import PermissionRefused

    channel = world.circle.channel
    outsider = make_user("aussen")
    for member in world.members:
        assert not chat_rules.may_invite(member, channel)
        assert not chat_rules.may_manage_members(member, channel)
        with pytest.raises(PermissionRefused):
            member_invite(channel=channel, by=member, people=[outsider])
    assert not chat_rules.may_join(outsider, channel)
    assert not chat_rules.may_join(admin_user, channel)
    with pytest.raises(PermissionRefused):
        member_remove(channel=channel, by=world.members[0], user=world.members[1])
    with pytest.raises(Exception):  # noqa: B017 - refused or not found, never joined
        channel_join(channel=channel, user=outsider)
    assert not ChannelMember.objects.filter(channel=channel, user=outsider).exists()
    assert ChannelMember.objects.filter(channel=channel).count() == len(world.members)
