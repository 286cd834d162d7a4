"""The guest row of the permission table, on every surface: a guest from a partner
organisation sees the community and channels they were invited into and nothing else.

Each case is asked twice: as the guest (expected: only the shared space) and as an employee
(who sees the company-wide things), so that a case cannot pass by showing nothing at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hanse.chat.models import Channel, ChannelMember, Message
from hanse.circles.models import Multiplier
from hanse.communities.models import Community, Membership
from hanse.events.models import Event
from hanse.files.models import LibraryFile
from hanse.ideas.models import Campaign, Idea
from hanse.notifications.models import Notification
from hanse.notifications.selectors import notifications_visible_to
from hanse.participation.models import Poll, Praise, PraiseValue, TownHall
from hanse.people.models import User
from hanse.posts.models import Announcement, Comment, Post
from hanse.realtime import topics
from hanse.search.index import index_objects
from hanse.search.selectors import SearchQuery, search, suggest
from hanse.wiki.models import Page
from tests.conftest import PASSWORD

MARK = "Leuchtturmprojekt"


@dataclass
class World:
    guest: User
    employee: User  # a member of the shared community
    stranger: User  # an employee who shares nothing with the guest
    shared: Community  # private, the guest is a member
    open_other: Community  # open, the guest is not a member
    secret_other: Community
    objects: dict[str, Any]


def _person(username: str, **fields: Any) -> User:
    fields.setdefault("email", f"{username}@example.org")
    fields.setdefault("first_name", username.capitalize())
    fields.setdefault("last_name", f"{MARK}person")
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


@pytest.fixture
def world(db: None) -> World:
    guest = _person(
        "gast",
        is_guest=True,
        guest_organisation="Sparkasse Nordheide",
        guest_expires_at=timezone.now() + timedelta(days=30),
    )
    employee = _person("mitarbeiterin")
    stranger = _person("fremder")
    shared = Community.objects.create(name=f"Gemeinsam {MARK}", slug="gemeinsam", kind="private")
    open_other = Community.objects.create(name=f"Offen {MARK}", slug="offen", kind="open")
    secret_other = Community.objects.create(name=f"Geheim {MARK}", slug="geheim", kind="secret")
    for user in (guest, employee):
        Membership.objects.create(community=shared, user=user)
    Membership.objects.create(community=open_other, user=stranger)
    Membership.objects.create(community=secret_other, user=employee)

    o: dict[str, Any] = {}

    def post(key: str, community: Community | None, scope: str = "community") -> None:
        o[key] = Post.objects.create(
            author=employee if community is not open_other else stranger,
            scope=scope,
            community=community,
            body=f"{key} {MARK}",
            body_html=f"<p>{key} {MARK}</p>",
        )

    post("post_shared", shared)
    post("post_open_other", open_other)
    post("post_company", None, "company")
    post("post_profile", None, "profile")
    o["comment_shared"] = Comment.objects.create(post=o["post_shared"], author=employee, body="c")
    o["comment_company"] = Comment.objects.create(post=o["post_company"], author=employee, body="c")
    o["announcement"] = Announcement.objects.create(author=employee, title=MARK, body=MARK)
    start = timezone.now() + timedelta(days=3)
    for key, community in (
        ("event_shared", shared),
        ("event_company", None),
        ("event_open_other", open_other),
    ):
        o[key] = Event.objects.create(
            title=f"{key} {MARK}",
            start=start,
            end=start + timedelta(hours=1),
            organiser=employee,
            community=community,
        )
    o["page_shared"] = Page.objects.create(title="Geteilt", key="geteilt", community=shared)
    o["page_company"] = Page.objects.create(title="Firma", key="firma")
    o["file_shared"] = LibraryFile.objects.create(community=shared, name="geteilt.pdf")
    o["file_open_other"] = LibraryFile.objects.create(community=open_other, name="offen.pdf")
    o["campaign_company"] = Campaign.objects.create(question=f"Firma {MARK}?")
    o["campaign_shared"] = Campaign.objects.create(question=f"Projekt {MARK}?", community=shared)
    o["idea_shared"] = Idea.objects.create(
        title="Idee", description="d", author=employee, community=shared
    )
    o["idea_company"] = Idea.objects.create(title="Idee Firma", description="d", author=employee)
    o["poll_company"] = Poll.objects.create(post=o["post_company"])
    o["poll_shared"] = Poll.objects.create(post=o["post_shared"])
    value = PraiseValue.objects.create(name="Mut")
    o["praise_company"] = Praise.objects.create(
        post=o["post_company"], author=employee, recipient=stranger, value=value
    )
    o["townhall"] = TownHall.objects.create(
        title=MARK, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    o["multiplier"] = Multiplier.objects.create(user=stranger, topics="Agil", status="approved")
    o["channel_public"] = Channel.objects.create(kind="public", name="allgemein", slug="allg")
    o["channel_shared"] = Channel.objects.create(
        kind="community", name="projekt", slug="c-projekt", community=shared
    )
    o["channel_open_other"] = Channel.objects.create(
        kind="community", name="offen", slug="c-offen", community=open_other
    )
    o["channel_invited"] = Channel.objects.create(kind="private", name="partner", slug="partner")
    ChannelMember.objects.create(channel=o["channel_invited"], user=guest)
    ChannelMember.objects.create(channel=o["channel_invited"], user=employee)
    o["dm_others"] = Channel.objects.create(kind="direct", dm_key="x")
    ChannelMember.objects.create(channel=o["dm_others"], user=employee)
    ChannelMember.objects.create(channel=o["dm_others"], user=stranger)
    for key in ("channel_public", "channel_shared", "channel_invited", "channel_open_other"):
        o[f"message_{key}"] = Message.objects.create(
            channel=o[key], author=employee, body=MARK, body_html=MARK
        )
    return World(guest, employee, stranger, shared, open_other, secret_other, o)


# --- querysets: the one home of visibility, per entity ------------------------------------

# (entity, what the guest sees of the world's objects). The employee sees more (checked).
QUERYSET_CASES: list[tuple[str, Callable[[User], Any], set[str]]] = [
    ("posts", Post.objects.visible_to, {"post_shared"}),
    ("comments", Comment.objects.visible_to, {"comment_shared"}),
    ("announcements", Announcement.objects.visible_to, set()),
    ("events", Event.objects.visible_to, {"event_shared"}),
    ("wiki pages", Page.objects.visible_to, {"page_shared"}),
    ("library files", LibraryFile.objects.visible_to, {"file_shared"}),
    ("idea campaigns", Campaign.objects.visible_to, {"campaign_shared"}),
    ("ideas", Idea.objects.visible_to, {"idea_shared"}),
    ("polls", Poll.objects.visible_to, {"poll_shared"}),
    ("praise", Praise.objects.visible_to, set()),
    ("town halls", TownHall.objects.visible_to, set()),
    ("multipliers", Multiplier.objects.visible_to, set()),
    ("channels", Channel.objects.visible_to, {"channel_shared", "channel_invited"}),
    (
        "chat messages",
        Message.objects.visible_to,
        {"message_channel_shared", "message_channel_invited"},
    ),
]


@pytest.mark.parametrize(("surface", "queryset", "expected"), QUERYSET_CASES)
def test_guest_sees_only_their_spaces(world: World, surface: str, queryset: Any, expected: Any):
    """Every visible_to answers a guest with their community's and channels' objects only."""
    by_pk = {(type(v), v.pk): k for k, v in world.objects.items()}

    def seen(user: User) -> set[str]:
        found = set()
        for obj in queryset(user):
            key = by_pk.get((type(obj), obj.pk))
            if key is not None:
                found.add(key)
        return found

    assert seen(world.guest) == expected
    assert seen(world.employee) > expected, "the employee sees company-wide things too"


def test_communities_a_guest_knows(world: World):
    """Only the communities the guest is a member of exist for them (open ones too)."""
    assert list(Community.objects.visible_to(world.guest)) == [world.shared]
    assert list(Community.objects.content_visible_to(world.guest)) == [world.shared]
    assert world.guest.has_perm("communities.view_community", world.shared)
    assert not world.guest.has_perm("communities.view_community", world.open_other)
    assert not world.guest.has_perm("communities.view_content", world.open_other)
    assert not world.guest.has_perm("communities.join", world.open_other)
    assert not world.guest.has_perm("communities.found_community")
    assert world.employee.has_perm("communities.view_content", world.open_other)


def test_notifications_about_company_things_are_hidden(world: World):
    """The bell shows a guest nothing about what they cannot see."""
    for key in ("post_company", "post_shared"):
        Notification.objects.create(
            recipient=world.guest, type="posts.mention", post=world.objects[key]
        )
    seen = {n.post_id for n in notifications_visible_to(user=world.guest)}
    assert world.objects["post_company"].pk not in seen


def test_websocket_topics(world: World):
    """Company, hashtag and author topics are refused; the guest's spaces are granted."""
    o = world.objects
    wanted = [
        topics.COMPANY,
        topics.tag("projekt"),
        topics.author(world.employee.pk),
        topics.community(world.shared.pk),
        topics.community(world.open_other.pk),
        topics.chat(o["channel_invited"].pk),
        topics.chat(o["channel_public"].pk),
        topics.chat(o["dm_others"].pk),
        topics.post(o["post_shared"].pk),
        topics.post(o["post_company"].pk),
    ]
    granted = set(topics.grants(world.guest, wanted))
    assert granted == {
        topics.community(world.shared.pk),
        topics.chat(o["channel_invited"].pk),
        topics.post(o["post_shared"].pk),
    }
    assert topics.COMPANY in topics.grants(world.employee, wanted)
    assert all(not s.startswith(("author:", "tag:")) for s in topics.feed_sources(world.guest))


def test_search_results_and_suggestions(world: World):
    """Search answers a guest with their spaces only: results, counts and suggestions."""
    o = world.objects
    index_objects("post", [o[k].pk for k in ("post_shared", "post_company", "post_open_other")])
    index_objects("event", [o[k].pk for k in ("event_shared", "event_company")])
    index_objects("community", [world.shared.pk, world.open_other.pk, world.secret_other.pk])
    index_objects("person", [world.guest.pk, world.employee.pk, world.stranger.pk])
    results = search(user=world.guest, query=SearchQuery(text=MARK))
    found = {(h.type, h.object_id) for h in results.hits}
    assert ("post", o["post_shared"].pk) in found
    assert ("post", o["post_company"].pk) not in found
    assert ("post", o["post_open_other"].pk) not in found
    assert ("event", o["event_company"].pk) not in found
    assert ("community", world.open_other.pk) not in found
    assert ("person", world.stranger.pk) not in found
    suggestions = suggest(user=world.guest, text=MARK)
    assert world.stranger not in suggestions.people
    assert world.open_other not in suggestions.communities
    employee_found = {
        (h.type, h.object_id)
        for h in search(user=world.employee, query=SearchQuery(text=MARK)).hits
    }
    assert ("post", o["post_company"].pk) in employee_found


# --- pages and the API -------------------------------------------------------------------


def _channel_url(w: World, key: str) -> str:
    return reverse("chat:channel", args=[w.objects[key].pk])


# (name, url builder, status for the guest, status for the employee)
PAGE_CASES: list[tuple[str, Callable[[World], str], int, int]] = [
    ("directory", lambda w: reverse("people:directory"), 404, 200),
    ("org chart", lambda w: reverse("people:org_chart"), 404, 200),
    ("own profile", lambda w: reverse("people:profile", args=[w.guest.username]), 200, 200),
    (
        "co-member's profile",
        lambda w: reverse("people:profile", args=[w.employee.username]),
        200,
        200,
    ),
    (
        "stranger's profile",
        lambda w: reverse("people:profile", args=[w.stranger.username]),
        404,
        200,
    ),
    ("company stream", lambda w: reverse("posts:company"), 404, 200),
    ("home", lambda w: reverse("home:index"), 200, 200),
    (
        "company post",
        lambda w: reverse("posts:detail", args=[w.objects["post_company"].pk]),
        404,
        200,
    ),
    (
        "shared post",
        lambda w: reverse("posts:detail", args=[w.objects["post_shared"].pk]),
        200,
        200,
    ),
    ("announcements", lambda w: reverse("posts:announcement_archive"), 404, 200),
    (
        "announcement",
        lambda w: reverse("posts:announcement_detail", args=[w.objects["announcement"].pk]),
        404,
        200,
    ),
    ("communities list", lambda w: reverse("communities:directory"), 200, 200),
    ("shared community", lambda w: reverse("communities:detail", args=["gemeinsam"]), 200, 200),
    ("open community", lambda w: reverse("communities:detail", args=["offen"]), 404, 200),
    ("found a community", lambda w: reverse("communities:create"), 404, 200),
    (
        "company event",
        lambda w: reverse("events:detail", args=[w.objects["event_company"].pk]),
        404,
        200,
    ),
    (
        "shared event",
        lambda w: reverse("events:detail", args=[w.objects["event_shared"].pk]),
        200,
        200,
    ),
    ("analytics", lambda w: "/analytics/", 404, None),
    ("circles", lambda w: reverse("circles:index"), 404, 200),
    ("multipliers", lambda w: reverse("circles:multipliers"), 404, 200),
    ("first steps", lambda w: reverse("onboarding:first_day"), 404, 200),
    ("expert finder", lambda w: reverse("search:experts"), 404, 200),
    ("new channel", lambda w: reverse("chat:channel_new"), 404, 200),
    (
        "public channel",
        lambda w: reverse("chat:channel", args=[w.objects["channel_public"].pk]),
        404,
        200,
    ),
    (
        "invited channel",
        lambda w: reverse("chat:channel", args=[w.objects["channel_invited"].pk]),
        200,
        None,
    ),
    ("town halls new", lambda w: reverse("participation:townhall_new"), 404, None),
    ("API people list", lambda w: "/api/v1/people", 200, 200),
    ("API stranger", lambda w: f"/api/v1/people/{w.stranger.username}", 404, 200),
    ("API org units", lambda w: "/api/v1/org-units", 404, 200),
    ("API analytics", lambda w: "/api/v1/analytics/overview", 404, None),
    ("API announcements", lambda w: "/api/v1/announcements", 404, 200),
    ("API circles", lambda w: "/api/v1/circles", 404, None),
    (
        "API company post",
        lambda w: f"/api/v1/posts/{w.objects['post_company'].pk}",
        404,
        200,
    ),
    (
        "API company event",
        lambda w: f"/api/v1/events/{w.objects['event_company'].pk}",
        404,
        200,
    ),
]


@pytest.mark.parametrize(
    ("surface", "url", "guest_status", "employee_status"),
    PAGE_CASES,
    ids=[c[0] for c in PAGE_CASES],
)
def test_pages(world: World, client_for: Any, surface, url, guest_status, employee_status):
    """Pages closed to guests answer 404 like unknown ones (never 403 or 500)."""
    target = url(world)
    assert client_for(world.guest).get(target).status_code == guest_status
    if employee_status is not None:
        assert client_for(world.employee).get(target).status_code == employee_status


def test_api_people_list_holds_only_shared_people(world: World, client_for: Any):
    """The API's directory lists a guest only the people they share a space with."""
    data = client_for(world.guest).get("/api/v1/people").json()
    names = {p["username"] for p in data["items"]}
    assert names == {world.guest.username, world.employee.username}
    me = next(p for p in data["items"] if p["username"] == world.guest.username)
    assert me["is_guest"] is True
    assert me["guest_organisation"] == "Sparkasse Nordheide"


def test_api_token_of_a_guest_is_bounded_too(world: World, client: Any):
    """A personal access token carries the same boundary as the session."""
    from hanse.api.services import token_create

    raw = token_create(user=world.guest, name="t").raw
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/org-units", **auth).status_code == 404
    assert client.get("/api/v1/people", **auth).status_code == 200


def test_home_feed_has_no_company_posts(world: World, client_for: Any):
    """The start page shows a guest their community's posts, none of the company's."""
    body = client_for(world.guest).get(reverse("home:index")).content.decode()
    assert "post_company" not in body
    assert "post_profile" not in body
    assert "post_open_other" not in body


def test_guest_badge_on_profile_and_cards(world: World, client_for: Any):
    """The guest's name carries the guest mark and the organisation."""
    body = client_for(world.employee).get(reverse("people:profile", args=[world.guest.username]))
    assert "badge--guest" in body.content.decode()
    assert "Sparkasse Nordheide" in body.content.decode()
