"""Content kept under the pseudonym of an erased person ("Former employee") names it without a
link: that account has no profile (its page is a 404). Stream, post, comments, reactions, a
shared post, chat, events and ideas; the API's person reference says so with ``is_former``.
The same for a deactivated account (a leaver, or a person whose erasure is under way): its
name stays, its profile link does not ({% person_link %}, hanse/people/templatetags)."""

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
from hanse.core import personal_data
from hanse.events.models import Event
from hanse.events.services.events import event_create
from hanse.ideas.models import Idea
from hanse.ideas.services import idea_create
from hanse.participation.models import PraiseValue
from hanse.participation.praise import praise_create
from hanse.posts.models import Comment, Post, Reaction
from hanse.posts.services.comments import comment_create
from hanse.posts.services.posts import post_create
from hanse.posts.services.reactions import reaction_add
from hanse.privacy.erasure import _pseudonym, erasure_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(make_user: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """Anna's post, comment, reaction, chat message, event and idea; Zoe comments, shares and
    praises Anna."""
    anna = make_user("annab", first_name="Anna", last_name="Becker")
    zoe = make_user("zoe")
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=anna, body="Zinsen steigen", scope=Post.Scope.COMPANY)
        comment = comment_create(post=post, author=anna, body="Anna kommentiert")
        comment_create(post=post, author=zoe, body="Zoe kommentiert")
        reaction_add(user=anna, kind="like", post=post)
        shared = post_create(author=zoe, body="Lest das", shared_post=post)
        channel = chat.channel_create(by=anna, name="Kaffeeküche", kind="public")
        chat.channel_join(channel=channel, user=zoe)
        chat.message_post(channel=channel, author=anna, body="Hallo aus dem Chat")
        start = timezone.now() + timedelta(days=7)
        event = event_create(
            by=anna, start=start, end=start + timedelta(hours=1), title="Treffen", description="d"
        )
        idea = idea_create(author=anna, title="Papierlos", description="Tablet statt Papier")
        value = PraiseValue.objects.create(name="Mut")
        praise_create(author=zoe, recipient=anna, value=value, message="Danke, Anna")
    return {
        "anna": anna,
        "zoe": zoe,
        "post": post,
        "comment": comment,
        "shared": shared,
        "channel": channel,
        "event": event,
        "idea": idea,
    }


@pytest.fixture
def kept(content: dict[str, Any]) -> dict[str, Any]:
    """Anna's content moved to a pseudonym, as the pseudonymising erasure moves it
    (``keep_or_delete``)."""
    anna = content["anna"]
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
    return {**content, "pseudonym": pseudonym}


def _profile(person: Any) -> str:
    return reverse("people:profile", args=[person.username])


def _urls(content: dict[str, Any]) -> dict[str, str]:
    return {
        "stream": reverse("posts:company"),
        "post": reverse("posts:detail", args=[content["post"].pk]),
        "reactors": reverse("posts:reactors", args=[content["post"].pk]),
        "shared": reverse("posts:detail", args=[content["shared"].pk]),
        "chat": reverse("chat:channel", args=[content["channel"].pk]),
        "chat_members": reverse("chat:members", args=[content["channel"].pk]),
        "event": reverse("events:detail", args=[content["event"].pk]),
        "idea": reverse("ideas:idea", args=[content["idea"].pk]),
        "praise": reverse("people:profile", args=[content["zoe"].username]),
    }


@pytest.mark.parametrize(
    "page",
    ["stream", "post", "reactors", "shared", "chat", "event", "idea"],
)
def test_the_pseudonym_is_named_without_a_link(
    kept: dict[str, Any], client_for: Any, page: str
) -> None:
    """The name is there, its profile link is not (and that profile is indeed a 404)."""
    urls = _urls(kept)
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


@pytest.mark.parametrize(
    "page",
    ["stream", "post", "reactors", "shared", "chat", "chat_members", "event", "idea", "praise"],
)
def test_a_deactivated_person_is_named_without_a_link(
    content: dict[str, Any], client_for: Any, admin_user: Any, page: str
) -> None:
    """While Anna's erasure is under way her account is deactivated at once and her profile
    is a 404: her cards show her name, unlinked (as for anyone who left)."""
    anna = content["anna"]
    # Queued, not run: the state between the request and the task.
    erasure_request(user=anna, by=admin_user, policy=personal_data.PSEUDONYMISE)
    anna.refresh_from_db()
    assert not anna.is_active
    client = client_for(content["zoe"])
    response = client.get(_urls(content)[page])
    assert response.status_code == 200
    html = response.content.decode()
    assert _profile(anna) not in html
    assert "Anna Becker" in html
    if page in ("stream", "post", "shared", "chat_members"):
        assert _profile(content["zoe"]) in html
    assert client.get(_profile(anna)).status_code == 404


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
