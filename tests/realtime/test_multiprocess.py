"""Two real uvicorn processes sharing PostgreSQL and Redis: messages cross between them in
order and once, and a client catches up over HTTP after its server was killed."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.conf import settings

from hanse.chat.models import Channel, Message
from hanse.chat.services import channel_create
from tests.realtime.conftest import session_cookie
from tests.realtime.servers import (
    Server,
    server_env,
    uses_postgres_and_redis,
    wait_for_other_sessions_to_end,
)

pytestmark = pytest.mark.django_db(transaction=True)

websockets = pytest.importorskip("websockets")


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis() -> None:
    if not uses_postgres_and_redis():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"} and (
            os.environ.get("DATABASE_URL", "").startswith("postgres") and settings.REDIS_URL
        ):
            pytest.fail("CI runs on PostgreSQL and Redis: the multi-process test must run")
        pytest.skip(
            "Two server processes need a database and a channel layer they can share: "
            "set DATABASE_URL to PostgreSQL and REDIS_URL to run this test."
        )


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    env = server_env(HANSE_TEST_SEND_LIMIT="1000")
    started = [Server(env=env).start(), Server(env=env).start()]
    yield started
    for server in started:
        server.stop()
    wait_for_other_sessions_to_end()


@pytest.fixture
def conversation(make_user: Any) -> dict[str, Any]:
    alice, bob = make_user("alice"), make_user("bob")
    channel = channel_create(
        by=alice, name="Filiale Mölln", kind=Channel.Kind.PRIVATE, members=[bob]
    )
    return {
        "alice": alice,
        "bob": bob,
        "channel": channel,
        "alice_cookie": session_cookie(alice),
        "bob_cookie": session_cookie(bob),
    }


async def open_socket(server: Server, cookie: str, topics: list[str]) -> Any:
    ws = await websockets.connect(
        server.ws_url,
        origin=server.origin,
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
    )
    hello = json.loads(await ws.recv())
    assert hello["type"] == "hello"
    await ws.send(json.dumps({"action": "subscribe", "topics": topics}))
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] == "subscribed":
            assert frame["topics"] == topics
            return ws


async def send_all(ws: Any, channel_id: int, bodies: list[str]) -> list[int]:
    """Send messages one after the other, each after the previous ack; returns stored ids."""
    ids = []
    for body in bodies:
        client_id = str(uuid.uuid4())
        await ws.send(
            json.dumps(
                {"action": "send", "channel": channel_id, "body": body, "client_id": client_id}
            )
        )
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "ack" and frame["client_id"] == client_id:
                ids.append(frame["id"])
                break
            assert frame.get("type") != "error", frame
    return ids


async def collect(ws: Any, want: int, timeout: float = 15) -> list[int]:
    """Message ids as they arrive, until ``want`` arrived, then a moment more for doubles."""
    got: list[int] = []

    async def reader() -> None:
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "chat.message" and frame.get("op") == "created":
                got.append(frame["id"])

    task = asyncio.create_task(reader())
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(got) < want and loop.time() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)  # anything doubled would arrive now
    finally:
        task.cancel()
    return got


def test_messages_cross_processes_in_order_once(servers: list[Server], conversation: Any) -> None:
    """Sent through server A, received through server B: all, in order, each once."""
    channel_id = conversation["channel"].pk
    topic = f"chat:{channel_id}"

    async def run() -> tuple[list[int], list[int]]:
        alice = await open_socket(servers[0], conversation["alice_cookie"], [topic])
        bob = await open_socket(servers[1], conversation["bob_cookie"], [topic])
        receiving = asyncio.create_task(collect(bob, 40))
        sent = await send_all(alice, channel_id, [f"Nachricht {n}" for n in range(40)])
        received = await receiving
        await alice.close()
        await bob.close()
        return sent, received

    sent, received = asyncio.run(run())
    assert received == sent
    stored = list(Message.objects.filter(channel_id=channel_id).values_list("id", flat=True))
    assert stored == sent


def test_client_catches_up_after_its_server_is_killed(
    servers: list[Server], conversation: Any
) -> None:
    """Kill bob's server mid-conversation, restart it: bob reconnects, fetches what he missed
    over HTTP and, deduplicating by id, ends with every message exactly once."""
    channel_id = conversation["channel"].pk
    topic = f"chat:{channel_id}"
    server_a, server_b = servers

    async def run() -> tuple[list[int], list[int], list[int]]:
        alice = await open_socket(server_a, conversation["alice_cookie"], [topic])
        bob = await open_socket(server_b, conversation["bob_cookie"], [topic])
        seen: list[int] = []  # what bob's page shows, in order, deduplicated by id
        live: list[int] = []  # every live delivery, to check nothing came twice

        def show(ids: list[int]) -> None:
            for message_id in ids:
                if message_id not in seen:
                    seen.append(message_id)

        receiving = asyncio.create_task(collect(bob, 10))
        first = await send_all(alice, channel_id, [f"Vor dem Absturz {n}" for n in range(10)])
        live += await receiving
        show(live)

        await asyncio.to_thread(server_b.kill)
        during = await send_all(alice, channel_id, [f"Während {n}" for n in range(10)])
        await asyncio.to_thread(server_b.start)

        # Reconnect with backoff, as live.js does.
        delay = 0.2
        for _attempt in range(20):
            try:
                bob = await open_socket(server_b, conversation["bob_cookie"], [topic])
                break
            except OSError:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2)
        receiving = asyncio.create_task(collect(bob, 5))
        after = await send_all(alice, channel_id, [f"Danach {n}" for n in range(5)])
        async with httpx.AsyncClient(
            base_url=server_b.origin,
            cookies={settings.SESSION_COOKIE_NAME: conversation["bob_cookie"]},
        ) as http:
            response = await http.get(
                f"/chat/{channel_id}/messages/",
                params={"after": seen[-1]},
                headers={"Accept": "application/json"},
            )
            assert response.status_code == 200, response.text[:500]
            caught_up = [m["id"] for m in response.json()["messages"]]
        fresh = await receiving
        live += fresh
        show(sorted(set(caught_up) | set(fresh)))
        await alice.close()
        await bob.close()
        return first + during + after, seen, live

    sent, seen, live = asyncio.run(run())
    assert seen == sent
    assert len(live) == len(set(live)), "a live message arrived twice"
    stored = list(Message.objects.filter(channel_id=channel_id).values_list("id", flat=True))
    assert stored == sent
