"""Idempotency keys: a create sent twice (a lost answer, a double submit) makes one object,
and the retry gets the first one back with the same status."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hanse.core import idempotency
from hanse.core.models import IdempotencyKey
from hanse.events.models import Event
from hanse.people.models import User
from hanse.posts.models import Comment, Post
from hanse.posts.services import posts as post_services

KEY_RE = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')


def _post_json(client: Client, url: str, payload: dict[str, Any], key: str | None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


def _event_payload() -> dict[str, Any]:
    start = timezone.now() + timedelta(days=3)
    return {
        "title": "Stammtisch",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
    }


@pytest.fixture
def anna(make_user: Callable[..., User]) -> User:
    return make_user("anna")


@pytest.mark.parametrize(
    ("kind", "model"),
    [("post", Post), ("comment", Comment), ("event", Event)],
)
def test_api_create_retried_with_the_same_key_returns_the_first(anna, client_for, kind, model):
    """Same key, same person: one object, the same answer (201 and the same id) twice."""
    client = client_for(anna)
    url, payload = "/api/v1/posts", {"body": "Moin"}
    if kind == "comment":
        post = post_services.post_create(author=anna, body="Frage")
        url, payload = f"/api/v1/posts/{post.pk}/comments", {"body": "Antwort"}
    elif kind == "event":
        url, payload = "/api/v1/events", _event_payload()
    before = model.objects.count()
    first = _post_json(client, url, payload, "lost-answer-1")
    again = _post_json(client, url, payload, "lost-answer-1")
    assert first.status_code == again.status_code == 201, first.content
    assert first.json()["id"] == again.json()["id"]
    assert model.objects.count() == before + 1
    # Without a key, or with another one, a second request is a second object.
    assert _post_json(client, url, payload, "another-key").json()["id"] != first.json()["id"]
    _post_json(client, url, payload, None)
    assert model.objects.count() == before + 3


def test_the_same_key_of_two_people_makes_two_posts(anna, make_user, client_for):
    """Keys are per person: another person's key never returns someone else's post."""
    ben = make_user("ben")
    a = _post_json(client_for(anna), "/api/v1/posts", {"body": "Moin"}, "same")
    b = _post_json(client_for(ben), "/api/v1/posts", {"body": "Moin"}, "same")
    assert a.json()["id"] != b.json()["id"]
    assert Post.objects.get(pk=b.json()["id"]).author == ben


def test_a_key_that_is_too_long_is_refused(anna, client_for):
    """A 400 in the API's error shape; nothing is created."""
    response = _post_json(client_for(anna), "/api/v1/posts", {"body": "Moin"}, "x" * 101)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Post.objects.exists()


def test_composer_double_submit_creates_one_post(anna, client_for):
    """The composer carries a fresh key; sending the form twice publishes one post."""
    client = client_for(anna)
    page = client.get(reverse("posts:create")).content.decode()
    [key] = KEY_RE.findall(page)
    assert KEY_RE.findall(client.get(reverse("posts:create")).content.decode()) != [key]
    data = {"where": "company", "body": "Moin zusammen", "idempotency_key": key}
    first = client.post(reverse("posts:create"), data)
    again = client.post(reverse("posts:create"), data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Post.objects.count() == 1


def test_comment_form_double_submit_creates_one_comment(anna, client_for):
    """The comment form on a post's page carries a key; two submits, one comment."""
    post = post_services.post_create(author=anna, body="Frage")
    client = client_for(anna)
    page = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    key = KEY_RE.findall(page)[0]
    url = reverse("posts:comment_create", args=[post.pk])
    for _ in range(2):
        response = client.post(url, {"body": "Antwort", "idempotency_key": key})
        assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_event_form_double_submit_creates_one_event(anna, client_for):
    """The new-event form carries a key; two submits, one event, both sent to it."""
    client = client_for(anna)
    [key] = KEY_RE.findall(client.get(reverse("events:create")).content.decode())
    start = (timezone.localtime() + timedelta(days=7)).date()
    data = {
        "title": "Stammtisch",
        "description": "",
        "start_date": start.isoformat(),
        "start_time": "17:00",
        "end_date": "",
        "end_time": "19:00",
        "time_zone": "Europe/Berlin",
        "repeats": "none",
        "idempotency_key": key,
    }
    first = client.post(reverse("events:create"), data)
    again = client.post(reverse("events:create"), data)
    assert first.status_code == again.status_code == 302, first.content[:2000]
    assert first["Location"] == again["Location"]
    assert Event.objects.count() == 1


def test_expired_keys_are_forgotten(anna):
    """After 24 hours a key is free again, and the cleanup job removes it."""
    first = post_services.post_create(author=anna, body="Moin", idempotency_key="k")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency.delete_expired_keys.call() == 1
    second = post_services.post_create(author=anna, body="Moin", idempotency_key="k")
    assert second.pk != first.pk
    assert IdempotencyKey.objects.get().object_id == second.pk


def test_replay_of_a_deleted_post_is_not_found(anna):
    """The first post is gone: the retry answers as for any post that does not exist."""
    from hanse.core.errors import ServiceError

    post = post_services.post_create(author=anna, body="Moin", idempotency_key="k")
    post_services.post_delete(post=post, by=anna)
    with pytest.raises(ServiceError) as refused:
        post_services.post_create(author=anna, body="Moin", idempotency_key="k")
    assert refused.value.status == 404
    assert not Post.objects.exists()


@pytest.mark.parametrize("target", ["post", "comment"])
def test_reaction_form_sent_twice_keeps_the_reaction(anna, client_for, target):
    """The button asks for a state ("like:on"): sent twice it stays on, not toggled off."""
    from hanse.posts.models import Reaction
    from hanse.posts.services import comments as comment_services

    post = post_services.post_create(author=anna, body="Frage")
    comment = comment_services.comment_create(post=post, author=anna, body="Antwort")
    client = client_for(anna)
    page = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert 'name="kind" value="like:on"' in page
    url = (
        reverse("posts:react", args=[post.pk])
        if target == "post"
        else reverse("posts:comment_react", args=[comment.pk])
    )
    for _ in range(2):
        assert client.post(url, {"kind": "like:on"}).status_code == 302
    assert Reaction.objects.count() == 1
    for _ in range(2):
        client.post(url, {"kind": "like:off"})
    assert Reaction.objects.count() == 0
