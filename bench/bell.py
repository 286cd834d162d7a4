"""How long a mention takes to reach the mentioned person's bell, in the set-up ``make run``
starts: embedded (one uvicorn process running worker and scheduler threads) or with Redis
(uvicorn, ``hanse_worker`` processes and ``hanse_scheduler``, as the Makefile starts them).

    .venv/bin/python -m bench.bell                       # embedded, on a fresh SQLite file
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python -m bench.bell --redis
    .venv/bin/python -m bench.bell --slow-jobs 3 --slow-seconds 2

Bob keeps a WebSocket open; Alice mentions him over the API. Timed from the POST to (a) the
live "counter" push on Bob's socket and (b) Bob's unread count read over HTTP from the web
process. ``--slow-jobs N`` first queues N jobs of ``--slow-seconds`` each on the ordinary
queue: what a link preview of a firewalled site (3 s deadline), a file's text extraction or a
burst of search index updates costs the worker. Before person-visible work had a queue of its
own, the mention waited behind all of them. Print ``uptime`` with the figures: on the shared
2-core machine the load average decides much of them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ENQUEUE_SLOW = """
import sys
import django
django.setup()
from bench.bell_job import slow_job
for _ in range(int(sys.argv[1])):
    slow_job.enqueue(float(sys.argv[2]))
"""


async def _one_mention(
    origin: str, ws_url: str, keys: dict[str, Any], n: int
) -> tuple[float, float]:
    import httpx
    import websockets
    from django.conf import settings

    bob = {"Authorization": f"Bearer {keys['bob_token']}"}
    alice = {"Authorization": f"Bearer {keys['alice_token']}"}
    async with httpx.AsyncClient(base_url=origin, timeout=30) as http:
        before = (await http.get("/api/v1/notifications/unread-count", headers=bob)).json()
        async with websockets.connect(
            ws_url,
            additional_headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={keys['bob_session']}",
                "Origin": origin,
            },
        ) as ws:
            hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert hello["type"] == "hello", hello
            started = time.monotonic()
            created = await http.post(
                "/api/v1/posts", json={"body": f"Frage {n} an @bob"}, headers=alice
            )
            assert created.status_code == 201, created.text
            while True:
                event = json.loads(await asyncio.wait_for(ws.recv(), 120))
                if event.get("type") == "counter" and event.get("counter") == "notifications":
                    break
            pushed = time.monotonic() - started
            while True:
                count = (await http.get("/api/v1/notifications/unread-count", headers=bob)).json()
                if count["unread"] > before["unread"]:
                    break
                await asyncio.sleep(0.05)
            return pushed, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis", action="store_true", help="use REDIS_URL (worker processes)")
    parser.add_argument("--mentions", type=int, default=5)
    parser.add_argument("--slow-jobs", type=int, default=0)
    parser.add_argument("--slow-seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    redis_url = os.environ.get("REDIS_URL", "") if args.redis else ""
    if args.redis and not redis_url:
        raise SystemExit("--redis needs REDIS_URL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanse.settings")
    import django

    django.setup()
    # The test support starts Hanse exactly as `make run` does (the Makefile's commands).
    from tests.jobs.make_run import make_run
    from tests.support.processes import run_python

    pushes, counts = [], []
    with tempfile.TemporaryDirectory() as tmp, make_run(Path(tmp), redis_url) as running:
        child = running.env
        for n in range(args.mentions):
            if args.slow_jobs:
                run_python(["-c", ENQUEUE_SLOW, str(args.slow_jobs), str(args.slow_seconds)], child)
            pushed, counted = asyncio.run(
                _one_mention(running.origin, running.ws_url, running.keys, n)
            )
            pushes.append(pushed)
            counts.append(counted)
            time.sleep(0.5)
    uptime = subprocess.run(
        ["/usr/bin/uptime"], capture_output=True, text=True, check=False, env={"TZ": "UTC"}
    ).stdout
    setup = "redis" if redis_url else "embedded"
    print(
        f"{setup}, {args.slow_jobs} slow job(s) of {args.slow_seconds:g} s queued before each "
        f"of {args.mentions} mentions"
    )
    for name, values in (("live push", pushes), ("bell count", counts)):
        print(
            f"  {name:10}: median {statistics.median(values):.2f} s, max {max(values):.2f} s "
            f"({', '.join(f'{v:.2f}' for v in values)})"
        )
    print(f"  uptime: {uptime.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
