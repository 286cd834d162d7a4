"""A channel one may not see answers over the WebSocket exactly as one that does not exist,
whatever else is wrong with the request."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async

from hanse.chat.models import Channel, Message
from hanse.chat.services import channel_create
from tests.realtime.test_consumer import connected, subscribe

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

UNKNOWN = 999_999
NOT_FOUND = {"type": "error", "code": "not_found", "message": "This channel does not exist."}


def _world(make_user: Any) -> dict[str, Any]:
    alice, eve = make_user("alice"), make_user("eve")
    return {
        "eve": eve,
        "hidden": channel_create(by=alice, name="Vorstand", kind=Channel.Kind.PRIVATE).pk,
        "public": channel_create(by=alice, name="Kaffeeküche").pk,
    }


async def _answer(ws: Any, frame: dict[str, Any]) -> dict[str, Any]:
    await ws.send_json_to(frame)
    answer = await ws.receive_json_from(timeout=10)
    answer.pop("client_id", None)
    return dict(answer)


SENDS = {
    "empty body": {"body": "   "},
    "too long body": {"body": "x" * 8001},
    "reply to nothing": {"body": "Hallo", "parent": UNKNOWN},
    "ordinary": {"body": "Hallo"},
}


@pytest.mark.parametrize("case", list(SENDS))
async def test_send_to_an_invisible_channel_answers_as_to_an_unknown_one(
    make_user: Any, cookie_for: Any, case: str
) -> None:
    """Invisible and unknown get the same error, checked before the body is looked at."""
    world = await database_sync_to_async(_world)(make_user)
    ws = await connected(await database_sync_to_async(cookie_for)(world["eve"]))
    answers = [
        await _answer(
            ws,
            {"action": "send", "channel": channel, "client_id": str(uuid.uuid4()), **SENDS[case]},
        )
        for channel in (world["hidden"], UNKNOWN)
    ]
    assert answers[0] == answers[1] == NOT_FOUND
    await ws.disconnect()


async def test_reused_client_id_answers_as_for_an_unknown_channel(
    make_user: Any, cookie_for: Any
) -> None:
    """A client_id used before in a visible channel does not tell an invisible channel from
    a missing one."""
    world = await database_sync_to_async(_world)(make_user)
    ws = await connected(await database_sync_to_async(cookie_for)(world["eve"]))
    client_id = str(uuid.uuid4())
    await database_sync_to_async(
        lambda: Channel.objects.get(pk=world["public"]).members.create(user=world["eve"])
    )()
    ack = await _answer(
        ws, {"action": "send", "channel": world["public"], "body": "Moin", "client_id": client_id}
    )
    assert ack["type"] == "ack"
    answers = [
        await _answer(
            ws, {"action": "send", "channel": channel, "body": "Moin", "client_id": client_id}
        )
        for channel in (world["hidden"], UNKNOWN)
    ]
    assert answers[0] == answers[1] == NOT_FOUND
    assert await database_sync_to_async(Message.objects.count)() == 1
    await ws.disconnect()


async def test_read_and_subscribe_answer_alike_for_invisible_and_unknown(
    make_user: Any, cookie_for: Any
) -> None:
    """Marking read and subscribing: invisible and unknown look the same."""
    world = await database_sync_to_async(_world)(make_user)
    ws = await connected(await database_sync_to_async(cookie_for)(world["eve"]))
    reads = [
        await _answer(ws, {"action": "read", "channel": channel, "last_read_id": 1})
        for channel in (world["hidden"], UNKNOWN)
    ]
    assert reads[0] == reads[1] == NOT_FOUND
    hidden = await subscribe(ws, f"chat:{world['hidden']}")
    unknown = await subscribe(ws, f"chat:{UNKNOWN}")
    for frames in (hidden, unknown):
        frames[0].pop("topic")
    assert hidden == unknown
    await ws.send_json_to({"action": "unsubscribe", "topics": [f"chat:{world['hidden']}"]})
    assert await ws.receive_json_from() == {"type": "unsubscribed", "topics": []}
    await ws.disconnect()
