from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from hanse.api.services import token_create
from hanse.chat.models import Channel, Message

pytestmark = pytest.mark.django_db


def _bearer(user: Any) -> dict[str, str]:
    raw = token_create(user=user, name="Bot")
    token = raw.raw
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_bot_posts_with_token_idempotently(
    people: dict[str, Any], private_channel: Channel
) -> None:
    """A bot posts with a token; the same client_id returns the stored message (200)."""
    client, auth = Client(), _bearer(people["ben"])
    cid = str(uuid.uuid4())
    url = f"/api/v1/chat/channels/{private_channel.pk}/messages"
    first = client.post(
        url, {"body": "Build grün", "client_id": cid}, content_type="application/json", **auth
    )
    again = client.post(
        url, {"body": "Build grün", "client_id": cid}, content_type="application/json", **auth
    )
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Message.objects.count() == 1


def test_api_refuses_outsider(people: dict[str, Any], private_channel: Channel) -> None:
    """A token of a non-member gets 404 for a private channel and cannot post."""
    client, auth = Client(), _bearer(people["cara"])
    url = f"/api/v1/chat/channels/{private_channel.pk}/messages"
    assert client.get(url, **auth).status_code == 404
    response = client.post(url, {"body": "x"}, content_type="application/json", **auth)
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_api_channels_members_history(people: dict[str, Any], client_for: Any) -> None:
    """Create, invite, list members, post, page history, react, mark read."""
    client = client_for(people["anna"])
    created = client.post(
        "/api/v1/chat/channels",
        {"name": "Projekt", "kind": "private", "members": ["ben"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    cid = created.json()["id"]
    members = client.get(f"/api/v1/chat/channels/{cid}/members").json()["items"]
    assert {m["person"]["username"] for m in members} == {"anna", "ben"}
    ids = [
        client.post(
            f"/api/v1/chat/channels/{cid}/messages",
            {"body": f"m{i}"},
            content_type="application/json",
        ).json()["id"]
        for i in range(5)
    ]
    page = client.get(f"/api/v1/chat/channels/{cid}/messages?limit=2").json()
    assert [m["id"] for m in page["items"]] == ids[3:] and page["next_cursor"]
    older = client.get(
        f"/api/v1/chat/channels/{cid}/messages", {"limit": 2, "cursor": page["next_cursor"]}
    ).json()
    assert [m["id"] for m in older["items"]] == ids[1:3]
    oldest = client.get(
        f"/api/v1/chat/channels/{cid}/messages", {"limit": 2, "cursor": older["next_cursor"]}
    ).json()
    assert ([m["id"] for m in oldest["items"]], oldest["next_cursor"]) == (ids[:1], None)
    newer = client.get(f"/api/v1/chat/channels/{cid}/messages?limit=2&after={ids[0]}").json()
    assert [m["id"] for m in newer["items"]] == ids[1:3]
    rest = client.get(
        f"/api/v1/chat/channels/{cid}/messages", {"limit": 2, "cursor": newer["next_cursor"]}
    ).json()
    assert [m["id"] for m in rest["items"]] == ids[3:]
    react = client.post(
        f"/api/v1/chat/channels/{cid}/messages/{ids[0]}/reactions",
        {"kind": "celebrate"},
        content_type="application/json",
    ).json()
    assert react == {"kind": "celebrate", "reacted": True, "count": 1}
    ben = client_for(people["ben"])
    assert ben.get(f"/api/v1/chat/channels/{cid}").json()["unread"] == 5
    read = ben.post(
        f"/api/v1/chat/channels/{cid}/read",
        {"last_read_id": ids[4]},
        content_type="application/json",
    ).json()
    assert read == {"last_read_id": ids[4]}


def test_api_group_limit_message(people: dict[str, Any], make_user: Any, client_for: Any) -> None:
    """The API explains the group limit."""
    names = [make_user().username for _ in range(15)]
    response = client_for(people["anna"]).post(
        "/api/v1/chat/direct", {"people": names}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "at most 15 people" in response.json()["detail"]
