"""The channel layer of the embedded default: in memory, safe to publish to from any thread.

Without Redis, web server, task worker and scheduler run in one process (hanse/jobs/embedded.py)
and share this layer. Channels' ``InMemoryChannelLayer`` keeps asyncio queues that belong to
the server's event loop; a publish from the worker's thread (``async_to_sync`` there runs on a
new loop of its own) would put into those queues from a foreign thread, and the waiting
WebSocket would only wake when something else woke the server's loop. This layer hands every
call made on another loop to the server's loop, where the queues live.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from channels.layers import InMemoryChannelLayer

T = TypeVar("T")


class ThreadSafeInMemoryChannelLayer(InMemoryChannelLayer):
    """``InMemoryChannelLayer`` whose calls from other threads' loops run on the server's."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # The loop of the first consumer that receives: the server's. Queues are made there.
        self.home_loop: asyncio.AbstractEventLoop | None = None

    async def _on_home_loop(self, call: Callable[[], Awaitable[T]]) -> T:
        home = self.home_loop
        current = asyncio.get_running_loop()
        if home is None or home is current or home.is_closed() or not home.is_running():
            return await call()

        async def run() -> T:
            return await call()

        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), home))

    async def receive(self, channel: str) -> Any:
        if self.home_loop is None:
            self.home_loop = asyncio.get_running_loop()
        return await super().receive(channel)

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        await self._on_home_loop(lambda: InMemoryChannelLayer.send(self, channel, message))

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await self._on_home_loop(lambda: InMemoryChannelLayer.group_send(self, group, message))

    async def group_add(self, group: str, channel: str) -> None:
        await self._on_home_loop(lambda: InMemoryChannelLayer.group_add(self, group, channel))

    async def group_discard(self, group: str, channel: str) -> None:
        await self._on_home_loop(lambda: InMemoryChannelLayer.group_discard(self, group, channel))
