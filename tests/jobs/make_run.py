"""Start Hanse as ``make run`` does, on a fresh SQLite file (a copy of one migrated once per
session): for the tests that check that what the background work changes reaches every browser
(tests/jobs/test_embedded.py, tests/browser/test_everyday.py).

Without Redis that is one uvicorn process (it runs worker and scheduler itself); with
``redis_url`` the worker and scheduler are processes of their own, as the Makefile starts
them when REDIS_URL is set."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import (
    Process,
    child_env,
    free_port,
    last_json_line,
    makefile_redis_commands,
    makefile_uvicorn_arguments,
    run_python,
    stop_all,
    wait_http,
)
from tests.support.sqlite_template import migrated_copy

PASSWORD = "pw-Hanse-2026!"
# The parameter of a test that runs both set-ups: without Redis, `make run` is an installation
# of its own (a SQLite file, no Redis), the same test on either stack, so the second half of
# .ci/run leaves it out as it does every own_stack test (tests/conftest.py).
EMBEDDED = pytest.param("embedded", marks=pytest.mark.own_stack)

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


def make_run_env(tmp_path: Path, redis_url: str = "") -> dict[str, str]:
    """What ``make run`` has: development defaults, SQLite in the data directory."""
    env = child_env(
        drop_prefixes=("REDIS_URL", "HANSE_", "TASKS_", "DJANGO_SETTINGS_MODULE"),
        HANSE_DATA_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'hanse.sqlite3'}",
        DJANGO_SETTINGS_MODULE="hanse.settings",
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
    env: dict[str, str]
    processes: list[Process] = field(default_factory=list)


@contextmanager
def make_run(tmp_path: Path, redis_url: str = "") -> Iterator[Running]:
    """Hanse as ``make run`` starts it, with the people alice and bob (PASSWORD)."""
    env = make_run_env(tmp_path, redis_url)
    # A copy of the session's migrated database (tests/support/sqlite_template.py); migrate
    # then finds nothing to apply, as on every `make run` after the first.
    migrated_copy(tmp_path / "hanse.sqlite3")
    run_python(["manage.py", "migrate", "--no-input", "-v", "0"], env)
    keys = last_json_line(run_python(["-c", SETUP, PASSWORD], env))
    port = free_port()
    commands = [["-m", "uvicorn", *makefile_uvicorn_arguments("127.0.0.1", port)]]
    if redis_url:
        commands += [["manage.py", *words] for words in makefile_redis_commands()]
    log = tmp_path / "processes.log"
    running = Running(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws/", keys, env)
    try:
        running.processes += [Process(command, env, log) for command in commands]
        wait_http(running.origin + "/healthz", timeout=30, watch=running.processes)
        yield running
    finally:
        stop_all(running.processes)
