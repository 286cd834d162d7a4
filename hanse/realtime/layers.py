"""The Redis channel layer: channels-redis publish/subscribe, told when it may have lost events.

Publish/subscribe keeps nothing: while a process's subscription to Redis is broken (Redis
restarted, a network blip), every event published meanwhile is gone for that process, and
channels-redis reconnects and re-subscribes silently. The browsers would never learn that they
missed something. This layer hooks into redis-py's reconnect callback (the one that
re-subscribes) and, once the subscription works again, puts a ``live.resync`` message in
the queue of every connection of the process; the consumer forwards it as
``{"type": "resync"}`` and live.js lets the page catch up over HTTP, exactly as after a
reconnect of its own WebSocket.

Built on channels-redis 4.x internals (``RedisPubSubLoopLayer`` and its shards), hence the
version bound in pyproject.toml.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
    _wrap_close,
)
from redis.asyncio.client import PubSub

from hanse.observability import metrics

logger = logging.getLogger(__name__)

RESYNC = {"type": "live.resync"}


class _PubSub(PubSub):
    """redis-py re-subscribes by itself when it reconnects (often inside one read, so the
    layer never sees an error): its connect callback is where a lost subscription shows."""

    hanse_on_reconnect: Callable[[], None] | None = None

    async def on_connect(self, connection: Any) -> None:
        had_subscriptions = bool(self.channels or self.patterns)
        await super().on_connect(connection)
        if had_subscriptions and self.hanse_on_reconnect is not None:
            logger.warning("Redis subscription re-established; pages catch up over HTTP.")
            self.hanse_on_reconnect()


class _Shard(RedisSingleShardConnection):
    def _ensure_redis(self) -> None:
        if self._redis is None:
            super()._ensure_redis()
            self._pubsub.__class__ = _PubSub
            self._pubsub.hanse_on_reconnect = self._resync

    def _resync(self) -> None:
        """Every connection of this process may have missed events: tell each once."""
        loop_layer = self.channel_layer
        metrics.channel_resyncs.inc()
        data = loop_layer.channel_layer.serialize(RESYNC)
        for queue in list(loop_layer.channels.values()):
            queue.put_nowait(data)


class _LoopLayer(RedisPubSubLoopLayer):
    _shards: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shards = [_Shard(shard.host, self) for shard in self._shards]


class ResyncingRedisPubSubChannelLayer(RedisPubSubChannelLayer):
    """channels-redis publish/subscribe that tells its connections after a lost subscription."""

    def _get_layer(self) -> RedisPubSubLoopLayer:
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
            return layer
