"""Marking an existing post as a Connectoren story from the post itself, and taking the
mark off: the permission table (the Connector on their own post, another Connector on it,
a coordinator, an ordinary member, anonymous) on the card, the page endpoints and the API,
and the stories page listing what was marked."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hanse.circles.models import ConnectorStory
from hanse.circles.services import multipliers as services
from hanse.circles.services import programme as programme_services
from hanse.communities.models import Community
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.people.models import User
from hanse.posts.models import Post
from hanse.posts.services.posts import post_create

pytestmark = pytest.mark.django_db

ACTORS = ["multiplier_own", "multiplier_other", "coordinator", "member", "anonymous"]
# Who may mark and unmark the Connector's company-wide post.
MAY = {"multiplier_own", "coordinator"}
MARK_LABEL = "Mark as Connectoren story"
UNMARK_LABEL = "Remove the story mark"


@pytest.fixture
def cast(make_user: Callable[..., User], coordinator: User, committed: Any) -> dict[str, Any]:
    def approve(**fields: Any) -> User:
        person = make_user(**fields)
        m = services.multiplier_volunteer(user=person, topics="Teams")
        with committed():
            services.multiplier_decide(by=coordinator, multiplier=m, approve=True)
        return person

    connector = approve(first_name="Conny", last_name="Connector")
    people: dict[str, User | None] = {
        "multiplier_own": connector,
        "multiplier_other": approve(first_name="Otto", last_name="Connector"),
        "coordinator": coordinator,
        "member": make_user("mitglied"),
        "anonymous": None,
    }
    post = post_create(
        author=connector,
        body="Heute habe ich der Filiale Mölln Teams-Kanäle erklärt.",
        scope=Post.Scope.COMPANY,
    )
    return {"people": people, "post": post, "connector": connector}


def _is_login(response: Any) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def _client(cast: dict[str, Any], actor: str, client_for: Callable[..., Client]) -> Client:
    return client_for(cast["people"][actor])


@pytest.mark.parametrize("actor", ACTORS)
def test_the_button_on_the_post(actor, cast, client_for):
    """The mark is offered on the post (its page and the company stream) only to who may."""
    client = _client(cast, actor, client_for)
    post = cast["post"]
    for url in (reverse("posts:detail", args=[post.pk]), reverse("posts:company")):
        response = client.get(url)
        if actor == "anonymous":
            assert _is_login(response)
            continue
        assert response.status_code == 200, url
        html = response.content.decode()
        assert (MARK_LABEL in html) == (actor in MAY), (url, actor)
        assert (reverse("circles:story_mark", args=[post.pk]) in html) == (actor in MAY)
    if actor in MAY:
        programme_services.story_tag(by=cast["connector"], post=post, kind="helped")
        html = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
        assert UNMARK_LABEL in html and MARK_LABEL not in html


@pytest.mark.parametrize("actor", ACTORS)
def test_mark_and_unmark_pages(actor, cast, client_for):
    client = _client(cast, actor, client_for)
    post = cast["post"]
    detail = reverse("posts:detail", args=[post.pk])
    marked = client.post(
        reverse("circles:story_mark", args=[post.pk]), {"kind": "experiment", "next": detail}
    )
    if actor == "anonymous":
        assert _is_login(marked)
        assert not ConnectorStory.objects.exists()
        return
    if actor not in MAY:
        assert marked.status_code == 403
        assert not ConnectorStory.objects.exists()
        # Marked by its author, the mark stays whatever they send.
        programme_services.story_tag(by=cast["connector"], post=post, kind="helped")
        unmarked = client.post(reverse("circles:story_unmark", args=[post.pk]))
        assert unmarked.status_code == 403
        assert ConnectorStory.objects.filter(post=post).exists()
        return
    assert marked.status_code == 302 and marked["Location"] == detail
    story = ConnectorStory.objects.get(post=post)
    # The story stays the post author's, also when a coordinator marked it.
    assert story.author == cast["connector"] and story.kind == "experiment"
    unmarked = client.post(reverse("circles:story_unmark", args=[post.pk]))
    assert unmarked.status_code == 302
    assert not ConnectorStory.objects.exists()
    assert Post.objects.filter(pk=post.pk).exists()  # the post itself stays
    assert client.post(reverse("circles:story_unmark", args=[post.pk])).status_code == 404


@pytest.mark.parametrize("actor", ACTORS)
def test_mark_and_unmark_api(actor, cast, client_for):
    client = _client(cast, actor, client_for)
    post = cast["post"]
    url = f"/api/v1/circles/multipliers/stories/posts/{post.pk}"
    marked = client.put(url, json.dumps({"kind": "helped"}), content_type="application/json")
    if actor == "anonymous":
        assert marked.status_code == 401
        assert client.delete(url).status_code == 401
        return
    if actor not in MAY:
        assert marked.status_code == 403
        assert not ConnectorStory.objects.exists()
        programme_services.story_tag(by=cast["connector"], post=post, kind="helped")
        assert client.delete(url).status_code == 403
        assert ConnectorStory.objects.exists()
        return
    assert marked.status_code == 200, marked.content
    assert marked.json()["post_id"] == post.pk
    assert marked.json()["author"]["username"] == cast["connector"].username
    again = client.put(url, json.dumps({"kind": "experiment"}), content_type="application/json")
    assert again.status_code == 200 and again.json()["kind"] == "helped"  # the first mark stays
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 404
    assert not ConnectorStory.objects.exists()


def test_the_stories_page_shows_a_marked_post(cast, client_for):
    post = cast["post"]
    member = client_for(cast["people"]["member"])
    page = reverse("circles:stories")
    assert "Teams-Kanäle" not in member.get(page).content.decode()
    client_for(cast["connector"]).post(
        reverse("circles:story_mark", args=[post.pk]), {"kind": "helped"}
    )
    assert "Teams-Kanäle" in member.get(page).content.decode()
    listed = member.get("/api/v1/circles/multipliers/stories").json()
    assert [s["post_id"] for s in listed["items"]] == [post.pk]
    client_for(cast["people"]["coordinator"]).post(reverse("circles:story_unmark", args=[post.pk]))
    assert "Teams-Kanäle" not in member.get(page).content.decode()


def test_posts_in_a_community_are_not_offered(cast, make_community, client_for):
    """A community post never becomes a story (the stories page is for everyone)."""
    connector = cast["connector"]
    community = make_community(Community.Kind.OPEN, owner=connector)
    post = post_create(author=connector, body="Nur für uns", community=community)
    html = client_for(connector).get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert MARK_LABEL not in html
    with pytest.raises(ServiceError) as refused:
        programme_services.story_tag(by=connector, post=post, kind="helped")
    assert refused.value.code == "scope"
    with pytest.raises(PermissionRefused):
        programme_services.story_tag(by=cast["people"]["member"], post=cast["post"], kind="helped")


def test_an_invisible_post_is_404(cast, make_user, make_community, client_for):
    """A post in a secret community the coordinator cannot read: 404, not 403."""
    owner = make_user("heimlich")
    secret = make_community(Community.Kind.SECRET, owner=owner)
    post = post_create(author=owner, body="Geheim", community=secret)
    client = client_for(cast["people"]["coordinator"])
    assert (
        client.post(reverse("circles:story_mark", args=[post.pk]), {"kind": "helped"}).status_code
        == 404
    )
    url = f"/api/v1/circles/multipliers/stories/posts/{post.pk}"
    put = client.put(url, json.dumps({"kind": "helped"}), content_type="application/json")
    assert put.status_code == 404
