from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from hanse.api.services import token_create
from hanse.chat import services
from hanse.chat.models import Channel, Message
from hanse.people.models import User

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


# --- the API table: every endpoint x actor x kind of conversation -----------------------------

CHAT_ACTORS = ["anonymous", "outsider", "member", "owner", "admin"]
CHAT_KINDS = ["public", "private", "direct", "open_community", "secret_community"]
SECRET_TEXT = "Tischgeheimnis"


@dataclass
class ChatWorld:
    channel: Channel
    root: Message
    people: dict[str, User | None]
    newcomer: User


@pytest.fixture
def chat_world(make_user: Any, make_community: Any) -> Callable[[str], ChatWorld]:
    """A conversation of `kind`: the owner (channel admin, or the community's owner), a member,
    an outsider, a platform administrator who is in none of it, and one message with a reply."""

    def make(kind: str) -> ChatWorld:
        owner, member = make_user("owner_c"), make_user("member_c")
        if kind in ("public", "private"):
            channel = services.channel_create(
                by=owner, name=f"Tisch {kind}", kind=kind, members=[member]
            )
        elif kind == "direct":
            channel, _ = services.dm_open(by=owner, people=[member])
        else:
            community = make_community(
                kind.removesuffix("_community"), owner=owner, members=(member,)
            )
            channel = services.community_channel_ensure(community=community, user=owner)
            services.community_channel_ensure(community=community, user=member)
        root, _ = services.message_post(channel=channel, author=owner, body=SECRET_TEXT)
        services.message_post(channel=channel, author=member, body="Antwort", parent=root)
        return ChatWorld(
            channel=channel,
            root=root,
            people={
                "anonymous": None,
                "outsider": make_user("outsider_c"),
                "member": member,
                "owner": owner,
                "admin": make_user("admin_c", is_staff=True, is_superuser=True),
            },
            newcomer=make_user("newcomer_c"),
        )

    return make


def _chat_call(client: Any, surface: str, world: ChatWorld) -> Any:
    base = f"/api/v1/chat/channels/{world.channel.pk}"
    msg = f"{base}/messages/{world.root.pk}"
    calls: dict[str, tuple[str, str, dict[str, Any] | None]] = {
        "get": ("get", base, None),
        "members": ("get", f"{base}/members", None),
        "history": ("get", f"{base}/messages", None),
        "thread": ("get", f"{base}/messages?thread={world.root.pk}", None),
        "post": ("post", f"{base}/messages", {"body": "Neu"}),
        "react": ("post", f"{msg}/reactions", {"kind": "like"}),
        "edit": ("patch", msg, {"body": "Geändert"}),
        "delete": ("delete", msg, None),
        "join": ("post", f"{base}/join", None),
        "topic": ("put", f"{base}/topic", {"topic": "Neues Thema"}),
        "mute": ("put", f"{base}/mute", {"muted": True}),
        "read": ("post", f"{base}/read", {"last_read_id": world.root.pk}),
        "invite": ("post", f"{base}/members", {"people": [world.newcomer.username]}),
    }
    method, url, body = calls[surface]
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


# Outcome per surface, per actor, for (public, private, direct, open community, secret
# community): "<status>" or "<status>:t" when the message text appears. Private and direct
# conversations are 404 to everyone outside them, the platform administrator included; a
# community channel follows its community (an administrator reads a secret community, as on
# its pages, but may not write without joining it).
CHAT_TABLE: dict[str, dict[str, tuple[str, str, str, str, str]]] = {
    "get": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("200", "404", "404", "200", "404"),
        "member": ("200", "200", "200", "200", "200"),
        "owner": ("200", "200", "200", "200", "200"),
        "admin": ("200", "404", "404", "200", "200"),
    },
    "members": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("200", "404", "404", "200", "404"),
        "member": ("200", "200", "200", "200", "200"),
        "owner": ("200", "200", "200", "200", "200"),
        "admin": ("200", "404", "404", "200", "200"),
    },
    "history": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("200:t", "404", "404", "200:t", "404"),
        "member": ("200:t", "200:t", "200:t", "200:t", "200:t"),
        "owner": ("200:t", "200:t", "200:t", "200:t", "200:t"),
        "admin": ("200:t", "404", "404", "200:t", "200:t"),
    },
    "thread": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("200", "404", "404", "200", "404"),
        "member": ("200", "200", "200", "200", "200"),
        "owner": ("200", "200", "200", "200", "200"),
        "admin": ("200", "404", "404", "200", "200"),
    },
    "post": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("403", "404", "404", "403", "404"),
        "member": ("201", "201", "201", "201", "201"),
        "owner": ("201", "201", "201", "201", "201"),
        "admin": ("403", "404", "404", "403", "403"),
    },
    "react": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("403", "404", "404", "403", "404"),
        "member": ("200", "200", "200", "200", "200"),
        "owner": ("200", "200", "200", "200", "200"),
        "admin": ("403", "404", "404", "403", "403"),
    },
    "edit": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("403", "404", "404", "403", "404"),
        "member": ("403", "403", "403", "403", "403"),
        "owner": ("200", "200", "200", "200", "200"),
        "admin": ("403", "404", "404", "403", "403"),
    },
    "delete": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("403", "404", "404", "403", "404"),
        "member": ("403", "403", "403", "403", "403"),
        "owner": ("204", "204", "204", "204", "204"),
        "admin": ("403", "404", "404", "403", "403"),
    },
    "join": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("200", "404", "404", "403", "404"),
        "member": ("200", "200", "200", "200", "200"),
        "owner": ("200", "200", "200", "200", "200"),
        "admin": ("200", "404", "404", "403", "403"),
    },
    "topic": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("403", "404", "404", "403", "404"),
        "member": ("200", "403", "400", "403", "403"),
        "owner": ("200", "200", "400", "200", "200"),
        "admin": ("403", "404", "404", "403", "403"),
    },
    "mute": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("400", "404", "404", "400", "404"),
        "member": ("200", "200", "200", "200", "200"),
        "owner": ("200", "200", "200", "200", "200"),
        "admin": ("400", "404", "404", "400", "400"),
    },
    "read": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("200", "404", "404", "200", "404"),
        "member": ("200", "200", "200", "200", "200"),
        "owner": ("200", "200", "200", "200", "200"),
        "admin": ("200", "404", "404", "200", "200"),
    },
    "invite": {
        "anonymous": ("401", "401", "401", "401", "401"),
        "outsider": ("403", "404", "404", "403", "404"),
        "member": ("200", "403", "400", "400", "400"),
        "owner": ("200", "200", "400", "400", "400"),
        "admin": ("403", "404", "404", "403", "403"),
    },
}


@pytest.mark.parametrize("kind", CHAT_KINDS)
def test_api_table(kind: str, chat_world: Any, client_for: Any) -> None:
    """Every chat API surface, for every actor, answers as the table says; each call is
    undone before the next (a savepoint), so all see the same conversation."""
    world = chat_world(kind)
    wrong = []
    for surface, by_actor in CHAT_TABLE.items():
        for actor, outcomes in by_actor.items():
            expected = outcomes[CHAT_KINDS.index(kind)]
            point = transaction.savepoint()
            response = _chat_call(client_for(world.people[actor]), surface, world)
            transaction.savepoint_rollback(point)
            shown = "t" if SECRET_TEXT.encode() in response.content else ""
            got = f"{response.status_code}:{shown}".rstrip(":")
            if got != expected:
                wrong.append((surface, actor, expected, got))
    assert wrong == []
