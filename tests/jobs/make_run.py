"""Start Hanse as ``make run`` does, on a fresh SQLite file: for the tests that check that
what the background work changes reaches every browser (tests/jobs/test_embedded.py,
tests/browser/test_everyday.py).

Without Redis that is one uvicorn process (it runs worker and scheduler itself); with
``redis_url`` the worker and scheduler are processes of their own, as the Makefile starts
them when REDIS_URL is set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings

from tests.realtime.servers import free_port

PASSWORD = "pw-Hanse-2026!"

SETUP = """
import json, sys
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from hanse.api.services import token_create
from hanse.people.models import User

def session(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key

out = {}
for name in ("alice", "bob"):
    user = User.objects.create_user(
        name, name + "@example.org", sys.argv[1], first_name=name.title()
    )
    out[name + "_token"] = token_create(user=user, name="test").raw
    out[name + "_session"] = session(user)
print(json.dumps(out))
"""


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


def makefile_uvicorn_arguments(host: str, port: int) -> list[str]:
    """The uvicorn arguments of the Makefile's ``run`` target, so the tests start that."""
    text = (Path(settings.BASE_DIR) / "Makefile").read_text()
    line = next(line for line in text.splitlines() if "uvicorn hanse.asgi:application" in line)
    words = line.split("uvicorn", 1)[1].split("&")[0].split()
    return [w.replace("$(HOST)", host).replace("$(PORT)", str(port)) for w in words]


def make_run_env(tmp_path: Path, redis_url: str = "") -> dict[str, str]:
    """What ``make run`` has: development defaults, SQLite in the data directory."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER"}
        and not key.startswith(("REDIS_URL", "HANSE_", "TASKS_", "DJANGO_SETTINGS_MODULE"))
    }
    env.update(
        {
            "HANSE_DATA_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hanse.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "hanse.settings",
            "PYTHONPATH": str(settings.BASE_DIR),
        }
    )
    if redis_url:
        prefix = f"hanse-mr-{uuid.uuid4().hex[:10]}"
        env.update(
            {
                "REDIS_URL": redis_url,
                "DJANGO_SETTINGS_MODULE": "tests.realtime.server_settings",
                "HANSE_TEST_LAYER_PREFIX": prefix,
                "CACHE_KEY_PREFIX": prefix,
            }
        )
    return env


@dataclass
class Running:
    origin: str
    ws_url: str
    keys: dict[str, Any]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)


@contextmanager
def make_run(tmp_path: Path, redis_url: str = "") -> Iterator[Running]:
    """Hanse as ``make run`` starts it, with the people alice and bob (PASSWORD)."""
    env = make_run_env(tmp_path, redis_url)
    _run(["manage.py", "migrate", "--no-input", "-v", "0"], env)
    keys = json.loads(_run(["-c", SETUP, PASSWORD], env).strip().splitlines()[-1])
    port = free_port()
    commands = [["-m", "uvicorn", *makefile_uvicorn_arguments("127.0.0.1", port)]]
    if redis_url:
        commands += [["manage.py", "hanse_worker"], ["manage.py", "hanse_scheduler"]]
    log = (tmp_path / "processes.log").open("wb")
    running = Running(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws/", keys)
    try:
        for command in commands:
            running.processes.append(
                subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
                    [sys.executable, *command],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + 30
        while True:
            for process in running.processes:
                assert process.poll() is None, (tmp_path / "processes.log").read_text()[-3000:]
            try:
                if httpx.get(running.origin + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.2)
        yield running
    finally:
        for process in running.processes:
            process.terminate()
        for process in running.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
