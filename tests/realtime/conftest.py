"""Fixtures for WebSocket tests: a signed-in communicator against the real ASGI application."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client

from hanse.people.models import User

ORIGIN = b"http://testserver"


class WebsocketCommunicator(ApplicationCommunicator):
    """channels.testing.WebsocketCommunicator, reduced to what these tests use.

    channels.testing imports Daphne (for its live-server test case), which Hanse does not
    install: uvicorn serves it. This class talks ASGI to the application directly.
    """

    def __init__(self, application: Any, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        scope = {
            "type": "websocket",
            "path": path,
            "query_string": b"",
            "headers": headers,
            "subprotocols": [],
        }
        super().__init__(application, scope)

    async def connect(self, timeout: float = 2) -> tuple[bool, Any]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept"
        return True, response.get("subprotocol")

    async def send_to(self, text_data: str) -> None:
        await self.send_input({"type": "websocket.receive", "text": text_data})

    async def send_json_to(self, data: Any) -> None:
        await self.send_to(json.dumps(data))

    async def receive_json_from(self, timeout: float = 2) -> Any:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 2) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


@pytest.fixture(autouse=True)
def _isolated_layer_and_cache(settings: Any) -> None:
    """Each test gets its own channel-layer prefix and rate-limit counters, so parallel test
    workers sharing one Redis never see each other's groups or counters."""
    prefix = f"hanse-test-{uuid.uuid4().hex[:12]}"
    if django_settings.REDIS_URL:
        layer = django_settings.CHANNEL_LAYERS["default"]
        settings.CHANNEL_LAYERS = {
            "default": {**layer, "CONFIG": {**layer.get("CONFIG", {}), "prefix": prefix}}
        }
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": django_settings.REDIS_URL,
                "KEY_PREFIX": prefix,
            },
        }
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": prefix,
            },
        }


@pytest.fixture(autouse=True)
def _close_thread_connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Consumers reach the database from asgiref's worker threads; their connections close
    after each call here (CONN_MAX_AGE 0) and at the end of each test, so that PostgreSQL can
    drop the test database at the end."""
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    yield
    async_to_sync(database_sync_to_async(connections.close_all))()


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def cookie_for() -> Callable[[User], str]:
    """The session cookie of a signed-in person (call before entering async code)."""
    return session_cookie


def communicator(cookie: str | None = None, *, origin: bytes = ORIGIN, **headers: bytes) -> Any:
    from hanse.asgi import application

    raw = [(b"origin", origin), (b"host", b"testserver")]
    if cookie is not None:
        raw.append((b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    raw += [(name.replace("_", "-").encode(), value) for name, value in headers.items()]
    return WebsocketCommunicator(application, "/ws/", headers=raw)
