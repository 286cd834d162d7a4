"""Structured logs: one JSON line per request and per task, the request id of the web line in
the line of the task the request queued, run by the real worker (``manage.py hanse_worker``)
on the database queue and on RQ with a real Redis."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import Client

from hanse.observability import context
from tests.support.processes import child_env
from tests.support.redis_db import for_this_worker, held
from tests.support.sqlite_template import migrated_copy

# Databases 6 and 7, one per pytest-xdist worker (tests/support/redis_db.py).
WORKER_REDIS_URL = for_this_worker(
    os.environ.get("HANSE_TEST_OPS_REDIS_URL", "redis://127.0.0.1:6379/6")
)

REQUEST = """
import json, sys
import django
django.setup()
from django.test import Client
response = Client().get("/test-queue-note", {"out": sys.argv[1]}, **dict(
    [("HTTP_X_REQUEST_ID", sys.argv[2])] if sys.argv[2] else []))
print(json.dumps({"status": response.status_code, "id": response["X-Request-ID"]}))
"""


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def _request(env: dict[str, str], out: Path, given_id: str) -> tuple[str, dict[str, Any]]:
    """One request through the test client in a process of its own: the id it answered with
    and its one log line."""
    done = subprocess.run(  # noqa: S603  # our own interpreter and arguments
        [sys.executable, "-c", REQUEST, str(out), given_id],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200
    web = [line for line in _json_lines(done.stderr) if line.get("logger") == "hanse.request"]
    assert len(web) == 1, done.stderr[-3000:]
    return answer["id"], web[0]


# One test per queue (not one per id): the RQ worker takes every job of its Redis database.
@pytest.mark.own_stack  # its own SQLite installation (tests/conftest.py)
@pytest.mark.heavy
@pytest.mark.parametrize("queue", ["database", "redis"])
def test_request_and_task_lines_share_the_request_id(tmp_path: Path, queue: str) -> None:
    env = child_env(
        drop=("REDIS_URL", "DATABASE_URL", "LOG_LEVEL"),
        DJANGO_SETTINGS_MODULE="tests.observability.settings",
        HANSE_ENV="test",
        TASKS_REAL_QUEUE="1",
        DEBUG="false",
        LOG_FORMAT="json",
        HANSE_DATA_DIR=str(tmp_path / "var"),
        SQLITE_PATH=str(tmp_path / "ops.sqlite3"),
    )
    if queue == "redis":
        env["REDIS_URL"] = WORKER_REDIS_URL
        redis.Redis.from_url(WORKER_REDIS_URL).flushdb()
    # The session's migrated database (tests/support/sqlite_template.py), not three more
    # processes migrating the queue, heartbeat and session tables.
    migrated_copy(tmp_path / "ops.sqlite3")
    given_out, made_out = tmp_path / "given.txt", tmp_path / "made.txt"
    given_id, given_line = _request(env, given_out, "lb-7f3a.2026")
    made_id, made_line = _request(env, made_out, "")
    assert given_id == "lb-7f3a.2026"
    assert len(made_id) == 32 and made_id != given_id  # made: a uuid4 in hex
    for request_id, web in ((given_id, given_line), (made_id, made_line)):
        assert web["request_id"] == request_id
        assert web["event"] == "request"
        assert web["status"] == 200
        assert web["path"] == "/test-queue-note"  # no query string
        assert "out=" not in json.dumps(web)

    log_path = tmp_path / "worker.log"
    task_lines: list[dict[str, Any]] = []
    with log_path.open("w") as log:
        worker = subprocess.Popen(  # our own interpreter and arguments
            [sys.executable, "manage.py", "hanse_worker"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                task_lines = [
                    line
                    for line in _json_lines(log_path.read_text())
                    if line.get("logger") == "hanse.task"
                ]
                if len(task_lines) >= 2:
                    break
                assert worker.poll() is None, log_path.read_text()[-3000:]
                time.sleep(0.3)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
    assert given_out.read_text() == "ran\n" and made_out.read_text() == "ran\n"
    assert len(task_lines) == 2, log_path.read_text()[-3000:]
    assert sorted(line["request_id"] for line in task_lines) == sorted([given_id, made_id])
    for line in task_lines:
        assert line["task"] == "tests.observability.sample.note"
        assert line["status"] == "successful"
        assert line["level"] == "info"
        assert isinstance(line["duration_ms"], float)
    # Every line the worker wrote is JSON.
    text_lines = [t for t in log_path.read_text().splitlines() if t.strip()]
    assert all(t.startswith("{") for t in text_lines), text_lines[:5]


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The lines the configured formatter writes, captured in this process."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.getLogger().handlers[0].formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def _request_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [
        line for line in _json_lines(stream.getvalue()) if line.get("logger") == "hanse.request"
    ]


@pytest.mark.django_db
def test_a_person_appears_by_internal_id_only(json_log: io.StringIO, make_user: Any) -> None:
    person = make_user("hk", first_name="Hannelore", last_name="Kröger", email="hk@bank.example")
    client = Client()
    client.force_login(person)
    response = client.get("/notifications/", {"q": "geheim"})
    line = _request_lines(json_log)[-1]
    assert line["person_id"] == person.pk
    assert line["request_id"] == response["X-Request-ID"]
    text = json.dumps(line)
    for secret in ("Hannelore", "Kröger", "hk@bank.example", "geheim"):
        assert secret not in text


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["x" * 129, "a b", "id\nforged", "<script>"])
def test_an_unusable_request_id_is_replaced(json_log: io.StringIO, header: str) -> None:
    response = Client().get("/accounts/login/", HTTP_X_REQUEST_ID=header)
    made = response["X-Request-ID"]
    assert made != header and len(made) == 32
    assert _request_lines(json_log)[-1]["request_id"] == made
    assert context.current() is None  # unbound after the request


def test_log_format_and_level_come_from_the_environment(tmp_path: Path) -> None:
    env = child_env(drop=("LOG_FORMAT", "LOG_LEVEL"), HANSE_ENV="development", DEBUG="true")
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('x').warning('w-%s', 1); logging.getLogger('x').info('hidden')"
    )
    console = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "hanse.settings", "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "w-1" in console.stderr and not console.stderr.lstrip().startswith("{")
    assert "hidden" not in console.stderr
    as_json = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "hanse.settings", "LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = _json_lines(as_json.stderr)
    assert {"event": "w-1", "level": "warning", "logger": "x"}.items() <= lines[0].items()
    assert any(line["event"] == "hidden" for line in lines)


@pytest.fixture(autouse=True)
def _own_redis_database() -> Iterator[None]:
    """No other test empties this module's Redis database while this one uses it."""
    with held(WORKER_REDIS_URL):
        yield
