"""Content kept under the pseudonym of an erased person ("Former employee") names it without a
link: that account has no profile (its page is a 404). Stream, post, comments, reactions, a
shared post, chat, events and ideas; the API's person reference says so with ``is_former``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hanse.api.services import token_create
from hanse.chat import services as chat
from hanse.chat.models import Message
from hanse.events.models import Event
from hanse.events.services.events import event_create
from hanse.ideas.models import Idea
from hanse.ideas.services import idea_create
from hanse.posts.models import Comment, Post, Reaction
from hanse.posts.services.comments import comment_create
from hanse.posts.services.posts import post_create
from hanse.posts.services.reactions import reaction_add
from hanse.privacy.erasure import _pseudonym

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(make_user: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """Anna's post, comment, reaction, chat message, event and idea moved to a pseudonym, as
    the pseudonymising erasure moves them (``keep_or_delete``); Zoe comments and shares."""
    anna, zoe = make_user("annab"), make_user("zoe")
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=anna, body="Zinsen steigen", scope=Post.Scope.COMPANY)
        comment = comment_create(post=post, author=anna, body="Anna kommentiert")
        comment_create(post=post, author=zoe, body="Zoe kommentiert")
        reaction_add(user=anna, kind="like", post=post)
        shared = post_create(author=zoe, body="Lest das", shared_post=post)
        channel = chat.channel_create(by=anna, name="Kaffeeküche", kind="public")
        chat.message_post(channel=channel, author=anna, body="Hallo aus dem Chat")
        start = timezone.now() + timedelta(days=7)
        event = event_create(
            by=anna, start=start, end=start + timedelta(hours=1), title="Treffen", description="d"
        )
        idea = idea_create(author=anna, title="Papierlos", description="Tablet statt Papier")
    pseudonym = _pseudonym()
    for model, field in (
        (Post, "author"),
        (Comment, "author"),
        (Reaction, "user"),
        (Message, "author"),
        (Event, "organiser"),
        (Idea, "author"),
    ):
        model.objects.filter(**{field: anna}).update(**{field: pseudonym})
    return {
        "zoe": zoe,
        "pseudonym": pseudonym,
        "post": post,
        "comment": comment,
        "shared": shared,
        "channel": channel,
        "event": event,
        "idea": idea,
    }


def _profile(person: Any) -> str:
    return reverse("people:profile", args=[person.username])


@pytest.mark.parametrize(
    "page",
    ["stream", "post", "reactors", "shared", "chat", "event", "idea"],
)
def test_the_pseudonym_is_named_without_a_link(
    kept: dict[str, Any], client_for: Any, page: str
) -> None:
    """The name is there, its profile link is not (and that profile is indeed a 404)."""
    urls = {
        "stream": reverse("posts:company"),
        "post": reverse("posts:detail", args=[kept["post"].pk]),
        "reactors": reverse("posts:reactors", args=[kept["post"].pk]),
        "shared": reverse("posts:detail", args=[kept["shared"].pk]),
        "chat": reverse("chat:channel", args=[kept["channel"].pk]),
        "event": reverse("events:detail", args=[kept["event"].pk]),
        "idea": reverse("ideas:idea", args=[kept["idea"].pk]),
    }
    client = client_for(kept["zoe"])
    response = client.get(urls[page])
    assert response.status_code == 200
    html = response.content.decode()
    pseudonym = kept["pseudonym"]
    assert _profile(pseudonym) not in html
    name = "Former colleague" if page == "chat" else "Former employee"
    assert name in html
    if page in ("stream", "post", "shared"):
        # A real person next to it keeps their link.
        assert _profile(kept["zoe"]) in html
    assert client.get(_profile(pseudonym)).status_code == 404


def test_the_pseudonym_link_in_german(kept: dict[str, Any], client_for: Any) -> None:
    """The same in German: the name, no link."""
    client = client_for(kept["zoe"])
    client.cookies["hanse_language"] = "de"
    html = client.get(
        reverse("posts:detail", args=[kept["post"].pk]), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Ehemalige:r Mitarbeiter:in" in html
    assert _profile(kept["pseudonym"]) not in html


def test_the_api_person_reference_says_former(kept: dict[str, Any]) -> None:
    """``is_former`` is true for the pseudonym and false for everyone else."""
    token = token_create(user=kept["zoe"], name="probe").raw
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = api.get(f"/api/v1/posts/{kept['post'].pk}").json()
    assert body["author"]["is_former"] is True
    assert body["author"]["display_name"] == "Former employee"
    comments = api.get(f"/api/v1/posts/{kept['post'].pk}/comments").json()
    flags = {c["body"]: c["author"]["is_former"] for c in comments["items"]}
    assert flags == {"Anna kommentiert": True, "Zoe kommentiert": False}
