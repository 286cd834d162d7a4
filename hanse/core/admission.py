"""How many HTTP requests one process works on at once, and when a request lets go of its
database connection.

Django's ASGI handler runs every request on a thread of its own (one ``ThreadSensitiveContext``
per request), with no bound on how many: at concurrency 20 a process ran 20 requests, each
wanting one of the pool's ``DATABASE_POOL_MAX_SIZE`` connections. On a busy machine a request
holds its connection longer, the others queue in the pool, and those that waited
``DATABASE_POOL_TIMEOUT`` seconds got a 503 although nothing was wrong but the load
(tests/bench/test_connections.py next to another test run, issue 13).

:class:`RequestGate` lets at most ``HTTP_CONCURRENCY`` requests into Django at once (by default
the pool's maximum) and keeps the rest waiting in the event loop, where waiting costs neither a
thread nor a connection and has no deadline but the client's: a person waits instead of
getting a 503. A request leaves the gate when its response starts; by then
:class:`ReleaseConnectionsMiddleware` has returned its connections (Django itself returns them
only after the whole body was sent, so a slow download held a connection for as long).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponseBase

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class RequestGate:
    """ASGI middleware: at most ``limit`` HTTP requests past it at once (0: no bound), first
    come first served; paths in ``bypass`` (the liveness probe) never wait."""

    def __init__(self, app: ASGIApp, limit: int, bypass: tuple[str, ...] = ()) -> None:
        self.app = app
        self.limit = limit
        self.bypass = bypass
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.inside = 0  # requests past the gate now (read by the tests)

    def semaphore(self) -> asyncio.Semaphore:
        # One per event loop: a semaphore belongs to the loop it first waited in.
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._loop is not loop:
            self._semaphore, self._loop = asyncio.Semaphore(self.limit), loop
        return self._semaphore

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limit <= 0 or scope.get("path") in self.bypass:
            await self.app(scope, receive, send)
            return
        semaphore = self.semaphore()
        await semaphore.acquire()
        self.inside += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self.inside -= 1
                semaphore.release()

        async def send_and_release(message: Message) -> None:
            if message["type"] == "http.response.start":
                # The view is done and its connections are back in the pool: the body (a
                # slow download too) goes out while the next request runs.
                release()
            await send(message)

        try:
            await self.app(scope, receive, send_and_release)
        finally:
            release()


class ReleaseConnectionsMiddleware:
    """Outermost: gives the request's database connections back (to the pool) as soon as the
    response is made, as Django's ``request_finished`` would after the body was sent.

    Inside a transaction (a test's) nothing is closed; a streaming body that reads the
    database takes a connection again when it needs one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        for connection in connections.all(initialized_only=True):
            # As close_if_unusable_or_obsolete() decides, without asking the server anything
            # (asking a closed connection for its state would open it): an open connection
            # outside a transaction whose age is up (CONN_MAX_AGE 0 with the pool: always).
            if connection.connection is None or connection.in_atomic_block:
                continue
            if connection.errors_occurred or (
                connection.close_at is not None and time.monotonic() >= connection.close_at
            ):
                connection.close()
        return response
