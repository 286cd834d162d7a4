"""The Connectoren programme around the role: the community approved Connectoren join, its
meetups, the onboarding checklist (own ticks, coordinators see counts only), stories, the
schematic map, and every new surface for every actor."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hanse.circles import rules
from hanse.circles import selectors_programme as programme
from hanse.circles.models import ConnectorStory, Multiplier, OnboardingItem, OnboardingTick
from hanse.circles.services import multipliers as services
from hanse.circles.services import programme as programme_services
from hanse.communities.models import Community, Membership
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.events.services.events import event_create
from hanse.people.models import Location, User
from hanse.posts.models import Post
from hanse.posts.services.posts import post_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def approve(
    make_user: Callable[..., User], coordinator: User, committed: Any
) -> Callable[..., User]:
    def make(location: Location | None = None, **fields: Any) -> User:
        person = make_user(location=location, **fields)
        m = services.multiplier_volunteer(user=person, topics="Teams")
        with committed():
            services.multiplier_decide(by=coordinator, multiplier=m, approve=True)
        return person

    return make


@pytest.fixture
def connector(approve: Callable[..., User]) -> User:
    return approve(first_name="Conny", last_name="Connector")


# --- community and meetups -----------------------------------------------------------------


def test_approval_founds_the_community_once_and_joins_it(
    approve: Callable[..., User], coordinator: User
) -> None:
    first, second = approve(), approve()
    community = programme.programme_community()
    assert community is not None and community.kind == Community.Kind.PRIVATE
    assert Community.objects.count() == 1
    roles = dict(Membership.objects.filter(community=community).values_list("user_id", "role"))
    assert roles == {coordinator.pk: "owner", first.pk: "member", second.pk: "member"}
    assert Community.objects.get(pk=community.pk).member_count == 3


def test_declined_volunteer_does_not_join(
    make_user: Callable[..., User], coordinator: User, connector: User, committed: Any
) -> None:
    person = make_user()
    m = services.multiplier_volunteer(user=person, topics="Teams")
    with committed():
        services.multiplier_decide(by=coordinator, multiplier=m, approve=False)
    assert not Membership.objects.filter(user=person).exists()


def test_a_linked_community_is_used(
    make_community: Callable[..., Community], coordinator: User, approve: Callable[..., User]
) -> None:
    from hanse.circles.models import Programme  # why: this test only

    linked = make_community(owner=coordinator)
    Programme.objects.create(pk=1, community=linked)
    person = approve()
    assert Membership.objects.filter(community=linked, user=person).exists()
    assert Community.objects.count() == 1


def test_meetups_are_the_communitys_events_listed_on_the_page(
    connector: User, user: User, client_for: Callable[[User | None], Client]
) -> None:
    community = programme.programme_community()
    assert community is not None
    start = timezone.now() + dt.timedelta(days=3)
    event = event_create(
        by=connector,
        title="Connectoren-Meetup Nord",
        description="Erfahrungen teilen",
        start=start,
        end=start + dt.timedelta(hours=1),
        rrule="FREQ=MONTHLY;COUNT=6",
        community=community,
    )
    page = client_for(connector).get(reverse("circles:multipliers")).content.decode()
    assert "Connectoren-Meetup Nord" in page
    assert reverse("events:detail", args=[event.pk]) in page
    # A colleague outside the community does not see the meetup (the events' own rule).
    other = client_for(user).get(reverse("circles:multipliers")).content.decode()
    assert "Connectoren-Meetup Nord" not in other
    assert "Meetups are for Connectoren" in other or "Meetups sind für Connectoren" in other


# --- onboarding ----------------------------------------------------------------------------


def test_the_checklist_ships_with_steps() -> None:
    assert OnboardingItem.objects.count() >= 5


def test_a_connector_ticks_and_unticks_their_own_steps(
    connector: User, client_for: Callable[[User | None], Client]
) -> None:
    item = OnboardingItem.objects.first()
    assert item is not None
    client = client_for(connector)
    response = client.post(reverse("circles:onboarding_tick", args=[item.pk]), {"done": "1"})
    assert response.status_code == 302
    assert OnboardingTick.objects.filter(item=item, user=connector).exists()
    steps = programme.onboarding_for(viewer=connector)
    assert steps[0].done is True
    client.post(reverse("circles:onboarding_tick", args=[item.pk]), {"done": "0"})
    assert not OnboardingTick.objects.filter(item=item, user=connector).exists()


def test_only_approved_connectoren_have_a_checklist(
    user: User, make_user: Callable[..., User]
) -> None:
    item = OnboardingItem.objects.first()
    assert item is not None
    pending = make_user()
    services.multiplier_volunteer(user=pending, topics="Teams")
    for person in (user, pending):
        with pytest.raises(PermissionRefused):
            programme_services.onboarding_tick(user=person, item=item, done=True)
    assert not OnboardingTick.objects.exists()


def test_coordinators_see_counts_never_names(
    approve: Callable[..., User], coordinator: User, client_for: Callable[[User | None], Client]
) -> None:
    items = list(OnboardingItem.objects.all())
    people = [approve(first_name=f"Zählbar{i}") for i in range(4)]
    programme_services.onboarding_tick(user=people[0], item=items[0], done=True)
    few = programme.onboarding_progress(viewer=coordinator)
    assert few.connectoren == 4 and not few.shown
    assert {s.done for s in few.steps} == {None}
    people.append(approve(first_name="Zählbar4"))
    for item in items:
        programme_services.onboarding_tick(user=people[1], item=item, done=True)
    enough = programme.onboarding_progress(viewer=coordinator)
    assert enough.shown and enough.steps[0].done == 2 and enough.steps[1].done == 1
    assert enough.all_done == 1 and enough.none_done == 3
    page = client_for(coordinator).get(reverse("circles:onboarding_steps")).content.decode()
    assert "Zählbar" not in page


def test_coordinators_edit_the_steps(
    coordinator: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(coordinator)
    url = reverse("circles:onboarding_steps")
    bad = client.post(url, {"title": "Lesen", "link": "javascript:alert(1)"})
    assert bad.status_code == 400
    assert "https://" in bad.content.decode()
    assert not OnboardingItem.objects.filter(title="Lesen").exists()
    assert client.post(url, {"title": "Lesen", "link": "https://example.org/x"}).status_code == 302
    item = OnboardingItem.objects.get(title="Lesen")
    assert item.position == OnboardingItem.objects.exclude(pk=item.pk).count() + 1
    edit = reverse("circles:onboarding_step_edit", args=[item.pk])
    assert client.post(edit, {"title": "Lesen!", "position": "0"}).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.position, item.link) == ("Lesen!", 0, "")
    client.post(reverse("circles:onboarding_step_delete", args=[item.pk]))
    assert not OnboardingItem.objects.filter(pk=item.pk).exists()


def test_members_cannot_edit_steps(user: User) -> None:
    with pytest.raises(PermissionRefused):
        programme_services.onboarding_item_save(by=user, title="X")


# --- stories -------------------------------------------------------------------------------


def test_a_story_is_a_company_post_listed_on_both_pages(
    connector: User, user: User, client_for: Callable[[User | None], Client]
) -> None:
    story = programme_services.story_create(
        by=connector, kind="helped", body="Frau M. nutzt jetzt **Teams**-Kanäle."
    )
    assert story.post.scope == Post.Scope.COMPANY and story.post.author == connector
    assert "#Connectoren" in story.post.body
    assert Post.objects.visible_to(user).filter(pk=story.post.pk).exists()
    client = client_for(user)
    for url in (reverse("circles:stories"), reverse("circles:multipliers")):
        assert "Frau M. nutzt jetzt" in client.get(url).content.decode()


def test_story_validation_and_permission(connector: User, user: User) -> None:
    with pytest.raises(ServiceError) as empty:
        programme_services.story_create(by=connector, kind="helped", body="  ")
    assert empty.value.code == "body"
    with pytest.raises(ServiceError):
        programme_services.story_create(by=connector, kind="boast", body="x")
    with pytest.raises(PermissionRefused):
        programme_services.story_create(by=user, kind="helped", body="x")
    assert not ConnectorStory.objects.exists() and not Post.objects.exists()


def test_story_form_and_tagging_an_own_post(
    connector: User, user: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(connector)
    url = reverse("circles:story_new")
    assert (
        client.post(url, {"action": "write", "kind": "experiment", "body": ""}).status_code == 400
    )
    response = client.post(url, {"action": "write", "kind": "experiment", "body": "Versuch"})
    assert response.status_code == 302
    own = post_create(author=connector, body="Frühere Hilfe", scope=Post.Scope.COMPANY)
    foreign = post_create(author=user, body="Fremd", scope=Post.Scope.COMPANY)
    assert (
        client.post(url, {"action": "tag", "post": foreign.pk, "kind": "helped"}).status_code == 400
    )
    assert client.post(url, {"action": "tag", "post": own.pk, "kind": "helped"}).status_code == 302
    assert set(ConnectorStory.objects.values_list("kind", flat=True)) == {"experiment", "helped"}
    with pytest.raises(PermissionRefused):
        programme_services.story_tag(by=connector, post=foreign, kind="helped")


def test_a_story_in_a_hidden_place_is_not_listed(
    connector: User, user: User, make_community: Callable[..., Community]
) -> None:
    secret = make_community(owner=connector, kind="secret")
    post = post_create(author=connector, body="Nur intern", community=secret)
    ConnectorStory.objects.create(post=post, author=connector, kind="helped")
    assert programme.stories_for(viewer=connector).count() == 1
    assert programme.stories_for(viewer=user).count() == 0


# --- the schematic map ---------------------------------------------------------------------


def test_the_map_counts_connectoren_per_place(
    approve: Callable[..., User],
    org: dict[str, Any],
    make_user: Callable[..., User],
    client_for: Callable[[User | None], Client],
) -> None:
    Location.objects.create(name="Filiale Ratzeburg", kind=Location.Kind.BRANCH)
    approve(location=org["moelln_location"])
    approve(location=org["moelln_location"])
    viewer = make_user(location=org["moelln_location"])
    found = programme.coverage_map(viewer=viewer)
    counts = {r.location.name: (r.count, r.mine) for r in found.rows}
    assert counts["Filiale Mölln"] == (2, True)
    assert counts["Filiale Ratzeburg"][0] == 0
    assert (found.covered, found.total) == (1, 3)
    assert found.rows[0].location.name == "Hauptstelle"
    page = client_for(viewer).get(reverse("circles:multipliers")).content.decode()
    svg = page[page.index('<svg class="schematic-map') : page.rindex("</svg>")]
    assert "map-node--many map-node--mine" in svg and "map-node--none" in svg
    assert " style=" not in page and "<script>" not in page
    assert re.search(r"<th scope=\"row\">Filiale Mölln.*?<td class=\"num\">2</td>", page, re.S)


def test_the_map_layout_keeps_panels_apart() -> None:
    from hanse.circles import schematic  # why: this test only

    nodes = [schematic.Node(i, f"Filiale {i}", "", i % 3, False) for i in range(7)]
    wide = schematic.layout([("A", nodes[:5]), ("B", nodes[5:]), ("C", [])], columns=2, per_row=3)
    a, b, c = wide.panels
    assert a.x != b.x and c.y > b.y
    assert all(a.x < n.x < a.x + a.width and a.y < n.y < a.y + a.height for n in a.nodes)
    assert max(p.y + p.height for p in wide.panels) <= wide.height


# --- every new surface for every actor -----------------------------------------------------

SURFACES = [
    ("get", "circles:onboarding", False),
    ("post", "circles:onboarding_tick", True),
    ("get", "circles:onboarding_steps", False),
    ("get", "circles:onboarding_step_edit", True),
    ("post", "circles:onboarding_step_delete", True),
    ("get", "circles:stories", False),
    ("get", "circles:story_new", False),
    ("get", "circles:multipliers", False),
]
# Who may use which surface: 200 (or a redirect after a write), else 404; anonymous: login.
ALLOWED = {
    "circles:onboarding": {"connector"},
    "circles:onboarding_tick": {"connector"},
    "circles:onboarding_steps": {"coordinator", "admin"},
    "circles:onboarding_step_edit": {"coordinator", "admin"},
    "circles:onboarding_step_delete": {"coordinator", "admin"},
    "circles:stories": {"member", "connector", "pending", "coordinator", "admin"},
    "circles:story_new": {"connector"},
    "circles:multipliers": {"member", "connector", "pending", "coordinator", "admin"},
}


@pytest.mark.parametrize(
    "actor", ["anonymous", "member", "pending", "connector", "coordinator", "admin"]
)
def test_permission_table(
    actor: str,
    connector: User,
    coordinator: User,
    admin_user: User,
    make_user: Callable[..., User],
    client_for: Callable[[User | None], Client],
) -> None:
    pending = make_user()
    services.multiplier_volunteer(user=pending, topics="Teams")
    person = {
        "anonymous": None,
        "member": make_user(),
        "pending": pending,
        "connector": connector,
        "coordinator": coordinator,
        "admin": admin_user,
    }[actor]
    item = OnboardingItem.objects.first()
    assert item is not None
    for method, name, with_item in SURFACES:
        url = reverse(name, args=[item.pk] if with_item else [])
        response = getattr(client_for(person), method)(
            url, {"done": "1"} if method == "post" else {}
        )
        if person is None:
            assert response.status_code == 302 and "login" in response["Location"], name
        elif actor in ALLOWED[name]:
            assert response.status_code in (200, 302), (name, response.status_code)
        else:
            assert response.status_code == 404, (name, actor, response.status_code)
    # Nobody but the Connector ticked anything; the step is gone only where deleting was allowed.
    assert set(OnboardingTick.objects.values_list("user_id", flat=True)) <= {connector.pk}
    assert rules.may_onboard(connector)
    assert not Multiplier.objects.filter(user=pending, status="approved").exists()


# --- API -----------------------------------------------------------------------------------


def test_api_onboarding_stories_and_places(
    connector: User, user: User, client_for: Callable[[User | None], Client]
) -> None:
    import json  # why: only the API tests send JSON

    api = client_for(connector)
    steps = api.get("/api/v1/circles/multipliers/onboarding").json()
    assert steps["total"] == OnboardingItem.objects.count()
    first = steps["items"][0]["id"]
    url = f"/api/v1/circles/multipliers/onboarding/{first}"
    ticked = api.put(url, json.dumps({"done": True}), content_type="application/json")
    assert ticked.status_code == 200 and ticked.json()["done"] is True
    other = client_for(user)
    assert other.get("/api/v1/circles/multipliers/onboarding").status_code == 404
    assert (
        other.put(url, json.dumps({"done": True}), content_type="application/json").status_code
        == 404
    )
    created = api.post(
        "/api/v1/circles/multipliers/stories",
        json.dumps({"kind": "helped", "body": "Geholfen"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    refused = other.post(
        "/api/v1/circles/multipliers/stories",
        json.dumps({"kind": "helped", "body": "Ich auch"}),
        content_type="application/json",
    )
    assert refused.status_code == 403
    listed = other.get("/api/v1/circles/multipliers/stories").json()
    assert [s["body"] for s in listed["items"]] == ["Geholfen\n\n#Connectoren"]
    assert other.get("/api/v1/circles/multipliers/places").status_code == 200
    assert client_for(None).get("/api/v1/circles/multipliers/stories").status_code == 401


def test_pages_issue_a_fixed_number_of_queries(
    approve: Callable[..., User],
    org: dict[str, Any],
    user: User,
    client_for: Callable[[User | None], Client],
) -> None:
    """The Connectoren page and the stories page cost the same with 2 or 6 Connectoren."""
    from django.db import connection  # why: counting queries in this test only
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        client = client_for(user)
        client.get(url)  # warm the per-request caches (session, permissions)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            loc = Location.objects.create(name=f"Filiale Q{Location.objects.count()}")
            person = approve(location=loc)
            programme_services.story_create(by=person, kind="helped", body=f"Geschichte {i}")

    add(2)
    pages = [reverse("circles:multipliers"), reverse("circles:stories")]
    before = [count(url) for url in pages]
    add(4)
    assert [count(url) for url in pages] == before
    assert before[0] <= 40 and before[1] <= 20, before
