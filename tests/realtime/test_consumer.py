"""The WebSocket endpoint: handshake, topic permissions, revocation, sending and its limits."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async

from hanse.chat.models import Channel, Message
from hanse.chat.services import channel_create, member_remove
from hanse.communities.models import Community
from hanse.posts.services.posts import post_create
from hanse.realtime import consumers
from hanse.realtime.publish import publish, publish_to_user
from tests.realtime.conftest import communicator

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def connected(cookie: str) -> Any:
    ws = communicator(cookie)
    ok, _sub = await ws.connect()
    assert ok
    hello = await ws.receive_json_from()
    assert hello["type"] == "hello"
    return ws


async def subscribe(ws: Any, *topics: str) -> list[dict[str, Any]]:
    """Subscribe; returns the error frames followed by the "subscribed" frame."""
    await ws.send_json_to({"action": "subscribe", "topics": list(topics)})
    frames = []
    while True:
        frame = await ws.receive_json_from()
        frames.append(frame)
        if frame["type"] == "subscribed":
            return frames


async def test_anonymous_connection_is_closed_with_4401() -> None:
    """Without a session the socket is closed at once with code 4401."""
    ws = communicator(None)
    ok, _sub = await ws.connect()
    assert ok
    closed = await ws.receive_output()
    assert closed == {"type": "websocket.close", "code": 4401}
    await ws.disconnect()


async def test_foreign_origin_is_refused(make_user: Any, cookie_for: Any) -> None:
    """A handshake from another site is refused even with a valid session cookie."""
    cookie = await database_sync_to_async(cookie_for)(await database_sync_to_async(make_user)())
    ws = communicator(cookie, origin=b"https://evil.example")
    ok, _sub = await ws.connect()
    assert ok is False


async def test_signed_in_person_gets_hello_and_own_user_events(
    make_user: Any, cookie_for: Any
) -> None:
    """The connection joins the person's group: publish_to_user reaches it."""
    person = await database_sync_to_async(make_user)()
    ws = await connected(await database_sync_to_async(cookie_for)(person))
    await database_sync_to_async(publish_to_user)(
        person.pk, {"type": "counter", "counter": "notifications"}
    )
    assert await ws.receive_json_from() == {
        "type": "counter",
        "counter": "notifications",
        "topic": "user",
    }
    await ws.disconnect()


def _private_world(make_user: Any, make_community: Any) -> dict[str, Any]:
    owner, outsider = make_user(), make_user()
    private_channel = channel_create(by=owner, name="Vorstand intern", kind=Channel.Kind.PRIVATE)
    secret = make_community(Community.Kind.SECRET, owner=owner)
    secret_post = post_create(author=owner, body="Nur für Mitglieder", community=secret)
    public_channel = channel_create(by=owner, name="Kaffeeküche")
    return {
        "owner": owner,
        "outsider": outsider,
        "private_channel": private_channel,
        "secret": secret,
        "secret_post": secret_post,
        "public_channel": public_channel,
    }


@pytest.mark.parametrize(
    ("topic", "who", "allowed"),
    [
        ("chat:{private_channel}", "outsider", False),
        ("chat:{private_channel}", "owner", True),
        ("chat:{public_channel}", "outsider", True),
        ("community:{secret}", "outsider", False),
        ("community:{secret}", "owner", True),
        ("post:{secret_post}", "outsider", False),
        ("post:{secret_post}", "owner", True),
        ("chat:999999", "owner", False),
        ("nonsense", "owner", False),
    ],
)
async def test_subscribe_checks_permission_per_topic(
    make_user: Any, make_community: Any, cookie_for: Any, topic: str, who: str, allowed: bool
) -> None:
    """Private channels, secret communities and their posts are refused to outsiders,
    with the same answer as for a topic that does not exist."""
    world = await database_sync_to_async(_private_world)(make_user, make_community)
    name = topic.format(**{k: getattr(v, "pk", None) for k, v in world.items()})
    ws = await connected(await database_sync_to_async(cookie_for)(world[who]))
    frames = await subscribe(ws, name)
    if allowed:
        assert frames == [{"type": "subscribed", "topics": [name]}]
    else:
        assert frames == [
            {
                "type": "error",
                "code": "forbidden",
                "message": "You cannot follow this topic.",
                "topic": name,
            },
            {"type": "subscribed", "topics": []},
        ]
    await ws.disconnect()


async def test_refused_topic_receives_nothing(
    make_user: Any, make_community: Any, cookie_for: Any
) -> None:
    """Events of a private channel never reach an outsider who tried to subscribe."""
    world = await database_sync_to_async(_private_world)(make_user, make_community)
    topic = f"chat:{world['private_channel'].pk}"
    ws = await connected(await database_sync_to_async(cookie_for)(world["outsider"]))
    await subscribe(ws, topic)
    await database_sync_to_async(publish)(topic, {"type": "chat.message", "id": 1})
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


async def test_removing_a_member_stops_delivery_at_once(make_user: Any, cookie_for: Any) -> None:
    """member_remove revokes the topic: the next message is not delivered."""
    owner, member = (
        await database_sync_to_async(make_user)(),
        await database_sync_to_async(make_user)(),
    )
    channel = await database_sync_to_async(channel_create)(
        by=owner, name="Projekt Filiale", kind=Channel.Kind.PRIVATE, members=[member]
    )
    topic = f"chat:{channel.pk}"
    ws = await connected(await database_sync_to_async(cookie_for)(member))
    assert (await subscribe(ws, topic))[-1]["topics"] == [topic]
    await database_sync_to_async(publish)(topic, {"type": "chat.message", "op": "x", "id": 1})
    assert (await ws.receive_json_from())["id"] == 1

    await database_sync_to_async(member_remove)(channel=channel, by=owner, user=member)
    assert await ws.receive_json_from() == {"type": "revoked", "topic": topic}
    await database_sync_to_async(publish)(topic, {"type": "chat.message", "op": "x", "id": 2})
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


def _chat_pair(make_user: Any) -> tuple[Any, Any, Channel]:
    alice, bob = make_user("alice"), make_user("bob")
    channel = channel_create(by=alice, name="Team Mölln", kind=Channel.Kind.PRIVATE, members=[bob])
    return alice, bob, channel


async def test_send_is_acknowledged_after_the_message_is_stored(
    make_user: Any, cookie_for: Any
) -> None:
    """The ack carries the stored id; the other member receives the message event."""
    alice, bob, channel = await database_sync_to_async(_chat_pair)(make_user)
    ws_alice = await connected(await database_sync_to_async(cookie_for)(alice))
    ws_bob = await connected(await database_sync_to_async(cookie_for)(bob))
    await subscribe(ws_bob, f"chat:{channel.pk}")
    client_id = str(uuid.uuid4())
    await ws_alice.send_json_to(
        {"action": "send", "channel": channel.pk, "body": "Moin!", "client_id": client_id}
    )
    ack = await ws_alice.receive_json_from()
    assert ack["type"] == "ack"
    assert ack["client_id"] == client_id
    assert ack["created"] is True
    stored = await database_sync_to_async(Message.objects.get)(pk=ack["id"])
    assert (stored.body, str(stored.client_id), stored.author_id) == ("Moin!", client_id, alice.pk)

    event = await ws_bob.receive_json_from()
    assert (event["type"], event["op"], event["id"]) == ("chat.message", "created", ack["id"])
    assert event["topic"] == f"chat:{channel.pk}"
    assert "Moin!" in event["html"]
    await ws_alice.disconnect()
    await ws_bob.disconnect()


async def test_resend_with_the_same_client_id_stores_once(make_user: Any, cookie_for: Any) -> None:
    """A resend after a lost ack returns the stored id and stores nothing new."""
    alice, _bob, channel = await database_sync_to_async(_chat_pair)(make_user)
    ws = await connected(await database_sync_to_async(cookie_for)(alice))
    frame = {
        "action": "send",
        "channel": channel.pk,
        "body": "Einmal",
        "client_id": str(uuid.uuid4()),
    }
    await ws.send_json_to(frame)
    first = await ws.receive_json_from()
    await ws.disconnect()
    ws = await connected(await database_sync_to_async(cookie_for)(alice))
    await ws.send_json_to(frame)
    second = await ws.receive_json_from()
    assert (second["type"], second["id"], second["created"]) == ("ack", first["id"], False)
    count = await database_sync_to_async(Message.objects.filter(channel=channel).count)()
    assert count == 1
    await ws.disconnect()


async def test_outsider_cannot_send_to_a_private_channel(make_user: Any, cookie_for: Any) -> None:
    """Sending to a channel one may not read fails like a missing one; nothing is stored."""
    _alice, _bob, channel = await database_sync_to_async(_chat_pair)(make_user)
    eve = await database_sync_to_async(make_user)("eve")
    ws = await connected(await database_sync_to_async(cookie_for)(eve))
    client_id = str(uuid.uuid4())
    await ws.send_json_to(
        {"action": "send", "channel": channel.pk, "body": "Hallo?", "client_id": client_id}
    )
    assert await ws.receive_json_from() == {
        "type": "error",
        "code": "not_found",
        "message": "This channel does not exist.",
        "client_id": client_id,
    }
    assert not await database_sync_to_async(Message.objects.filter(channel=channel).exists)()
    await ws.disconnect()


async def test_send_rate_limit(make_user: Any, cookie_for: Any, settings: Any) -> None:
    """Beyond the limit a send is refused with a clear message and not stored."""
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "chat": "3/3600s",
    }  # a window no slow run crosses
    alice, _bob, channel = await database_sync_to_async(_chat_pair)(make_user)
    ws = await connected(await database_sync_to_async(cookie_for)(alice))
    replies = []
    for n in range(4):
        await ws.send_json_to(
            {
                "action": "send",
                "channel": channel.pk,
                "body": f"Nr. {n}",
                "client_id": str(uuid.uuid4()),
            }
        )
        replies.append(await ws.receive_json_from())
    assert [r["type"] for r in replies] == ["ack", "ack", "ack", "error"]
    assert replies[3]["code"] == "rate_limited"
    assert replies[3]["message"] == "You are sending messages too fast. Please wait a moment."
    count = await database_sync_to_async(Message.objects.filter(channel=channel).count)()
    assert count == 3
    await ws.disconnect()


async def test_frame_larger_than_the_limit_is_refused(make_user: Any, cookie_for: Any) -> None:
    """An oversized frame gets a clear error; nothing is stored and the socket stays open."""
    alice, _bob, channel = await database_sync_to_async(_chat_pair)(make_user)
    ws = await connected(await database_sync_to_async(cookie_for)(alice))
    body = "ü" * (consumers.MAX_FRAME_BYTES // 2 + 10)
    await ws.send_to(
        json.dumps(
            {"action": "send", "channel": channel.pk, "body": body, "client_id": str(uuid.uuid4())},
            ensure_ascii=False,
        )
    )
    assert await ws.receive_json_from() == {
        "type": "error",
        "code": "too_large",
        "message": "This message is too large to send. Please shorten it and try again.",
    }
    assert not await database_sync_to_async(Message.objects.filter(channel=channel).exists)()
    await ws.send_json_to({"action": "subscribe", "topics": []})
    assert await ws.receive_json_from() == {"type": "subscribed", "topics": []}
    await ws.disconnect()


async def test_read_moves_the_cursor(make_user: Any, cookie_for: Any) -> None:
    """The "read" action moves the member's read cursor through channel_mark_read."""
    alice, bob, channel = await database_sync_to_async(_chat_pair)(make_user)
    ws_alice = await connected(await database_sync_to_async(cookie_for)(alice))
    await ws_alice.send_json_to(
        {
            "action": "send",
            "channel": channel.pk,
            "body": "Lies mich",
            "client_id": str(uuid.uuid4()),
        }
    )
    ack = await ws_alice.receive_json_from()
    ws_bob = await connected(await database_sync_to_async(cookie_for)(bob))
    await ws_bob.send_json_to({"action": "read", "channel": channel.pk, "last_read_id": ack["id"]})
    await asyncio.sleep(0.2)

    def cursor() -> int:
        return channel.members.get(user=bob).last_read_id

    assert await database_sync_to_async(cursor)() == ack["id"]
    await ws_alice.disconnect()
    await ws_bob.disconnect()


async def test_feed_receives_new_posts_of_my_communities(
    make_user: Any, make_community: Any, cookie_for: Any
) -> None:
    """Subscribing to "feed" delivers new posts of communities one belongs to, ids only."""
    owner, reader = (
        await database_sync_to_async(make_user)(),
        await database_sync_to_async(make_user)(),
    )
    community = await database_sync_to_async(make_community)(
        Community.Kind.PRIVATE, owner=owner, members=(reader,)
    )
    ws = await connected(await database_sync_to_async(cookie_for)(reader))
    await subscribe(ws, "feed")
    post = await database_sync_to_async(post_create)(
        author=owner, body="Neues aus der Filiale", community=community
    )
    event = await ws.receive_json_from()
    assert event == {
        "type": "post.created",
        "op": "created",
        "id": post.pk,
        "author": owner.pk,
        "community": community.pk,
        "topic": f"community:{community.pk}",
    }
    await ws.disconnect()


async def test_private_community_post_is_not_sent_to_author_followers(
    make_user: Any, make_community: Any, cookie_for: Any
) -> None:
    """A post in a private community never reaches the author's or a tag's topic."""
    owner, outsider = (
        await database_sync_to_async(make_user)(),
        await database_sync_to_async(make_user)(),
    )
    community = await database_sync_to_async(make_community)(Community.Kind.PRIVATE, owner=owner)
    ws = await connected(await database_sync_to_async(cookie_for)(outsider))
    await subscribe(ws, f"author:{owner.pk}", "tag:intern", "company")
    await database_sync_to_async(post_create)(
        author=owner, body="Geheim #intern", community=community
    )
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


async def test_comment_and_reaction_events_on_the_post_topic(
    make_user: Any, cookie_for: Any
) -> None:
    """A new comment and a reaction are announced on post:<id>, without content."""
    from hanse.posts.services.comments import comment_create
    from hanse.posts.services.reactions import reaction_add

    author, reader = (
        await database_sync_to_async(make_user)(),
        await database_sync_to_async(make_user)(),
    )
    post = await database_sync_to_async(post_create)(author=author, body="Was meint ihr?")
    ws = await connected(await database_sync_to_async(cookie_for)(reader))
    await subscribe(ws, f"post:{post.pk}")
    comment = await database_sync_to_async(comment_create)(post=post, author=author, body="Ich!")
    event = await ws.receive_json_from()
    assert (event["type"], event["id"], event["post"]) == ("comment.created", comment.pk, post.pk)
    assert "body" not in event
    await database_sync_to_async(reaction_add)(user=author, kind="like", post=post)
    event = await ws.receive_json_from()
    assert (event["type"], event["post"], event["comment"]) == ("reaction.changed", post.pk, None)
    await ws.disconnect()


async def test_messages_of_one_tab_are_stored_and_acknowledged_in_order(
    make_user: Any, cookie_for: Any
) -> None:
    """Frames sent back to back are stored one after another in their order, each acked once,
    while the channel's events keep arriving on the same connection."""
    alice, _bob, channel = await database_sync_to_async(_chat_pair)(make_user)
    ws = await connected(await database_sync_to_async(cookie_for)(alice))
    await subscribe(ws, f"chat:{channel.pk}")
    client_ids = [str(uuid.uuid4()) for _ in range(5)]
    for n, client_id in enumerate(client_ids):
        await ws.send_json_to(
            {"action": "send", "channel": channel.pk, "body": f"Teil {n}", "client_id": client_id}
        )
    acks: dict[str, int] = {}
    events: list[int] = []
    while len(acks) < 5 or len(events) < 5:
        frame = await ws.receive_json_from(timeout=5)
        if frame["type"] == "ack":
            assert frame["client_id"] not in acks
            acks[frame["client_id"]] = frame["id"]
        elif frame["type"] == "chat.message":
            events.append(frame["id"])
    ids = [acks[client_id] for client_id in client_ids]
    assert ids == sorted(ids) == events
    bodies = await database_sync_to_async(
        lambda: list(
            Message.objects.filter(channel=channel).order_by("id").values_list("body", flat=True)
        )
    )()
    assert bodies == [f"Teil {n}" for n in range(5)]
    await ws.disconnect()


async def test_every_member_gets_the_same_language_neutral_message(
    make_user: Any, cookie_for: Any
) -> None:
    """A live message is one text for every member, whatever their language: its labels are
    the source texts, marked for chat.js to translate (nobody gets the sender's language)."""
    alice, bob, channel = await database_sync_to_async(_chat_pair)(make_user)
    alice.ui_language, bob.ui_language = "de", "en"
    await database_sync_to_async(alice.save)(update_fields=["ui_language"])
    await database_sync_to_async(bob.save)(update_fields=["ui_language"])
    ws_alice = await connected(await database_sync_to_async(cookie_for)(alice))
    ws_bob = await connected(await database_sync_to_async(cookie_for)(bob))
    await subscribe(ws_alice, f"chat:{channel.pk}")
    await subscribe(ws_bob, f"chat:{channel.pk}")
    await ws_bob.send_json_to(
        {"action": "send", "channel": channel.pk, "body": "Moin!", "client_id": str(uuid.uuid4())}
    )
    frames = [await ws_bob.receive_json_from(), await ws_bob.receive_json_from()]
    [bobs] = [f for f in frames if f["type"] == "chat.message"]
    alices = await ws_alice.receive_json_from()
    assert alices == bobs
    assert "Im Thread antworten" not in alices["html"]
    assert "data-i18n>Reply in thread</a>" in alices["html"]
    await ws_alice.disconnect()
    await ws_bob.disconnect()
