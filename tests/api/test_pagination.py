"""Every API list pages one of two ways (hanse/api/pagination.py): by cursor or by offset."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hanse.api.pagination import encode_cursor
from hanse.api.urls import api
from hanse.events.services import events as event_services
from hanse.posts.services.comments import comment_create
from hanse.posts.services.posts import post_create

CURSOR_PAGE = {"items", "next_cursor"}
OFFSET_PAGE = {"items", "total", "limit", "offset"}


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _lists(doc: dict[str, Any]) -> list[tuple[str, set[str], set[str], dict[str, Any]]]:
    """(path, page fields, query parameters, 200 schema) of every GET that answers a list."""
    found = []
    for path, operations in doc["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        content = operation["responses"].get(200, {}).get("content", {})
        schema = _resolve(doc, content.get("application/json", {}).get("schema", {}))
        fields = set(schema.get("properties", {}))
        params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if schema.get("type") == "array" or "items" in fields:
            found.append((path, fields, params, schema))
    return found


# A page may carry facts about the whole result next to the page, never instead of it: search
# counts its hits per type and can say why the query was shortened.
PAGE_EXTRAS = {"/api/v1/search/": {"counts", "more", "message"}}


def test_every_list_is_a_cursor_or_an_offset_page(db):
    """No list answers a bare array or a shape of its own: one of the two pages, with its query."""
    doc = api.get_openapi_schema()
    lists = _lists(doc)
    assert len(lists) >= 20
    for path, fields, params, schema in lists:
        assert schema.get("type") != "array", path
        if fields == CURSOR_PAGE:
            assert {"cursor", "limit"} <= params, path
        else:
            assert fields - PAGE_EXTRAS.get(path, set()) == OFFSET_PAGE, path
            assert {"limit", "offset"} <= params, path


@pytest.fixture
def anna_client(make_user, client_for):
    anna = make_user("anna")
    return anna, client_for(anna)


@pytest.mark.parametrize(
    "cursor",
    [
        "kein-cursor!",  # not base64
        "bm9wZQ",  # base64 of "nope": not JSON
        encode_cursor("2026-04-07T15:00:00+02:00"),  # a time where an id belongs
        encode_cursor(0),
        encode_cursor(True),
        "x" * 300,
    ],
)
def test_a_cursor_we_did_not_give_out_is_a_422(anna_client, cursor):
    """A cursor that is not one of ours is refused in the one error shape, naming `cursor`."""
    _, client = anna_client
    response = client.get("/api/v1/feed", {"cursor": cursor})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["cursor"]


def test_a_feed_cursor_is_no_notifications_cursor(anna_client):
    """Each stream reads only the kind of position it gave out."""
    _, client = anna_client
    response = client.get("/api/v1/notifications", {"cursor": encode_cursor(12)})
    assert response.status_code == 422
    response = client.get("/api/v1/chat/channels/1/messages", {"cursor": encode_cursor(12)})
    assert response.status_code in (404, 422)  # the channel is checked first


def test_comments_page_by_cursor(anna_client):
    """Comments come oldest first, `limit` at a time, and the last page says so."""
    anna, client = anna_client
    post = post_create(author=anna, body="Frage")
    ids = [comment_create(post=post, author=anna, body=f"Antwort {i}").pk for i in range(3)]
    url = f"/api/v1/posts/{post.pk}/comments"
    first = client.get(url, {"limit": 2}).json()
    assert [c["id"] for c in first["items"]] == ids[:2]
    second = client.get(url, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert ([c["id"] for c in second["items"]], second["next_cursor"]) == (ids[2:], None)


def test_calendar_pages_by_cursor_and_keeps_its_range(anna_client):
    """The calendar pages by start time; the cursor carries the asked range to later pages."""
    anna, client = anna_client
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    event_services.event_create(
        by=anna,
        title="Daily",
        description="",
        start=start,
        end=start + timedelta(hours=1),
        time_zone="Europe/Berlin",
        rrule="FREQ=DAILY;COUNT=5",
    )
    span = {"start": start.isoformat(), "end": (start + timedelta(days=3, hours=1)).isoformat()}
    first = client.get("/api/v1/events", {**span, "limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get("/api/v1/events", {"limit": 2, "cursor": first["next_cursor"]}).json()
    # Four days in the range: the fifth occurrence lies beyond it.
    assert len(second["items"]) == 2 and second["next_cursor"] is None
    starts = [o["start"] for o in first["items"] + second["items"]]
    assert starts == sorted(starts) and len(set(starts)) == 4


def test_offset_page_echoes_its_paging(anna_client, make_user):
    """An offset page says how many match in all and which slice it holds."""
    _, client = anna_client
    for i in range(3):
        make_user(f"person{i}")
    data = client.get("/api/v1/people", {"limit": 2, "offset": 1}).json()
    assert (data["total"], data["limit"], data["offset"], len(data["items"])) == (4, 2, 1, 2)
    assert json.loads(json.dumps(data)) == data


def test_a_bad_cursor_is_explained_in_german(anna_client):
    """The refusal of a cursor is in the caller's language."""
    _, client = anna_client
    response = client.get("/api/v1/feed", {"cursor": "kaputt!"}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.json()["errors"] == {
        "cursor": ["Dieser Cursor ist ungültig. Gib den next_cursor einer vorherigen Seite an."]
    }
