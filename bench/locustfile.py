"""A working day at the bank, for locust: what an employee does between meetings.

Each simulated employee is one person of bench.load's SETUP (a session for the pages, an API
token for the writes), pauses between actions (``HANSE_LOCUST_WAIT``, "1,3" seconds), holds one
WebSocket like an open tab does (subscribed to the shared chat channel: every message of
everyone arrives there) and does, by weight:

    start page 10, feed scrolling 8 (the "older posts" link the start page shows, then the
    next), the bell 8 (what the header polls), the notifications page 3, search 3,
    a post 3 (every other one mentions a colleague), a comment 5, a reaction 6,
    a chat message over the WebSocket 6 (timed until the server's ack).

Every write that succeeded is written to the ledger (``HANSE_LOCUST_LEDGER``, JSON) when the
run stops, so that bench/locust_run.py can check that each one is in the database.

Run through bench/locust_run.py, which deploys, steps the number of people and judges; by
hand: ``HANSE_LOCUST_DATA=data.json locust -f bench/locustfile.py --host https://…``.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import ssl
import time
import uuid
from pathlib import Path
from typing import Any

import gevent
import websocket
from gevent.event import AsyncResult
from locust import HttpUser, between, events, task

DATA: dict[str, Any] = json.loads(Path(os.environ["HANSE_LOCUST_DATA"]).read_text())
CA = os.environ.get("HANSE_LOCUST_CA", "")
WAIT = [float(x) for x in os.environ.get("HANSE_LOCUST_WAIT", "1,3").split(",")]
REACTIONS = ("like", "celebrate", "insightful", "support", "curious")
WORDS = ("Quartalszahlen", "Filiale", "Kreditprozess", "Lastbeitrag", "Kommentar", "Mölln")
MORE = re.compile(r'hx-get="([^"]*before=\d+[^"]*)"')

_seats = itertools.count()
LEDGER: dict[str, list[Any]] = {"posts": [], "comments": [], "reactions": [], "messages": []}
POSTS: list[int] = list(DATA["posts"])


@events.test_stop.add_listener
def _write_ledger(environment: Any, **_kwargs: Any) -> None:
    path = os.environ.get("HANSE_LOCUST_LEDGER")
    if path:
        Path(path).write_text(json.dumps(LEDGER))


class Employee(HttpUser):
    wait_time = between(WAIT[0], WAIT[1])

    def on_start(self) -> None:
        seat = next(_seats) % len(DATA["people"])
        self.person = DATA["people"][seat]
        self.others = [p["username"] for p in DATA["people"] if p is not self.person]
        self.client.verify = CA or False
        self.pages = {"sessionid": self.person["session"]}
        self.api = {"Authorization": f"Bearer {self.person['token']}"}
        self.more: str | None = None
        self.n = 0
        self.acks: dict[str, AsyncResult] = {}
        self.ws: Any = None
        self.reader: Any = None
        self._connect()

    def on_stop(self) -> None:
        if self.reader is not None:
            self.reader.kill()
        if self.ws is not None:
            self.ws.close()

    # --- the WebSocket of the open tab ---------------------------------------------------

    def _fire(self, name: str, started: float, exc: Exception | None = None) -> None:
        self.environment.events.request.fire(
            request_type="WS", name=name, response_time=(time.perf_counter() - started) * 1000,
            response_length=0, exception=exc, context={},
        )  # fmt: skip

    def _connect(self) -> None:
        started = time.perf_counter()
        url = self.host.replace("https://", "wss://").replace("http://", "ws://") + "/ws/"
        try:
            sslopt = {"ca_certs": CA} if CA else {"cert_reqs": ssl.CERT_NONE}
            self.ws = websocket.create_connection(
                url, sslopt=sslopt, origin=self.host, cookie=f"sessionid={self.person['session']}",
                timeout=30,
            )  # fmt: skip
            json.loads(self.ws.recv())  # hello
            self.ws.send(json.dumps({"action": "subscribe", "topics": [DATA["topic"]]}))
            while json.loads(self.ws.recv()).get("type") != "subscribed":
                pass
        except Exception as exc:  # any failure is the measured outcome
            self.ws = None
            self._fire("ws connect", started, exc)
            return
        self._fire("ws connect", started)
        self.reader = gevent.spawn(self._read)

    def _read(self) -> None:
        while True:
            try:
                frame = json.loads(self.ws.recv())
            except Exception:  # closed: the next send reconnects
                self.ws = None
                for waiting in self.acks.values():
                    waiting.set({"type": "error", "detail": "closed"})
                return
            if frame.get("type") in ("ack", "error") and frame.get("client_id") in self.acks:
                self.acks.pop(frame["client_id"]).set(frame)

    @task(6)
    def chat(self) -> None:
        if self.ws is None:
            self._connect()
            if self.ws is None:
                return
        client_id = str(uuid.uuid4())
        waiting = self.acks[client_id] = AsyncResult()
        started = time.perf_counter()
        try:
            self.ws.send(
                json.dumps(
                    {
                        "action": "send", "channel": DATA["channel"], "client_id": client_id,
                        "body": f"Nachricht {self.person['username']} {self.n}",
                    }
                )
            )  # fmt: skip
            frame = waiting.get(timeout=30)
        except Exception as exc:  # a timeout or a closed socket
            self.acks.pop(client_id, None)
            self._fire("chat send (ws)", started, exc)
            return
        if frame.get("type") != "ack":
            self._fire("chat send (ws)", started, RuntimeError(str(frame)[:200]))
            return
        self._fire("chat send (ws)", started)
        LEDGER["messages"].append(frame["id"])

    # --- pages ------------------------------------------------------------------------------

    def _page(self, path: str, name: str) -> str | None:
        with self.client.get(path, name=name, cookies=self.pages, catch_response=True) as got:
            if got.status_code != 200:
                got.failure(f"status {got.status_code}")
                return None
            return str(got.text)

    @task(10)
    def start_page(self) -> None:
        text = self._page("/", "start page")
        if text:
            found = MORE.search(text)
            self.more = html.unescape(found.group(1)) if found else None

    @task(8)
    def scroll(self) -> None:
        if self.more is None:
            self.start_page()
            return
        text = self._page(self.more, "feed scroll")
        found = MORE.search(text or "")
        self.more = html.unescape(found.group(1)) if found else None

    @task(8)
    def bell(self) -> None:
        self._page("/notifications/bell/", "bell")

    @task(3)
    def notifications(self) -> None:
        self._page("/notifications/", "notifications page")

    @task(3)
    def search(self) -> None:
        self._page(f"/search/?q={random.choice(WORDS)}", "search")  # a load mix

    # --- writes (API) ---------------------------------------------------------------------

    def _write(self, method: str, path: str, name: str, expected: int, **kwargs: Any) -> Any:
        with self.client.request(
            method, path, name=name, headers=self.api, catch_response=True, **kwargs
        ) as got:
            if got.status_code != expected:
                got.failure(f"status {got.status_code}: {got.text[:200]}")
                return None
            return got.json() if got.content else {}

    @task(3)
    def post(self) -> None:
        self.n += 1
        mention = f" @{random.choice(self.others)}" if self.n % 2 else ""
        body = {"body": f"Lastbeitrag {self.person['username']} {self.n}{mention}"}
        made = self._write("POST", "/api/v1/posts", "post", 201, json=body)
        if made is not None:
            LEDGER["posts"].append(made["id"])
            POSTS.append(made["id"])

    @task(5)
    def comment(self) -> None:
        post_id = random.choice(POSTS[-200:])
        self.n += 1
        made = self._write(
            "POST", f"/api/v1/posts/{post_id}/comments", "comment", 201,
            json={"body": f"Kommentar {self.person['username']} {self.n}"},
        )  # fmt: skip
        if made is not None:
            LEDGER["comments"].append(made["id"])

    @task(6)
    def react(self) -> None:
        post_id = random.choice(POSTS[-200:])
        kind = random.choice(REACTIONS)
        path = f"/api/v1/posts/{post_id}/reactions/{kind}"
        if self._write("PUT", path, "reaction", 200) is not None:
            LEDGER["reactions"].append([self.person["username"], post_id, kind])
