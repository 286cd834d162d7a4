"""Faults between a write and its side effects, with real processes: the queue (Redis) away
at the commit, the worker killed in the middle of a post's notifications, a create retried
after its answer was lost. Each test counts what must be there afterwards.

The processes use tests/jobs/fault_settings.py against a SQLite file, as the worker test
does; the scripts they run are in tests/jobs/fault_script.py."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.support.processes import (
    Process,
    child_env,
    last_json_line,
    run_python,
    start_command,
)
from tests.support.redis_db import for_this_worker, held
from tests.support.sqlite_template import migrated_copy

# Its own SQLite file and Redis database, whatever the run uses (tests/conftest.py).
pytestmark = pytest.mark.own_stack

# A Redis database of its own: the RQ worker takes every job of its queue.
# Databases 11 and 12, one per pytest-xdist worker (tests/support/redis_db.py).
FAULT_REDIS_URL = for_this_worker(
    os.environ.get("HANSE_TEST_FAULT_REDIS_URL", "redis://127.0.0.1:6379/11")
)
# Nothing listens on port 1: connecting fails at once, as with Redis down.
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"
READERS = 4


def _env(db: Path, queue_url: str = "") -> dict[str, str]:
    env = child_env(
        drop=("REDIS_URL", "HANSE_TEST_QUEUE_URL"),
        DJANGO_SETTINGS_MODULE="tests.jobs.fault_settings",
        HANSE_ENV="test",
        TASKS_REAL_QUEUE="1",
        DEBUG="false",
        HANSE_DATA_DIR=str(db.parent / "var"),
        DATABASE_URL=f"sqlite:///{db}",
    )
    if queue_url:
        env["HANSE_TEST_QUEUE_URL"] = queue_url
    return env


def _script(env: dict[str, str], *args: str) -> Any:
    return last_json_line(run_python(["-m", "tests.jobs.fault_script", *args], env))


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    # A copy of the session's migrated database (tests/support/sqlite_template.py): each
    # pytest-xdist worker migrated a file of its own here before, 40 s on a busy machine.
    db = tmp_path / "hanse.sqlite3"
    migrated_copy(db)
    _script(_env(db), "people", str(READERS))
    return db


def _worker(env: dict[str, str], log: Path, *extra: str) -> Process:
    return start_command("hanse_worker", env, log, *extra)


def _burst(env: dict[str, str], log: Path) -> None:
    """Run the worker until its queue is empty."""
    worker = _worker(env, log, "--burst")
    try:
        assert worker.wait(timeout=120) == 0, log.read_text()[-3000:]
    finally:
        worker.kill()


@pytest.mark.heavy
def test_post_survives_redis_down_and_is_notified_once_when_it_is_back(db_file, tmp_path):
    """Queue unreachable at the commit: 201, the post and one outbox row remain; with Redis
    back the relay queues it and each mentioned person gets one notification."""
    down = _env(db_file, DEAD_REDIS_URL)
    statuses = _script(down, "post", "1")
    assert [status for status, _id in statuses] == [201]
    post_id = str(statuses[0][1])
    counts = _script(down, "counts")
    assert counts["posts"] == 1
    assert counts["outbox_waiting"] == 1
    assert counts["notifications"] == 0
    # Still down: the relay keeps the row.
    assert _script(down, "relay")["relayed"] == 0
    assert _script(down, "counts")["outbox_waiting"] == 1

    redis.Redis.from_url(FAULT_REDIS_URL).flushdb()
    up = _env(db_file, FAULT_REDIS_URL)
    # The post's side effects and its search index update.
    assert _script(up, "relay")["relayed"] == 2
    log = tmp_path / "worker.log"
    _burst(up, log)
    # The relay runs again (a second scheduler tick) and the worker once more: nothing new.
    _script(up, "relay")
    _burst(up, log)
    counts = _script(up, "counts")
    assert counts["outbox_waiting"] == 0
    assert counts["per_post"] == {post_id: READERS}, log.read_text()[-3000:]
    assert counts["notifications"] == READERS
    assert counts["twice"] == 0


@pytest.mark.heavy
def test_worker_killed_mid_notifications_leaves_each_notification_once(db_file, tmp_path):
    """SIGKILL while the worker creates the posts' notifications, recovery, restart: every
    post has one notification per mentioned person, none twice, none missing."""
    posts = 30
    env = _env(db_file)
    statuses = _script(env, "post", str(posts))
    assert [status for status, _id in statuses] == [201] * posts
    log = tmp_path / "worker.log"
    worker = _worker(env, log)
    made_at_kill = 0
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and made_at_kill == 0:
            assert worker.running(), log.read_text()[-3000:]
            with sqlite3.connect(db_file, timeout=10) as db:
                made_at_kill = db.execute("SELECT COUNT(*) FROM notifications_notification")
                made_at_kill = made_at_kill.fetchone()[0]
            time.sleep(0.02)
        worker.kill()  # SIGKILL, in the middle of a job
    finally:
        worker.kill()
    assert 0 < made_at_kill < posts * READERS  # killed in the middle, not before or after
    # The scheduler's recovery step (tasks left running) and relay, then a new worker.
    _script(env, "recover")
    _script(env, "relay")
    _burst(env, log)
    counts = _script(env, "counts")
    assert counts["posts"] == posts
    assert counts["twice"] == 0
    assert sorted(counts["per_post"].values()) == [READERS] * posts, log.read_text()[-3000:]
    assert counts["notifications"] == posts * READERS
    assert counts["outbox_waiting"] == 0


@pytest.mark.heavy
def test_api_create_retried_with_the_same_key_after_a_lost_answer_makes_one_post(db_file):
    """The client lost the answer and sends the same request again: the same post, 201."""
    env = _env(db_file)
    first = _script(env, "post", "1", "retry-after-timeout-1")
    again = _script(env, "post", "1", "retry-after-timeout-1")
    assert first == again
    assert first[0][0] == 201
    other = _script(env, "post", "1", "another-key")
    assert other[0][1] != first[0][1]
    counts = _script(env, "counts")
    assert counts["posts"] == 2


@pytest.fixture(autouse=True)
def _own_redis_database() -> Iterator[None]:
    """No other test empties this module's Redis database while this one uses it."""
    with held(FAULT_REDIS_URL):
        yield
