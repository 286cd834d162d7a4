"""``make run``'s embedded set-up: one uvicorn process that runs the task worker and the
scheduler beside the server (hanse/jobs/embedded.py), so that what the worker changes (a bell
count it forgets, a live push it sends) reaches every browser at once.

The server is started exactly as ``make run`` starts it, without Redis and without any
variable that turns the embedded jobs on: the default must do it."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings

from tests.realtime.servers import free_port

websockets = pytest.importorskip("websockets")

SETUP = """
import json
import django
django.setup()
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from hanse.api.services import token_create
from hanse.people.models import User

def session(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key

alice = User.objects.create_user("alice", "alice@example.org", "pw-alice-123456")
bob = User.objects.create_user("bob", "bob@example.org", "pw-bob-123456")
print(json.dumps({
    "alice_token": token_create(user=alice, name="test").raw,
    "bob_token": token_create(user=bob, name="test").raw,
    "bob_session": session(bob),
}))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER"}
        and not key.startswith(("REDIS_URL", "HANSE_", "TASKS_", "DJANGO_SETTINGS_MODULE"))
    }
    env.update(
        {
            # What `make run` has: development defaults, SQLite in the data directory.
            "HANSE_DATA_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hanse.sqlite3'}",
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "hanse.settings",
            "PYTHONPATH": str(settings.BASE_DIR),
        }
    )
    env.pop("DATABASE_URL_TEST", None)
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603  # our own interpreter and arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _makefile_uvicorn_arguments() -> list[str]:
    """The uvicorn arguments of the Makefile's ``run`` target, so the test starts that."""
    text = (Path(settings.BASE_DIR) / "Makefile").read_text()
    line = next(line for line in text.splitlines() if "uvicorn hanse.asgi:application" in line)
    words = line.split("uvicorn", 1)[1].split("&")[0].split()
    return words


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
    env = _env(tmp_path)
    _run(["manage.py", "migrate", "--no-input", "-v", "0"], env)
    keys = json.loads(_run(["-c", SETUP], env).strip().splitlines()[-1])
    port = free_port()
    args = [
        a.replace("$(HOST)", "127.0.0.1").replace("$(PORT)", str(port))
        for a in _makefile_uvicorn_arguments()
    ]
    log = (tmp_path / "uvicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
        [sys.executable, "-m", "uvicorn", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        origin = f"http://127.0.0.1:{port}"
        while True:
            assert server.poll() is None, (tmp_path / "uvicorn.log").read_text()[-3000:]
            try:
                if httpx.get(origin + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.2)
        pushed = asyncio.run(_mention_reaches_bob(origin, f"ws://127.0.0.1:{port}/ws/", keys))
        assert pushed < 2
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
