"""``make run``'s embedded set-up: one uvicorn process that runs the task worker and the
scheduler beside the server (hanse/jobs/embedded.py), so that what the worker changes (a bell
count it forgets, a live push it sends) reaches every browser at once.

The server is started exactly as ``make run`` starts it, without Redis and without any
variable that turns the embedded jobs on: the default must do it."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings

from tests.jobs.make_run import make_run

websockets = pytest.importorskip("websockets")


async def _mention_reaches_bob(origin: str, ws_url: str, keys: dict[str, Any]) -> float:
    bob = {"Authorization": f"Bearer {keys['bob_token']}"}
    alice = {"Authorization": f"Bearer {keys['alice_token']}"}
    async with httpx.AsyncClient(base_url=origin, timeout=10) as http:
        count = await http.get("/api/v1/notifications/unread-count", headers=bob)
        assert count.json() == {"unread": 0}
        async with websockets.connect(
            ws_url,
            additional_headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={keys['bob_session']}",
                "Origin": origin,
            },
        ) as ws:
            hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert hello["type"] == "hello"
            started = time.monotonic()
            created = await http.post(
                "/api/v1/posts", json={"body": "Hallo @bob, schau mal"}, headers=alice
            )
            assert created.status_code == 201, created.text
            while True:
                remaining = 2 - (time.monotonic() - started)
                event = json.loads(await asyncio.wait_for(ws.recv(), max(remaining, 0.01)))
                if event.get("type") == "counter" and event.get("counter") == "notifications":
                    break
            pushed = time.monotonic() - started
            count = await http.get("/api/v1/notifications/unread-count", headers=bob)
            assert count.json() == {"unread": 1}
            assert time.monotonic() - started < 2
            return pushed


def test_make_run_server_delivers_a_mention_to_the_bell_within_two_seconds(
    tmp_path: Path,
) -> None:
    """A mention made over HTTP updates the mentioned person's bell count over HTTP and pushes
    to their open WebSocket within 2 s, with only the process `make run` starts."""
    with make_run(tmp_path) as running:
        pushed = asyncio.run(_mention_reaches_bob(running.origin, running.ws_url, running.keys))
    assert pushed < 2
