"""Publishing from synchronous code that has no event loop (the task worker, the scheduler)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings as django_settings

from hanse.realtime.groups import topic_group
from hanse.realtime.publish import publish


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="REDIS_URL is not set")
# The conftest's teardown closes the connections of asgiref's worker thread, which an earlier
# test on the same xdist worker may have opened: that needs database access even here.
@pytest.mark.django_db
def test_publishing_without_event_loop_leaves_no_connection(settings: Any) -> None:
    """Every event goes out, and no Redis connection stays open per call."""
    name = f"hanse-test-{uuid.uuid4().hex[:12]}"
    layer = dict(settings.CHANNEL_LAYERS["default"])
    host = {**layer["CONFIG"]["hosts"][0], "client_name": name}
    settings.CHANNEL_LAYERS = {"default": {**layer, "CONFIG": {**layer["CONFIG"], "hosts": [host]}}}
    watcher = redis.Redis.from_url(django_settings.REDIS_URL)

    def ours() -> list[Any]:
        return [c for c in watcher.client_list() if c.get("name") == name]

    listener = watcher.pubsub()
    listener.psubscribe(f"{layer['CONFIG']['prefix']}*")
    assert listener.get_message(timeout=1)["type"] == "psubscribe"

    async def publish_in_a_loop() -> list[Any]:
        await get_channel_layer().group_send(topic_group("chat:1"), {"type": "live.event"})
        return ours()

    # The connection is there while its event loop runs (so the name identifies it) ...
    assert len(async_to_sync(publish_in_a_loop)()) == 1
    for n in range(20):
        publish("chat:1", {"type": "chat.message", "op": "created", "id": n})
    received = []
    while (message := listener.get_message(timeout=1)) is not None:
        received.append(message)
    listener.close()
    assert len(received) == 21
    # ... and gone with it, after every one of the calls.
    assert ours() == []
