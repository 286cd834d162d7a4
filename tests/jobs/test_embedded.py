"""``make run``'s set-ups, end to end: what the task worker changes (a bell count it forgets, a
live push it sends) reaches the web process and every browser at once.

Embedded: one uvicorn process that runs the task workers and the scheduler beside the server
(hanse/jobs/embedded.py), started exactly as ``make run`` starts it, without Redis and without
any variable that turns the embedded jobs on: the default must do it. With Redis: uvicorn and
the worker and scheduler processes the Makefile starts; the mention is made in the web
process, its notification in a worker process, and the count is read and the push received
through the web process again.

Slow ordinary jobs are queued first, as a link preview or a text extraction would be: a
mention must not wait behind them (hanse/jobs/queues.py)."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings

from tests.jobs.make_run import EMBEDDED, make_run
from tests.support.processes import run_python

websockets = pytest.importorskip("websockets")

# Two slow jobs on the ordinary queue: a mention waiting behind one of them would take at
# least SLOW_SECONDS; arriving within DEADLINE shows it did not. The 2 s target itself is
# measured by bench/bell.py (figures, not a timed test on a loaded CI machine).
SLOW_SECONDS = 6
DEADLINE = 5.0
QUEUE_SLOW_JOBS = f"""
import django
django.setup()
from tests.jobs.sample_tasks import sleep
for _ in range(2):
    sleep.enqueue({SLOW_SECONDS})
"""


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
                remaining = DEADLINE - (time.monotonic() - started)
                event = json.loads(await asyncio.wait_for(ws.recv(), max(remaining, 0.01)))
                if event.get("type") == "counter" and event.get("counter") == "notifications":
                    break
            pushed = time.monotonic() - started
            count = await http.get("/api/v1/notifications/unread-count", headers=bob)
            assert count.json() == {"unread": 1}
            assert time.monotonic() - started < DEADLINE
            return pushed


@pytest.mark.heavy
@pytest.mark.parametrize("setup", [EMBEDDED, "redis"])
def test_make_run_delivers_a_mention_to_the_bell_before_slow_jobs(
    setup: str, tmp_path: Path
) -> None:
    """A mention made over HTTP updates the mentioned person's bell count over HTTP and pushes
    to their open WebSocket with the processes `make run` starts, although slow jobs were
    queued just before: it does not wait behind them."""
    redis_url = ""
    if setup == "redis":
        redis_url = os.environ.get("REDIS_URL", "")
        if not redis_url:
            pytest.skip("Set REDIS_URL to run the Redis set-up.")
    with make_run(tmp_path, redis_url) as running:
        run_python(["-c", QUEUE_SLOW_JOBS], running.env)
        pushed = asyncio.run(_mention_reaches_bob(running.origin, running.ws_url, running.keys))
    assert pushed < DEADLINE
