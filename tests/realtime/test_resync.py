"""A lost Redis subscription: the server's connections are told to catch up over HTTP.

Publish/subscribe keeps nothing for a subscriber that is away. The test kills the server's
subscription connection in the real Redis (CLIENT KILL); the connection comes back by itself,
every open WebSocket of the process gets ``{"type": "resync"}``, and events flow again."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import redis
from channels.db import database_sync_to_async
from django.conf import settings as django_settings

from hanse.realtime.publish import publish_to_user
from tests.realtime.test_consumer import connected

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not django_settings.REDIS_URL, reason="REDIS_URL is not set"),
]


async def test_lost_subscription_makes_pages_resync(
    settings: Any, make_user: Any, cookie_for: Any
) -> None:
    name = f"hanse-resync-{uuid.uuid4().hex[:12]}"
    layer = dict(settings.CHANNEL_LAYERS["default"])
    host = {**layer["CONFIG"]["hosts"][0], "client_name": name}
    settings.CHANNEL_LAYERS = {"default": {**layer, "CONFIG": {**layer["CONFIG"], "hosts": [host]}}}
    from channels.layers import channel_layers

    channel_layers.backends.clear()  # the layer is built anew with the settings above

    person = await database_sync_to_async(make_user)()
    ws = await connected(await database_sync_to_async(cookie_for)(person))
    watcher = redis.Redis.from_url(django_settings.REDIS_URL)

    def subscribers() -> list[dict[str, Any]]:
        return [c for c in watcher.client_list() if c.get("name") == name and int(c["sub"]) > 0]

    [subscriber] = await database_sync_to_async(subscribers)()
    await database_sync_to_async(watcher.execute_command)("CLIENT", "KILL", "ID", subscriber["id"])

    assert await ws.receive_json_from(timeout=10) == {"type": "resync"}
    # Subscribed again: the person's events arrive as before.
    for _attempt in range(50):
        if await database_sync_to_async(subscribers)():
            break
        await asyncio.sleep(0.1)
    await database_sync_to_async(publish_to_user)(person.pk, {"type": "counter", "counter": "x"})
    assert await ws.receive_json_from(timeout=5) == {
        "type": "counter",
        "counter": "x",
        "topic": "user",
    }
    await ws.disconnect()
    watcher.close()
