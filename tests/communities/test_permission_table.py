"""The permission table: every surface that shows or changes community data, for every actor
and every kind of community, against an explicit expected outcome. A leak is the worst bug."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hanse.communities import services
from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.events.services.events import event_create
from hanse.participation.models import Poll, PollVoter
from hanse.participation.services import poll_create
from hanse.people.models import User
from hanse.posts.services.comments import comment_create
from hanse.posts.services.posts import post_create
from hanse.search.index import index_objects
from hanse.search.selectors import SearchQuery, match_authors, search, suggest
from tests.conftest import PASSWORD

ACTORS = ["anonymous", "outsider", "member", "moderator", "owner", "admin"]
KINDS = ["open", "private", "secret"]

DESCRIPTION = "Beschreibungsmarker{kind}"
MEMBER_LAST_NAME = "Mitgliedmarker{kind}"
REQUEST_MESSAGE = "Anfragemarker{kind}"
POLL_QUESTION = "Umfragemarker{kind}"


@dataclass
class World:
    kind: str
    community: Community
    people: dict[str, User | None]
    other: User  # a second plain member, the target of removal and role changes
    requester: User
    join_request: JoinRequest
    newcomer: User  # someone to invite

    @property
    def name(self) -> str:
        return self.community.name


def _person(username: str, **fields: Any) -> User:
    fields.setdefault("email", f"{username}@example.org")
    fields.setdefault("first_name", username.split("_")[0].capitalize())
    fields.setdefault("last_name", "Tester")
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


def _build(kind: str, admin: User) -> World:
    """One community of `kind` with a person in every role, a join request and a newcomer."""
    owner = _person(f"owner_{kind}")
    moderator = _person(f"moderator_{kind}")
    member = _person(
        f"member_{kind}", first_name="Mia", last_name=MEMBER_LAST_NAME.format(kind=kind)
    )
    other = _person(f"other_{kind}", first_name="Otto", last_name="Anders")
    community = services.community_create(
        by=owner, name=f"Zetaclub {kind.title()}", kind=kind, description="Test"
    )
    services.membership_add(community=community, user=moderator, role=Membership.Role.MODERATOR)
    for person in (member, other):
        services.membership_add(community=community, user=person, role=Membership.Role.MEMBER)
    Community.objects.filter(pk=community.pk).update(description=DESCRIPTION.format(kind=kind))
    community.refresh_from_db()
    requester = _person(f"requester_{kind}")
    # Requests exist for private communities; the community may have changed its kind
    # since, so one is created in every kind directly.
    join_request = JoinRequest.objects.create(
        community=community, user=requester, message=REQUEST_MESSAGE.format(kind=kind)
    )
    return World(
        kind=kind,
        community=community,
        people={
            "anonymous": None,
            "outsider": _person(f"outsider_{kind}"),
            "member": member,
            "moderator": moderator,
            "owner": owner,
            "admin": admin,
        },
        other=other,
        requester=requester,
        join_request=join_request,
        newcomer=_person(f"newcomer_{kind}"),
    )


@pytest.fixture(scope="module")
def worlds(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, World]]:
    """The three worlds, built once for the whole table (about 500 cases) rather than per
    case. They live in a transaction that stays open while the module runs: each case runs
    in a savepoint inside it (pytest-django's own per-test atomic block), so whatever a case
    writes is rolled back before the next one, and the worlds go when the module ends."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            admin = _person("admin_x", is_staff=True, is_superuser=True)
            yield {kind: _build(kind, admin) for kind in KINDS}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world_for(worlds: dict[str, World], db: None) -> Callable[[str], World]:
    """The world of a kind, read afresh: a case must not see objects another case changed
    in memory (cached permissions, counters) though the database rolled back."""

    def fresh(kind: str) -> World:
        built = worlds[kind]
        users = {u.pk: u for u in User.objects.filter(pk__in=_user_ids(built))}
        return World(
            kind=kind,
            community=Community.objects.get(pk=built.community.pk),
            people={
                actor: None if person is None else users[person.pk]
                for actor, person in built.people.items()
            },
            other=users[built.other.pk],
            requester=users[built.requester.pk],
            join_request=JoinRequest.objects.get(pk=built.join_request.pk),
            newcomer=users[built.newcomer.pk],
        )

    return fresh


def _user_ids(world: World) -> list[int]:
    people = [p for p in world.people.values() if p is not None]
    return [p.pk for p in (*people, world.other, world.requester, world.newcomer)]


def snapshot() -> Any:
    """Everything a community write could change."""
    return (
        list(Community.objects.order_by("pk").values_list("pk", "name", "kind", "member_count")),
        list(Membership.objects.order_by("pk").values_list("community", "user", "role")),
        list(JoinRequest.objects.order_by("pk").values_list("pk", "status")),
        list(Invitation.objects.order_by("pk").values_list("pk", "status")),
        list(PollVoter.objects.order_by("pk").values_list("poll", "user")),
        list(Poll.objects.order_by("pk").values_list("pk", "closes_at")),
    )


def world_poll(world: World) -> Poll:
    """The owner's poll in the world's community, made on first use inside the case."""
    found = Poll.objects.filter(post__community=world.community).first()
    if found is not None:
        return found
    owner = world.people["owner"]
    assert owner is not None
    return poll_create(
        author=owner,
        question=POLL_QUESTION.format(kind=world.kind),
        options=["Ja", "Nein"],
        community=world.community,
    )


# --- reads ---------------------------------------------------------------------------------
# Outcome: "<status>" or "<status>:<flags>", flags = what appears in the response:
# n = the community's name, m = a member's name, d = the description, r = a join request.
# Per surface, per actor: outcomes for (open, private, secret).
READS: dict[str, dict[str, tuple[str, str, str]]] = {
    "directory": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("200:n", "200:n", "200"),
        "member": ("200:n", "200:n", "200:n"),
        "moderator": ("200:n", "200:n", "200:n"),
        "owner": ("200:n", "200:n", "200:n"),
        "admin": ("200:n", "200:n", "200:n"),
    },
    # The administrators' tab of communities that need an owner (their only owner was erased):
    # these all have one, so an administrator sees none; anyone else asking for the tab gets
    # the ordinary directory.
    "directory_ownerless": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("200:n", "200:n", "200"),
        "member": ("200:n", "200:n", "200:n"),
        "moderator": ("200:n", "200:n", "200:n"),
        "owner": ("200:n", "200:n", "200:n"),
        "admin": ("200", "200", "200"),
    },
    "detail": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("200:nmd", "200:nd", "404"),
        "member": ("200:nmd", "200:nmd", "200:nmd"),
        "moderator": ("200:nmd", "200:nmd", "200:nmd"),
        "owner": ("200:nmd", "200:nmd", "200:nmd"),
        "admin": ("200:nmd", "200:nmd", "200:nmd"),
    },
    "about": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("200:nd", "200:nd", "404"),
        "member": ("200:nd", "200:nd", "200:nd"),
        "moderator": ("200:nd", "200:nd", "200:nd"),
        "owner": ("200:nd", "200:nd", "200:nd"),
        "admin": ("200:nd", "200:nd", "200:nd"),
    },
    "members": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("200:nm", "403:n", "404"),
        "member": ("200:nm", "200:nm", "200:nm"),
        "moderator": ("200:nm", "200:nm", "200:nm"),
        "owner": ("200:nm", "200:nm", "200:nm"),
        "admin": ("200:nm", "200:nm", "200:nm"),
    },
    "requests": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("403:n", "403:n", "404"),
        "member": ("403:n", "403:n", "403:n"),
        "moderator": ("200:nr", "200:nr", "200:nr"),
        "owner": ("200:nr", "200:nr", "200:nr"),
        "admin": ("200:nr", "200:nr", "200:nr"),
    },
    "invite": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("403:n", "403:n", "404"),
        "member": ("200:n", "403:n", "403:n"),
        "moderator": ("200:n", "200:n", "200:n"),
        "owner": ("200:n", "200:n", "200:n"),
        "admin": ("200:n", "200:n", "200:n"),
    },
    "settings": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("403:n", "403:n", "404"),
        "member": ("403:n", "403:n", "403:n"),
        "moderator": ("403:n", "403:n", "403:n"),
        "owner": ("200:nd", "200:nd", "200:nd"),
        "admin": ("200:nd", "200:nd", "200:nd"),
    },
    # The start page: one's communities at the side and in the composer; the first-day
    # checklist suggests open communities one is not in (never a secret one).
    "home": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("200:n", "200", "200"),
        "member": ("200:n", "200:n", "200:n"),
        "moderator": ("200:n", "200:n", "200:n"),
        "owner": ("200:n", "200:n", "200:n"),
        "admin": ("200:n", "200", "200"),
    },
    # The first-day checklist's own page: suggestions only, so members see no name.
    "first_day": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("200:n", "200", "200"),
        "member": ("200", "200", "200"),
        "moderator": ("200", "200", "200"),
        "owner": ("200", "200", "200"),
        "admin": ("200:n", "200", "200"),
    },
    "api_list": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("200:nd", "200:nd", "200"),
        "member": ("200:nd", "200:nd", "200:nd"),
        "moderator": ("200:nd", "200:nd", "200:nd"),
        "owner": ("200:nd", "200:nd", "200:nd"),
        "admin": ("200:nd", "200:nd", "200:nd"),
    },
    "api_get": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("200:nd", "200:nd", "404"),
        "member": ("200:nd", "200:nd", "200:nd"),
        "moderator": ("200:nd", "200:nd", "200:nd"),
        "owner": ("200:nd", "200:nd", "200:nd"),
        "admin": ("200:nd", "200:nd", "200:nd"),
    },
    "api_members": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("200:m", "403", "404"),
        "member": ("200:m", "200:m", "200:m"),
        "moderator": ("200:m", "200:m", "200:m"),
        "owner": ("200:m", "200:m", "200:m"),
        "admin": ("200:m", "200:m", "200:m"),
    },
    "api_requests": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "403", "404"),
        "member": ("403", "403", "403"),
        "moderator": ("200:r", "200:r", "200:r"),
        "owner": ("200:r", "200:r", "200:r"),
        "admin": ("200:r", "200:r", "200:r"),
    },
    # A poll in the community (participation): readable exactly where its post is.
    "api_poll": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("200:p", "404", "404"),
        "member": ("200:p", "200:p", "200:p"),
        "moderator": ("200:p", "200:p", "200:p"),
        "owner": ("200:p", "200:p", "200:p"),
        "admin": ("200:p", "200:p", "200:p"),
    },
}


def read_url(surface: str, world: World) -> str:
    slug = world.community.slug
    pages = {
        "directory": reverse("communities:directory"),
        "directory_ownerless": reverse("communities:directory") + "?scope=ownerless",
        "detail": reverse("communities:detail", args=[slug]),
        "about": reverse("communities:about", args=[slug]),
        "members": reverse("communities:members", args=[slug]),
        "requests": reverse("communities:requests", args=[slug]),
        "invite": reverse("communities:invite", args=[slug]),
        "settings": reverse("communities:settings", args=[slug]),
        "home": reverse("home:index"),
        "first_day": reverse("onboarding:first_day"),
        "api_list": "/api/v1/communities",
        "api_get": f"/api/v1/communities/{slug}",
        "api_members": f"/api/v1/communities/{slug}/members",
        "api_requests": f"/api/v1/communities/{slug}/requests",
    }
    if surface == "api_poll":
        return f"/api/v1/polls/{world_poll(world).pk}"
    return pages[surface]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("surface", list(READS))
def test_read(surface, actor, kind, world_for, client_for):
    """What each actor sees of each kind of community on each surface."""
    world = world_for(kind)
    expected = READS[surface][actor][KINDS.index(kind)]
    status, _, flags = expected.partition(":")
    response = client_for(world.people[actor]).get(read_url(surface, world))
    if status == "401" and response.status_code == 302:
        # See test_api_anonymous_is_401: the redirect to the login page shows nothing either.
        status = "302"
    assert response.status_code == int(status), expected
    if status == "302":
        assert response["Location"].startswith("/accounts/login/")
    body = response.content.decode()
    markers = {
        "n": world.name,
        "m": MEMBER_LAST_NAME.format(kind=kind),
        "d": DESCRIPTION.format(kind=kind),
        "r": REQUEST_MESSAGE.format(kind=kind),
        "p": POLL_QUESTION.format(kind=kind),
    }
    for flag, marker in markers.items():
        assert (marker in body) == (flag in flags), f"{flag} {marker!r} for {expected}"
    if kind == "secret" and actor in ("anonymous", "outsider"):
        assert world.community.slug not in body


# --- writes --------------------------------------------------------------------------------
# "ok" = allowed and done; otherwise the API status of the refusal (401 anonymous,
# 404 the community does not exist for the actor, 403 not allowed, 400 not possible now).
WRITES: dict[str, dict[str, tuple[str, str, str]]] = {
    "join": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("ok", "403", "404"),
        "member": ("400", "400", "400"),
        "moderator": ("400", "400", "400"),
        "owner": ("400", "400", "400"),
        # Platform admins moderate everything, so they may also step in directly.
        "admin": ("ok", "ok", "ok"),
    },
    "request": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("400", "ok", "404"),
        "member": ("400", "400", "400"),
        "moderator": ("400", "400", "400"),
        "owner": ("400", "400", "400"),
        "admin": ("400", "ok", "403"),
    },
    "approve": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "403", "404"),
        "member": ("403", "403", "403"),
        "moderator": ("ok", "ok", "ok"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    "invite": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "403", "404"),
        "member": ("ok", "403", "403"),
        "moderator": ("ok", "ok", "ok"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    "remove": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "403", "404"),
        "member": ("403", "403", "403"),
        "moderator": ("ok", "ok", "ok"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    "change_role": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "403", "404"),
        "member": ("403", "403", "403"),
        "moderator": ("403", "403", "403"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    "edit": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "403", "404"),
        "member": ("403", "403", "403"),
        "moderator": ("403", "403", "403"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    "delete": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "403", "404"),
        "member": ("403", "403", "403"),
        "moderator": ("403", "403", "403"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    # Polls (participation): whoever reads the post may vote; its author (here the owner),
    # the community's moderators and administrators may close it.
    "poll_vote": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("ok", "404", "404"),
        "member": ("ok", "ok", "ok"),
        "moderator": ("ok", "ok", "ok"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    "poll_close": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "404", "404"),
        "member": ("403", "403", "403"),
        "moderator": ("ok", "ok", "ok"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
}


def did_happen(write: str, world: World, actor: User | None) -> bool:
    community = world.community
    if write == "delete":
        return not Community.objects.filter(pk=community.pk).exists()
    if write == "join":
        return Membership.objects.filter(community=community, user=actor).exists()
    if write == "request":
        return JoinRequest.objects.filter(community=community, user=actor).exists()
    if write == "approve":
        return Membership.objects.filter(community=community, user=world.requester).exists()
    if write == "invite":
        return Invitation.objects.filter(community=community, invitee=world.newcomer).exists()
    if write == "remove":
        return not Membership.objects.filter(community=community, user=world.other).exists()
    if write == "change_role":
        return Membership.objects.filter(
            community=community, user=world.other, role="moderator"
        ).exists()
    if write == "edit":
        return Community.objects.filter(pk=community.pk, name="Umbenannt").exists()
    if write == "poll_vote":
        return PollVoter.objects.filter(poll=world_poll(world), user=actor).exists()
    if write == "poll_close":
        return world_poll(world).is_closed()
    raise AssertionError(write)


def api_call(client: Any, write: str, world: World) -> Any:
    if write.startswith("poll_"):
        poll = world_poll(world)
        option = poll.options.first()
        assert option is not None
        data = {"options": [option.pk]} if write == "poll_vote" else {}
        path = "vote" if write == "poll_vote" else "close"
        return client.post(
            f"/api/v1/polls/{poll.pk}/{path}", json.dumps(data), content_type="application/json"
        )
    base = f"/api/v1/communities/{world.community.slug}"
    body: dict[str, Any] | None = None
    method, path = {
        "join": ("post", "/join"),
        "request": ("post", "/requests"),
        "approve": ("post", f"/requests/{world.join_request.pk}/approve"),
        "invite": ("post", "/invitations"),
        "remove": ("delete", f"/members/{world.other.username}"),
        "change_role": ("put", f"/members/{world.other.username}/role"),
        "edit": ("patch", ""),
        "delete": ("delete", ""),
    }[write]
    body = {
        "request": {"message": "Hallo"},
        "invite": {"invitee": world.newcomer.username},
        "change_role": {"role": "moderator"},
        "edit": {"name": "Umbenannt"},
    }.get(write)
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(base + path, **kwargs)


def page_call(client: Any, write: str, world: World) -> Any:
    if write.startswith("poll_"):
        poll = world_poll(world)
        option = poll.options.first()
        assert option is not None
        name = "participation:vote" if write == "poll_vote" else "participation:close"
        return client.post(reverse(name, args=[poll.pk]), {"option": option.pk})
    slug = world.community.slug
    url, data = {
        "join": (reverse("communities:join", args=[slug]), {}),
        "request": (reverse("communities:request_join", args=[slug]), {"message": "Hallo"}),
        "approve": (
            reverse("communities:request_approve", args=[slug, world.join_request.pk]),
            {},
        ),
        "invite": (reverse("communities:invite", args=[slug]), {"person": world.newcomer.email}),
        "remove": (reverse("communities:member_remove", args=[slug, world.other.username]), {}),
        "change_role": (
            reverse("communities:member_role", args=[slug, world.other.username]),
            {"role": "moderator"},
        ),
        "edit": (
            reverse("communities:settings", args=[slug]),
            {"name": "Umbenannt", "kind": world.kind, "tagline": "", "description": "x"},
        ),
        "delete": (reverse("communities:delete", args=[slug]), {}),
    }[write]
    return client.post(url, data)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("write", list(WRITES))
def test_write_api(write, actor, kind, world_for, client_for):
    """Each write through the API: allowed or refused with the expected status, DB unchanged."""
    world = world_for(kind)
    person = world.people[actor]
    expected = WRITES[write][actor][KINDS.index(kind)]
    if write.startswith("poll_"):
        world_poll(world)
    before = snapshot()
    response = api_call(client_for(person), write, world)
    if expected == "ok":
        assert response.status_code in (200, 201, 204), response.content
        assert did_happen(write, world, person)
    else:
        if expected == "401" and response.status_code == 302:
            expected = "302"  # see test_api_anonymous_is_401
        assert response.status_code == int(expected), response.content
        assert snapshot() == before
        if expected == "404":
            assert world.name not in response.content.decode()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("write", list(WRITES))
def test_write_page(write, actor, kind, world_for, client_for):
    """Each write through the pages: done, or refused with the database unchanged."""
    world = world_for(kind)
    person = world.people[actor]
    expected = WRITES[write][actor][KINDS.index(kind)]
    if write.startswith("poll_"):
        world_poll(world)
    before = snapshot()
    response = page_call(client_for(person), write, world)
    if expected == "ok":
        assert response.status_code == 302, response.content
        assert did_happen(write, world, person)
        return
    assert snapshot() == before
    if expected == "401":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif expected == "404":
        assert response.status_code == 404
        assert world.name not in response.content.decode()
    else:
        # Refusals come back as an error message after a redirect, or as a refusal page.
        assert response.status_code in (200, 302, 403)


# --- the rules and the querysets agree ----------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_rules_match_querysets(kind, world_for, make_user):
    """view_community / view_content equal visible_to / content_visible_to for everyone."""
    world = world_for(kind)
    people = [*world.people.values(), make_user(is_active=False)]
    for person in people:
        community = Community.objects.get(pk=world.community.pk)
        visible = Community.objects.visible_to(person).filter(pk=community.pk).exists()
        readable = Community.objects.content_visible_to(person).filter(pk=community.pk).exists()
        if person is None:
            assert not visible and not readable
            continue
        assert person.has_perm("communities.view_community", community) == visible
        assert person.has_perm("communities.view_content", community) == readable


def test_secret_invitee_sees_invitation_but_not_community(world_for, client_for):
    """An invited outsider sees the invitation, yet the community stays closed until accepted."""
    world = world_for("secret")
    outsider = world.people["outsider"]
    services.invitation_create(
        community=world.community, invitee=outsider, by=world.people["owner"]
    )
    client = client_for(outsider)
    directory = client.get(reverse("communities:directory")).content.decode()
    assert world.name in directory  # in "Your invitations"
    assert DESCRIPTION.format(kind="secret") not in directory
    assert client.get(reverse("communities:detail", args=[world.community.slug])).status_code == (
        404
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("post", ""), ("get", "/club"), ("post", "/club/join"), ("get", "/club/members")],
)
def test_api_anonymous_is_401(method, path, db):
    """Without a session or a token the API answers 401, not a redirect."""
    from django.test import Client

    response = getattr(Client(), method)("/api/v1/communities" + path)
    assert response.status_code == 401


# --- search (hanse/search/selectors.py) --------------------------------------------------
# What each actor finds of a community's content through search, its counts, suggestions
# and the expert finder's matches: "y" found (and counted), "-" nothing, not even a count.
# The content: a post, a comment and an event in the community, a hashtag used only there,
# and the community itself (found by its name).
SEARCH_MARKER = "Suchmarkerwort"
SEARCH: dict[str, dict[str, tuple[str, str, str]]] = {
    "content": {
        "anonymous": ("-", "-", "-"),
        "outsider": ("y", "-", "-"),
        "member": ("y", "y", "y"),
        "moderator": ("y", "y", "y"),
        "owner": ("y", "y", "y"),
        "admin": ("y", "y", "y"),
    },
    "community": {
        "anonymous": ("-", "-", "-"),
        "outsider": ("y", "y", "-"),
        "member": ("y", "y", "y"),
        "moderator": ("y", "y", "y"),
        "owner": ("y", "y", "y"),
        "admin": ("y", "y", "y"),
    },
}


def _search_world(world: World) -> None:
    """Content in the world's community, indexed as the task queue would after the commit."""
    owner = world.people["owner"]
    post = post_create(
        author=owner,
        body=f"{SEARCH_MARKER} im Beitrag #Zetatag{world.kind}",
        community=world.community,
        scope="community",
    )
    comment = comment_create(post=post, author=owner, body=f"{SEARCH_MARKER} im Kommentar")
    start = timezone.now() + timedelta(days=2)
    event = event_create(
        by=owner,
        title=f"{SEARCH_MARKER} Termin",
        description="",
        start=start,
        end=start + timedelta(hours=1),
        community=world.community,
    )
    index_objects("post", [post.pk])
    index_objects("comment", [comment.pk])
    index_objects("event", [event.pk])
    index_objects("hashtag", list(post.tags.values_list("pk", flat=True)))
    index_objects("community", [world.community.pk])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
def test_search(actor, kind, world_for):
    """Search results, counts, suggestions and author matches, per actor and kind."""
    world = world_for(kind)
    _search_world(world)
    person = world.people[actor]
    content = SEARCH["content"][actor][KINDS.index(kind)] == "y"
    listed = SEARCH["community"][actor][KINDS.index(kind)] == "y"

    results = search(user=person, query=SearchQuery(text=SEARCH_MARKER))
    assert {h.type for h in results.hits} == ({"post", "comment", "event"} if content else set())
    expected_counts = 1 if content else 0
    assert results.counts["post"] == results.counts["comment"] == expected_counts
    assert results.counts["event"] == expected_counts
    assert results.total == (3 if content else 0)
    # Filtering by the community's address finds nothing more than the person may read.
    scoped = search(
        user=person, query=SearchQuery(text=f"{SEARCH_MARKER} in:{world.community.slug}")
    )
    assert bool(scoped.hits) == content and scoped.total == (3 if content else 0)

    by_name = search(user=person, query=SearchQuery(text=world.name, types=("community",)))
    assert [h.object_id for h in by_name.hits] == ([world.community.pk] if listed else [])
    assert by_name.counts["community"] == (1 if listed else 0)

    typed = suggest(user=person, text=world.name[:7])
    assert [c.pk for c in typed.communities] == ([world.community.pk] if listed else [])
    tags = suggest(user=person, text=f"Zetatag{kind}")
    assert bool(tags.hashtags) == content
    hits = suggest(user=person, text=SEARCH_MARKER)
    assert bool(hits.hits) == content

    matches = match_authors(user=person, text=SEARCH_MARKER)
    owner_id = world.people["owner"].pk
    assert (owner_id in matches) == content
    if content:
        assert matches[owner_id].count == 2  # the post and the comment


# --- search pages, API, expert finder and files (hanse/search/views.py, api.py, files.py) ----
# The same table (SEARCH["content"]) through every surface a person reaches: the results page
# and its counts, the header box's suggestions, /api/v1/search/, "Wer weiß was?" (page and
# API) and a file on the community's post, found by the text inside it.
FILE_MARKER = "Dateimarkerwort"


def _file_in(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile  # why: this section only

    from hanse.search.files import extract_one

    post = post_create(
        author=world.people["owner"],
        body="Anbei die Unterlage",
        community=world.community,
        scope="community",
        files=[SimpleUploadedFile("unterlage.txt", f"{FILE_MARKER} im Text".encode())],
    )
    attachment = post.attachments.get()
    extract_one(attachment)
    index_objects("file", [attachment.search_text.pk])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
def test_search_pages(actor, kind, world_for, client_for):
    """Results page, suggestions, search API, expert finder and file hits, per actor and kind."""
    world = world_for(kind)
    _search_world(world)
    _file_in(world)
    person = world.people[actor]
    client = client_for(person)
    content = SEARCH["content"][actor][KINDS.index(kind)] == "y"
    owner = world.people["owner"]
    if person is None:
        for url in ("/search/?q=x", "/search/suggest/?q=xy", "/search/experts/?topic=x"):
            assert client.get(url).status_code == 302
        for url in ("/api/v1/search/?q=x", "/api/v1/experts/?topic=x"):
            assert client.get(url).status_code == 401
        return

    html = client.get(f"/search/?q={SEARCH_MARKER}").content.decode()
    assert (f"<mark>{SEARCH_MARKER}</mark> im Beitrag" in html) is content
    # A tab is shown with its count, or left out when nothing of its kind is found.
    assert ('Posts<span class="count">1</span>' in html) is content
    assert ('Events<span class="count">1</span>' in html) is content
    assert 'Posts<span class="count">0' not in html and 'Events<span class="count">0' not in html
    scoped = client.get(f"/search/?q={SEARCH_MARKER}&community={world.community.slug}")
    assert (f"<mark>{SEARCH_MARKER}</mark>" in scoped.content.decode()) is content

    files_html = client.get(f"/search/?q={FILE_MARKER}&type=file").content.decode()
    assert ("unterlage.txt" in files_html) is content
    assert f'Files<span class="count">{1 if content else 0}</span>' in files_html

    suggested = client.get(f"/search/suggest/?q={SEARCH_MARKER}").content.decode()
    assert ("im Beitrag" in suggested) is content
    assert (
        "unterlage.txt" in client.get(f"/search/suggest/?q={FILE_MARKER}").content.decode()
    ) is content

    body = client.get(f"/api/v1/search/?q={SEARCH_MARKER}").json()
    assert body["total"] == (3 if content else 0)
    assert body["counts"]["post"] == (1 if content else 0)
    assert len(body["items"]) == (3 if content else 0)

    if actor != "owner":  # the asker is never their own expert
        experts = client.get(f"/search/experts/?topic={SEARCH_MARKER}").content.decode()
        assert ("1 post about it" in experts) is content
        assert (owner.display_name in experts) is content
        found = client.get(f"/api/v1/experts/?topic={SEARCH_MARKER}").json()["items"]
        assert ([e["posts"] for e in found] == [1]) is content
        assert bool(found) is content


# --- community knowledge: wiki pages and the file library (hanse/wiki, hanse/files) --------
# Outcome "<status>" or "<status>:k", k = the page's or file's marker appears in the answer.
# A page and a file are written by the owner in each world; pages may be edited by members.
KNOWLEDGE_MARKER = "Wissensmarker"
KNOWLEDGE_READS: dict[str, dict[str, tuple[str, str, str]]] = {
    surface: {
        "anonymous": (anon, anon, anon),
        "outsider": (f"{ok}:k", private, "404"),
        "member": (f"{ok}:k",) * 3,
        "moderator": (f"{ok}:k",) * 3,
        "owner": (f"{ok}:k",) * 3,
        "admin": (f"{ok}:k",) * 3,
    }
    for surface, anon, ok, private in [
        ("wiki_index", "302", "200", "403"),
        ("wiki_page", "302", "200", "404"),
        ("wiki_history", "302", "200", "404"),
        ("wiki_revision", "302", "200", "404"),
        ("wiki_diff", "302", "200", "404"),
        ("wiki_api_list", "401", "200", "404"),
        ("wiki_api_page", "401", "200", "404"),
        ("wiki_api_revisions", "401", "200", "404"),
        ("library", "302", "200", "403"),
        ("file_detail", "302", "200", "404"),
        ("file_download", "302", "200", "404"),
        ("library_api_files", "401", "200", "404"),
        ("library_api_file", "401", "200", "404"),
        ("library_api_versions", "401", "200", "404"),
    ]
}


def _knowledge(world: World) -> tuple[Any, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile  # why: this section only

    from hanse.files.services import files_upload
    from hanse.wiki.services import page_create, page_update

    owner = world.people["owner"]
    page = page_create(
        by=owner, community=world.community, title=f"{KNOWLEDGE_MARKER} Seite", body="eins"
    )
    page_update(
        page=page, by=owner, title=page.title, body=f"{KNOWLEDGE_MARKER} zwei",
        base_revision_id=None,
    )  # fmt: skip
    (entry,) = files_upload(
        by=owner,
        community=world.community,
        files=[SimpleUploadedFile(f"{KNOWLEDGE_MARKER}.txt", f"{KNOWLEDGE_MARKER}".encode())],
    )
    return page, entry


def knowledge_url(surface: str, world: World, page: Any, entry: Any) -> str:
    slug = world.community.slug
    name = entry.name
    return {
        "wiki_index": reverse("wiki:community", args=[slug]),
        "wiki_page": reverse("wiki:page", args=[page.pk]),
        "wiki_history": reverse("wiki:history", args=[page.pk]),
        "wiki_revision": reverse("wiki:revision", args=[page.pk, 2]),
        "wiki_diff": reverse("wiki:diff", args=[page.pk]) + "?from=1&to=2",
        "wiki_api_list": f"/api/v1/wiki/pages?community={slug}",
        "wiki_api_page": f"/api/v1/wiki/pages/{page.pk}",
        "wiki_api_revisions": f"/api/v1/wiki/pages/{page.pk}/revisions",
        "library": reverse("files:library", args=[slug]),
        "file_detail": reverse("files:detail", args=[entry.pk]),
        "file_download": reverse("files:download", args=[entry.pk, 1, name]),
        "library_api_files": f"/api/v1/library/{slug}/files",
        "library_api_file": f"/api/v1/library/files/{entry.pk}",
        "library_api_versions": f"/api/v1/library/files/{entry.pk}/versions",
    }[surface]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("surface", list(KNOWLEDGE_READS))
def test_knowledge_read(surface, actor, kind, world_for, client_for):
    """Pages, revisions, diffs, folders, files, downloads: per actor and kind of community."""
    world = world_for(kind)
    page, entry = _knowledge(world)
    expected = KNOWLEDGE_READS[surface][actor][KINDS.index(kind)]
    status, _, flags = expected.partition(":")
    response = client_for(world.people[actor]).get(knowledge_url(surface, world, page, entry))
    if status == "401" and response.status_code == 302:
        status = "302"
    assert response.status_code == int(status), expected
    if hasattr(response, "streaming_content"):
        body = b"".join(response.streaming_content).decode()
    else:
        body = response.content.decode()
    assert (KNOWLEDGE_MARKER in body) == ("k" in flags), expected
    if kind == "secret" and actor in ("anonymous", "outsider"):
        assert world.community.slug not in body


# Writes through the API (and the settings page): "ok" or the status of the refusal.
KNOWLEDGE_WRITES: dict[str, dict[str, tuple[str, str, str]]] = {
    "page_create": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "404", "404"),
        "member": ("ok", "ok", "ok"),
        "moderator": ("ok", "ok", "ok"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    "page_edit": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "404", "404"),
        "member": ("ok", "ok", "ok"),
        "moderator": ("ok", "ok", "ok"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    "page_restore": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "404", "404"),
        "member": ("ok", "ok", "ok"),
        "moderator": ("ok", "ok", "ok"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    "wiki_settings": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "404", "404"),
        "member": ("403", "403", "403"),
        "moderator": ("403", "403", "403"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    "file_upload": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "404", "404"),
        "member": ("ok", "ok", "ok"),
        "moderator": ("ok", "ok", "ok"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    "file_version": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "404", "404"),
        "member": ("ok", "ok", "ok"),
        "moderator": ("ok", "ok", "ok"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
    # The file is the owner's: members may not put it in the bin, moderators may.
    "file_trash": {
        "anonymous": ("401", "401", "401"),
        "outsider": ("403", "404", "404"),
        "member": ("403", "403", "403"),
        "moderator": ("ok", "ok", "ok"),
        "owner": ("ok", "ok", "ok"),
        "admin": ("ok", "ok", "ok"),
    },
}


def _knowledge_snapshot() -> Any:
    from hanse.files.models import FileVersion, LibraryFile
    from hanse.wiki.models import Page, Revision, WikiSettings

    return (
        list(Page.objects.order_by("pk").values_list("pk", "title", "body", "revision_count")),
        Revision.objects.count(),
        list(WikiSettings.objects.values_list("community", "enabled", "edit_policy")),
        list(LibraryFile.objects.order_by("pk").values_list("pk", "deleted_at", "version_count")),
        FileVersion.objects.count(),
    )


def _knowledge_write(client: Any, write: str, world: World, page: Any, entry: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile  # why: this section only

    slug = world.community.slug
    if write == "page_create":
        body = {"community": slug, "title": "Neue Seite", "body": "x"}
        return client.post("/api/v1/wiki/pages", json.dumps(body), "application/json")
    if write == "page_edit":
        body = {"title": page.title, "body": "geändert", "base_revision": None}
        return client.put(f"/api/v1/wiki/pages/{page.pk}", json.dumps(body), "application/json")
    if write == "page_restore":
        return client.post(f"/api/v1/wiki/pages/{page.pk}/revisions/1/restore")
    if write == "wiki_settings":
        data = {"edit_policy": "moderators", "review_days": "30"}
        return client.post(reverse("wiki:settings", args=[slug]), data)
    if write == "file_upload":
        upload = SimpleUploadedFile("neu.txt", b"neu")
        return client.post(f"/api/v1/library/{slug}/files", {"files": [upload]})
    if write == "file_version":
        upload = SimpleUploadedFile("neu.txt", b"neu")
        return client.post(f"/api/v1/library/files/{entry.pk}/versions", {"file": upload})
    if write == "file_trash":
        return client.post(reverse("files:trash", args=[entry.pk]))
    raise AssertionError(write)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("write", list(KNOWLEDGE_WRITES))
def test_knowledge_write(write, actor, kind, world_for, client_for):
    """Each knowledge write: done, or refused with the expected status and nothing changed."""
    world = world_for(kind)
    page, entry = _knowledge(world)
    expected = KNOWLEDGE_WRITES[write][actor][KINDS.index(kind)]
    before = _knowledge_snapshot()
    response = _knowledge_write(client_for(world.people[actor]), write, world, page, entry)
    if expected == "ok":
        assert response.status_code in (200, 201, 302), response.content
        assert _knowledge_snapshot() != before
        if write == "file_trash":
            assert response.status_code == 302
            assert "/library/c/" in response["Location"]
        return
    assert _knowledge_snapshot() == before
    if expected == "401":
        assert response.status_code in (401, 302)
        return
    if write in ("wiki_settings", "file_trash"):
        # Pages answer a refusal with a refusal page or an error message after a redirect.
        assert response.status_code in ((404,) if expected == "404" else (403, 302))
    else:
        assert response.status_code == int(expected), response.content
    if expected == "404":
        assert world.name not in response.content.decode()


# --- saved searches (hanse/search/saved.py, views.saved_*) -----------------------------------
# Each actor saves a search for the world's content and the hourly check runs: news come
# only for what the person may read (SEARCH["content"]), say how many and nothing of what,
# and stop when the person can no longer read it. Someone else's saved search is a 404.


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
def test_saved_search(actor, kind, world_for, client_for):
    """Saving, listing, news of new results and another's saved search, per actor and kind."""
    from hanse.notifications.models import Notification  # why: this section only
    from hanse.search.models import SavedSearch
    from hanse.search.saved import check_saved_searches

    world = world_for(kind)
    person = world.people[actor]
    client = client_for(person)
    content = SEARCH["content"][actor][KINDS.index(kind)] == "y"
    other = SavedSearch.objects.create(
        user=world.other, name="Fremdsuche", query=f"q={SEARCH_MARKER}", notify=False
    )
    response = client.post("/search/saved/new/", {"query": f"q={SEARCH_MARKER}", "notify": "on"})
    if person is None:
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert list(SavedSearch.objects.all()) == [other]
        return
    saved = SavedSearch.objects.get(user=person)
    SavedSearch.objects.filter(pk=saved.pk).update(checked_at=timezone.now() - timedelta(minutes=1))
    _search_world(world)
    assert check_saved_searches.call() == (1 if content else 0)
    notes = Notification.objects.filter(recipient=person, type="saved_search_results")
    assert notes.exists() is content
    if content:
        assert notes.get().data["count"] == 3  # the post, the comment and the event
        listed = client.get("/notifications/").content.decode()
        assert "3 new results" in listed
        assert "im Beitrag" not in listed and "Termin" not in listed  # no content named
    # Another person's saved search: not listed, and a 404 like a missing one.
    assert "Fremdsuche" not in client.get("/search/saved/").content.decode()
    assert client.post(f"/search/saved/{other.pk}/notify/").status_code == 404
    assert client.post(f"/search/saved/{other.pk}/delete/").status_code == 404
    assert SavedSearch.objects.filter(pk=other.pk, notify=False).exists()

    if actor == "member" and kind != "open":
        # Left the community: new content there is no longer news for them.
        services.membership_leave(community=world.community, user=person)
        SavedSearch.objects.filter(pk=saved.pk).update(
            checked_at=timezone.now() - timedelta(minutes=1)
        )
        post_create(
            author=world.people["owner"],
            body=f"{SEARCH_MARKER} nach dem Austritt",
            community=world.community,
            scope="community",
        )
        index_objects("post", list(world.community.posts.values_list("pk", flat=True)))
        assert check_saved_searches.call() == 0


# --- the library's bin, "all files" and moving folders (hanse/files; wt/leftovers) -----------
# The owner's file is in the bin and the owner's folder "Marker" sits in the library. Reads:
# "<status>" or "<status>:k", k = the file's marker appears. Who may see a file in the bin is
# who may put it there (files.rules.bin_scope): moderators, owners, administrators; a member
# reaches the bin page but sees only their own deleted files.
LIBRARY_MORE_READS: dict[str, dict[str, tuple[str, str, str]]] = {
    "library_all_files": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("200:k", "403", "404"),
        "member": ("200:k",) * 3,
        "moderator": ("200:k",) * 3,
        "owner": ("200:k",) * 3,
        "admin": ("200:k",) * 3,
    },
    "library_bin": {
        "anonymous": ("302", "302", "302"),
        "outsider": ("404", "403", "404"),
        "member": ("200",) * 3,
        "moderator": ("200:k",) * 3,
        "owner": ("200:k",) * 3,
        "admin": ("200:k",) * 3,
    },
}
# Writes: "ok" (done, a redirect) or the refusal ("404", or "302" with nothing changed).
LIBRARY_MORE_WRITES: dict[str, dict[str, tuple[str, str, str]]] = {
    write: {
        "anonymous": ("302", "302", "302"),
        "outsider": (outsider_open, "404", "404"),
        "member": (member,) * 3,
        "moderator": ("ok",) * 3,
        "owner": ("ok",) * 3,
        "admin": ("ok",) * 3,
    }
    for write, outsider_open, member in [
        ("bin_restore", "404", "404"),
        ("bin_purge", "404", "404"),
        ("folder_move", "302", "302"),
        ("folder_watch", "ok", "ok"),  # following: whoever reads the library
    ]
}


def _library_more(world: World) -> tuple[Any, Any, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile  # why: this section only

    from hanse.files.services import file_trash, files_upload, folder_create

    owner = world.people["owner"]
    folder = folder_create(by=owner, community=world.community, name="Marker")
    target = folder_create(by=owner, community=world.community, name="Ziel")
    (binned,) = files_upload(
        by=owner,
        community=world.community,
        files=[SimpleUploadedFile(f"{KNOWLEDGE_MARKER}-bin.txt", b"weg")],
    )
    file_trash(entry=binned, by=owner)
    files_upload(
        by=owner,
        community=world.community,
        files=[SimpleUploadedFile(f"{KNOWLEDGE_MARKER}.txt", b"da")],
        folder=folder,
    )
    return binned, folder, target


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("surface", list(LIBRARY_MORE_READS))
def test_library_more_read(surface, actor, kind, world_for, client_for):
    """The "all files" view and the bin: per actor and kind of community."""
    world = world_for(kind)
    _library_more(world)
    expected = LIBRARY_MORE_READS[surface][actor][KINDS.index(kind)]
    status, _, flags = expected.partition(":")
    slug = world.community.slug
    url = reverse("files:all_files" if surface == "library_all_files" else "files:bin", args=[slug])
    response = client_for(world.people[actor]).get(url)
    assert response.status_code == int(status), expected
    body = response.content.decode()
    assert (KNOWLEDGE_MARKER in body) == ("k" in flags), expected
    if surface == "library_all_files":
        assert f"{KNOWLEDGE_MARKER}-bin" not in body  # the bin is not in "all files"
    if kind == "secret" and actor in ("anonymous", "outsider"):
        assert slug not in body


def _library_more_snapshot() -> Any:
    from hanse.files.models import Folder, FolderWatch, LibraryFile

    return (
        list(LibraryFile.objects.order_by("pk").values_list("pk", "deleted_at")),
        list(Folder.objects.order_by("pk").values_list("pk", "parent_id")),
        list(FolderWatch.objects.values_list("folder_id", "user_id")),
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("write", list(LIBRARY_MORE_WRITES))
def test_library_more_write(write, actor, kind, world_for, client_for):
    """Restore, delete for good, move a folder: done, or refused with nothing changed."""
    world = world_for(kind)
    binned, folder, target = _library_more(world)
    slug = world.community.slug
    expected = LIBRARY_MORE_WRITES[write][actor][KINDS.index(kind)]
    before = _library_more_snapshot()
    client = client_for(world.people[actor])
    if write == "folder_move":
        response = client.post(
            reverse("files:folder_move", args=[slug]), {"folder": folder.pk, "target": target.pk}
        )
    elif write == "folder_watch":
        response = client.post(
            reverse("files:folder_watch", args=[slug]), {"folder": folder.pk, "watch": "1"}
        )
    else:
        response = client.post(reverse(f"files:{write}", args=[slug, binned.pk]))
    if expected == "ok":
        assert response.status_code == 302, response.content
        assert _library_more_snapshot() != before
        return
    assert _library_more_snapshot() == before
    assert response.status_code == int(expected)
    if expected == "302" and world.people[actor] is None:
        assert "/login/" in response["Location"]
    if expected == "404":
        assert world.name not in response.content.decode()


# --- knowledge, issue #18 completed (wt/knowledge): pictures in pages, the live notice of a
# newer version, PDF previews, and post and chat files in "all files". The owner writes a page
# with a picture (then a second version), a PDF with its preview, a post and a chat message
# with a file each. Reads: "<status>" or "<status>:k" (k = the shared files' marker appears).
SHARED_MARKER = "Geteiltmarker"
KNOWLEDGE_MORE_READS: dict[str, dict[str, tuple[str, str, str]]] = {
    surface: {
        "anonymous": ("302", "302", "302"),
        "outsider": (ok, private, "404"),
        "member": (ok,) * 3,
        "moderator": (ok,) * 3,
        "owner": (ok,) * 3,
        "admin": (ok,) * 3,
    }
    for surface, ok, private in [
        ("wiki_image", "200", "404"),
        ("wiki_newer", "200", "404"),
        ("file_preview", "200", "404"),
        ("file_view_pdf", "200", "404"),
        ("all_files_shared", "200:k", "403"),
    ]
}


def _knowledge_more(world: World) -> dict[str, str]:
    from django.core.files.base import ContentFile  # why: this section only
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from hanse.chat.services import community_channel_ensure, message_post
    from hanse.files.models import FileVersion
    from hanse.files.services import files_upload
    from hanse.posts.services.posts import post_create
    from hanse.wiki.services import page_create, page_images_upload, page_update

    owner, community = world.people["owner"], world.community
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(png, format="PNG")
    page = page_create(by=owner, community=community, title="Bilderseite", body="eins")
    first = page.current_revision_id
    (image,) = page_images_upload(
        page=page, by=owner, files=[SimpleUploadedFile("bild.png", png.getvalue())]
    )
    page_update(
        page=page, by=owner, title=page.title, body=f"![bild]({image.get_absolute_url()})",
        base_revision_id=None,
    )  # fmt: skip
    (entry,) = files_upload(
        by=owner,
        community=community,
        files=[SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    version = FileVersion.objects.get(file_entry=entry)
    version.thumbnail.save("p.webp", ContentFile(png.getvalue()), save=False)
    version.preview_status = FileVersion.PREVIEW_READY
    version.save(update_fields=["thumbnail", "preview_status"])
    post_create(
        author=owner, body="Mit Datei", community=community,
        files=[SimpleUploadedFile(f"{SHARED_MARKER}-post.txt", b"Post")],
    )  # fmt: skip
    message_post(
        channel=community_channel_ensure(community=community, user=owner),
        author=owner,
        body="Mit Datei",
        files=[SimpleUploadedFile(f"{SHARED_MARKER}-chat.txt", b"Chat")],
    )
    return {
        "wiki_image": image.get_absolute_url(),
        "wiki_newer": f"{reverse('wiki:newer', args=[page.pk])}?base={first}",
        "file_preview": reverse("files:preview", args=[entry.pk, 1]),
        "file_view_pdf": reverse("files:view_pdf", args=[entry.pk, 1, "plan.pdf"]),
        "all_files_shared": reverse("files:all_files", args=[community.slug]),
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("surface", list(KNOWLEDGE_MORE_READS))
def test_knowledge_more_read(surface, actor, kind, world_for, client_for):
    """Page pictures, the newer-version notice, PDF previews and the shared files in "all
    files": per actor and kind of community."""
    world = world_for(kind)
    url = _knowledge_more(world)[surface]
    expected = KNOWLEDGE_MORE_READS[surface][actor][KINDS.index(kind)]
    status, _, flags = expected.partition(":")
    response = client_for(world.people[actor]).get(url)
    assert response.status_code == int(status), expected
    if hasattr(response, "streaming_content"):
        body = b"".join(response.streaming_content).decode("latin-1")
    else:
        body = response.content.decode()
    if surface == "all_files_shared":
        assert (f"{SHARED_MARKER}-post" in body) == ("k" in flags), expected
        assert (f"{SHARED_MARKER}-chat" in body) == ("k" in flags), expected
    if kind == "secret" and actor in ("anonymous", "outsider"):
        assert world.community.slug not in body


# The picture upload of the editor (wiki:images): who may edit the page (members, here).
KNOWLEDGE_MORE_WRITES: dict[str, tuple[str, str, str]] = {
    "anonymous": ("302", "302", "302"),
    "outsider": ("403", "404", "404"),
    "member": ("ok",) * 3,
    "moderator": ("ok",) * 3,
    "owner": ("ok",) * 3,
    "admin": ("ok",) * 3,
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
def test_wiki_image_upload(actor, kind, world_for, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile  # why: this section only
    from PIL import Image

    from hanse.wiki.models import PageImage
    from hanse.wiki.services import page_create

    world = world_for(kind)
    page = page_create(by=world.people["owner"], community=world.community, title="Seite")
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(png, format="PNG")
    response = client_for(world.people[actor]).post(
        reverse("wiki:images", args=[page.pk]),
        {"images": [SimpleUploadedFile("bild.png", png.getvalue())]},
    )
    expected = KNOWLEDGE_MORE_WRITES[actor][KINDS.index(kind)]
    if expected == "ok":
        assert response.status_code == 200 and PageImage.objects.count() == 1
    else:
        assert response.status_code == int(expected)
        assert not PageImage.objects.exists()


# --- appointing the owner of a community that has none (issue 21 leftover) -----------------
# Each world in two states: as built ("owned"), and "ownerless" as an erasure of its only
# owner with nobody to take over leaves it (the owner's membership is gone, so the former
# owner is an outsider now). Two more actors: a guest from a partner organisation who is a
# member of the community ("guest"), and one who is not ("guest_outsider"). The person
# appointed is the world's newcomer (not a member).
APPOINT_ACTORS = [*ACTORS, "guest", "guest_outsider"]
STATES = ["owned", "ownerless"]
_OUTSIDER = ("403:n", "403:n", "404")
_INSIDER = ("403:n", "403:n", "403:n")
# GET the page: "<status>" or "<status>:n" (n = the community's name appears).
APPOINT_READ: dict[str, dict[str, tuple[str, str, str]]] = {
    "owned": {
        "anonymous": ("302", "302", "302"),
        "outsider": _OUTSIDER,
        "member": _INSIDER,
        "moderator": _INSIDER,
        "owner": _INSIDER,
        "guest": _INSIDER,
        "guest_outsider": ("404", "404", "404"),
        # To the members page, with "This community has an owner already."
        "admin": ("302", "302", "302"),
    },
    "ownerless": {
        "anonymous": ("302", "302", "302"),
        "outsider": _OUTSIDER,
        "member": _INSIDER,
        "moderator": _INSIDER,
        "owner": _OUTSIDER,
        "guest": _INSIDER,
        "guest_outsider": ("404", "404", "404"),
        "admin": ("200:n", "200:n", "200:n"),
    },
}
# POST through the page and the API: "ok" (done), or the API status of the refusal (401
# anonymous, 404 the community does not exist for the actor, 403 not allowed, 400 it has an
# owner). The page answers 404 and 403 alike, 401 with the sign-in page, 400 with a redirect
# to the members page; nothing is written.
_W_OUTSIDER = ("403", "403", "404")
_W_INSIDER = ("403", "403", "403")
APPOINT_WRITE: dict[str, dict[str, tuple[str, str, str]]] = {
    "owned": {
        "anonymous": ("401", "401", "401"),
        "outsider": _W_OUTSIDER,
        "member": _W_INSIDER,
        "moderator": _W_INSIDER,
        "owner": _W_INSIDER,
        "guest": _W_INSIDER,
        "guest_outsider": ("404", "404", "404"),
        "admin": ("400", "400", "400"),
    },
    "ownerless": {
        "anonymous": ("401", "401", "401"),
        "outsider": _W_OUTSIDER,
        "member": _W_INSIDER,
        "moderator": _W_INSIDER,
        "owner": _W_OUTSIDER,
        "guest": _W_INSIDER,
        "guest_outsider": ("404", "404", "404"),
        "admin": ("ok", "ok", "ok"),
    },
}


def _appoint_actor(world: World, actor: str, state: str) -> User | None:
    """The actor in the world, the world put in the state first (inside the case)."""
    community = world.community
    if state == "ownerless":
        Membership.objects.filter(community=community, role=Membership.Role.OWNER).delete()
    if actor in ("guest", "guest_outsider"):
        guest = _person(f"{actor}_{world.kind}", is_guest=True, guest_organisation="Partner AG")
        if actor == "guest":
            Membership.objects.create(community=community, user=guest)
        return guest
    return world.people[actor]


def _appointed(world: World) -> bool:
    return Membership.objects.filter(
        community=world.community, user=world.newcomer, role=Membership.Role.OWNER
    ).exists()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", APPOINT_ACTORS)
def test_appoint_owner_page(actor, kind, state, world_for, client_for):
    """Who reaches the page that appoints an owner, and its picker's suggestions."""
    world = world_for(kind)
    person = _appoint_actor(world, actor, state)
    expected = APPOINT_READ[state][actor][KINDS.index(kind)]
    status, _, flags = expected.partition(":")
    client = client_for(person)
    slug = world.community.slug
    response = client.get(reverse("communities:appoint_owner", args=[slug]))
    assert response.status_code == int(status), expected
    body = response.content.decode()
    assert (world.name in body) == ("n" in flags)
    if status == "302":
        members = reverse("communities:members", args=[slug])
        target = "/accounts/login/" if person is None else members
        assert response["Location"].startswith(target)
    suggestions = client.get(
        reverse("communities:appoint_owner_suggestions", args=[slug]), {"person": "newcomer"}
    )
    if expected == "200:n":
        assert suggestions.status_code == 200
        assert f'value="{world.newcomer.username}"' in suggestions.content.decode()
    elif person is None:
        assert suggestions.status_code == 302
    else:
        assert suggestions.status_code == (404 if status == "404" else 403)
        assert world.newcomer.username not in suggestions.content.decode()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", APPOINT_ACTORS)
def test_appoint_owner_write_page(actor, kind, state, world_for, client_for):
    """Appointing through the page: done, or refused with the database unchanged."""
    world = world_for(kind)
    person = _appoint_actor(world, actor, state)
    expected = APPOINT_WRITE[state][actor][KINDS.index(kind)]
    slug = world.community.slug
    before = snapshot()
    response = client_for(person).post(
        reverse("communities:appoint_owner", args=[slug]), {"person": world.newcomer.username}
    )
    if expected == "ok":
        assert response.status_code == 302
        assert response["Location"] == reverse("communities:members", args=[slug])
        assert _appointed(world)
        return
    assert snapshot() == before
    if expected == "401":
        assert response["Location"].startswith("/accounts/login/")
    elif expected == "400":
        assert response["Location"] == reverse("communities:members", args=[slug])
    else:
        assert response.status_code == int(expected)
        if expected == "404":
            assert world.name not in response.content.decode()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", APPOINT_ACTORS)
def test_appoint_owner_write_api(actor, kind, state, world_for, client_for):
    """Appointing through the API: done, or refused with the expected status, DB unchanged."""
    world = world_for(kind)
    person = _appoint_actor(world, actor, state)
    expected = APPOINT_WRITE[state][actor][KINDS.index(kind)]
    before = snapshot()
    response = client_for(person).post(
        f"/api/v1/communities/{world.community.slug}/owner",
        json.dumps({"person": world.newcomer.username}),
        content_type="application/json",
    )
    if expected == "ok":
        assert response.status_code == 200, response.content
        assert _appointed(world)
        return
    if expected == "401" and response.status_code == 302:
        expected = "302"  # see test_api_anonymous_is_401
    assert response.status_code == int(expected), response.content
    assert snapshot() == before
    if expected == "404":
        assert world.name not in response.content.decode()


@pytest.mark.parametrize("state", STATES)
def test_appoint_owner_unknown_and_invisible_answer_the_same(state, world_for, client_for):
    """For an outsider, a secret community's appointment page, picker and API answer exactly
    as for an address where no community is."""
    world = world_for("secret")
    outsider = _appoint_actor(world, "outsider", state)
    client = client_for(outsider)
    slug = world.community.slug

    def answers(address: str) -> list[tuple[int, str]]:
        found = [
            client.get(reverse("communities:appoint_owner", args=[address])),
            client.post(reverse("communities:appoint_owner", args=[address]), {"person": "x"}),
            client.get(reverse("communities:appoint_owner_suggestions", args=[address])),
            client.post(
                f"/api/v1/communities/{address}/owner",
                json.dumps({"person": world.newcomer.username}),
                content_type="application/json",
            ),
        ]
        return [(r.status_code, r.content.decode().replace(address, "ADDRESS")) for r in found]

    assert answers(slug) == answers("nirgends-abc234")
    assert {status for status, _ in answers(slug)} == {404}
