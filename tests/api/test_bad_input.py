"""Bad input answers a clear 4xx in the caller's language and the one error shape, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from hanse.api.services import token_create
from hanse.chat import services as chat_services
from hanse.posts.services.posts import post_create

HUGE = "99999999999999999999"
LONE_SURROGATE_BODY = '{"body": "x\\ud800y"}'


@pytest.fixture
def world(make_user: Any, make_community: Any) -> dict[str, Any]:
    anna = make_user("anna", first_name="Anna", last_name="Becker")
    anna.groups.add(Group.objects.get(name="Kommunikation"))
    community = make_community(owner=anna, name="Kaffeeküche")
    post = post_create(author=anna, body="Moin", community=community)
    channel = chat_services.channel_create(by=anna, name="Allgemein", kind="public")
    token = token_create(user=anna, name="probe").raw
    return {"anna": anna, "post": post, "channel": channel, "token": token}


def _client(world: dict[str, Any], language: str = "en") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {world['token']}", HTTP_ACCEPT_LANGUAGE=language)


def _assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["code"], str)
    return body


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/people?offset={HUGE}",
        f"/api/v1/communities?offset={HUGE}",
        f"/api/v1/announcements?offset={HUGE}",
        f"/api/v1/people?limit={HUGE}",
        f"/api/v1/posts/{HUGE}",
        f"/api/v1/chat/channels/1/messages?after={HUGE}",
        f"/api/v1/chat/channels/{HUGE}/messages",
        f"/api/v1/comments/{HUGE}/reactions",
        f"/api/v1/events/{HUGE}",
        f"/api/v1/announcements/{HUGE}",
        f"/api/v1/ideas/experiments/log?unit={HUGE}",
        "/api/v1/ideas/experiments/log?year=100000",
    ],
)
def test_huge_numbers_are_refused(world, path):
    """An id, offset or limit beyond a 64-bit integer is a 422 naming the field, not a 500."""
    body = _assert_error(_client(world).get(path), 422)
    assert body["code"] == "invalid"
    assert body["errors"]


def test_huge_audience_id_is_refused(world):
    """A huge org unit id in an announcement's audience is a 422, and nothing is written."""
    payload = {"title": "T", "body": "B", "audience": [int(HUGE)], "is_draft": True}
    response = _client(world).post(
        "/api/v1/announcements", json.dumps(payload), content_type="application/json"
    )
    _assert_error(response, 422)
    assert world["anna"].announcements.count() == 0


def _surrogate_targets(world: dict[str, Any]) -> list[tuple[str, str]]:
    post, channel = world["post"], world["channel"]
    return [
        ("post", "/api/v1/posts"),
        ("comment", f"/api/v1/posts/{post.pk}/comments"),
        ("chat", f"/api/v1/chat/channels/{channel.pk}/messages"),
    ]


@pytest.mark.parametrize("target", ["post", "comment", "chat"])
def test_lone_surrogate_is_refused(world, target):
    """Text with a lone UTF-16 surrogate (unencodable) is a 422 in the caller's language."""
    paths = dict(_surrogate_targets(world))
    response = _client(world, "de").post(
        paths[target], LONE_SURROGATE_BODY, content_type="application/json"
    )
    body = _assert_error(response, 422)
    assert body["detail"] == "Die Eingabe ist ungültig. Bitte prüfe deine Angaben."
    assert body["errors"] == {"body": ["Der Text enthält ein Zeichen, das nicht erlaubt ist."]}


def test_lone_surrogate_in_a_patch_is_refused(world):
    """Editing a post with a lone surrogate is refused the same way; the text stays."""
    post = world["post"]
    response = _client(world).patch(
        f"/api/v1/posts/{post.pk}", LONE_SURROGATE_BODY, content_type="application/json"
    )
    _assert_error(response, 422)
    post.refresh_from_db()
    assert post.body == "Moin"


@pytest.mark.parametrize(("language", "detail"), [("en", "too large"), ("de", "zu groß")])
def test_api_body_over_the_limit_is_413(world, settings, language, detail):
    """A request body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 in the error shape."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = json.dumps({"body": "x" * 2000})
    response = _client(world, language).post(
        "/api/v1/posts", payload, content_type="application/json"
    )
    body = _assert_error(response, 413)
    assert body["code"] == "too_large"
    assert detail in body["detail"]


@pytest.mark.parametrize(("language", "text"), [("en", "too large"), ("de", "zu groß")])
def test_form_body_over_the_limit_is_413_page(world, client_for, settings, language, text):
    """A form post over the limit is a 413 page saying so in the person's language."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_for(world["anna"])
    response = client.post("/posts/new/", {"body": "x" * 2000}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 413
    assert text in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events?start=0.5",
        "/api/v1/events?end=0.5",
        "/api/v1/events?start=12",
    ],
)
def test_numbers_are_not_times(world, path):
    """A bare number is not a time: the query is refused with a 422, not read as 1970."""
    body = _assert_error(_client(world).get(path), 422)
    assert body["code"] == "invalid"


def test_validation_error_shape(world):
    """Pydantic's validation errors come in the one error shape with `errors` per field."""
    response = _client(world, "de").get("/api/v1/people?limit=0")
    body = _assert_error(response, 422)
    assert body == {
        "detail": "Die Eingabe ist ungültig. Bitte prüfe deine Angaben.",
        "code": "invalid",
        "errors": {"limit": ["Bitte gib mindestens 1 an."]},
    }


def test_unauthenticated_error_shape(db):
    """A call without credentials is a 401 in the one error shape."""
    response = Client(HTTP_ACCEPT_LANGUAGE="de").get("/api/v1/people")
    body = _assert_error(response, 401)
    assert body["code"] == "unauthenticated"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/people/%00", "/api/v1/communities/a%00b", "/api/v1/people?q=%00", "/api/v1/tags/%00"],
)
def test_nul_in_an_api_address_is_refused(world, path):
    """A NUL in the path or query (PostgreSQL cannot compare it: a 500) is a 400 in German."""
    body = _assert_error(_client(world, "de").get(path), 400)
    assert body["detail"] == "Der Text enthält ein Zeichen, das nicht erlaubt ist."


def test_nul_in_a_page_address_is_refused(world, client_for):
    """Pages refuse a NUL in the address the same way, with a page in the person's language."""
    response = client_for(world["anna"]).get("/people/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The text contains a character that is not allowed." in response.content.decode()
