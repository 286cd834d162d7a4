"""The documented worker command runs tasks, retries and delayed tasks, on both queues.

``manage.py hanse_worker`` is started as its own process, as in ``make run`` and the
deployment guide: with the database queue, and with RQ on a real Redis. The tasks (in
sample_tasks.py) append lines to a file that this test reads."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.support.processes import child_env, run_python
from tests.support.redis_db import for_this_worker, held
from tests.support.sqlite_template import migrated_copy

# A Redis database of its own: the worker takes every job of its queue, and no other test uses
# this one.
# Databases 9 and 10, one per pytest-xdist worker (tests/support/redis_db.py).
WORKER_REDIS_URL = for_this_worker(
    os.environ.get("HANSE_TEST_WORKER_REDIS_URL", "redis://127.0.0.1:6379/9")
)

ENQUEUE = """
import sys
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from tests.jobs import sample_tasks
path = sys.argv[1]
due = timezone.now() + timedelta(seconds=3)
sample_tasks.plain.enqueue(path)
sample_tasks.flaky.enqueue(path)
sample_tasks.delayed.using(run_after=due).enqueue(path)
print(due.timestamp() - 3)
"""


# Its own SQLite file and Redis database, whatever the run uses (tests/conftest.py).
pytestmark = pytest.mark.own_stack


def _env(tmp_path: Path, queue: str) -> dict[str, str]:
    env = child_env(
        drop=("REDIS_URL", "DATABASE_URL"),
        DJANGO_SETTINGS_MODULE="tests.jobs.worker_settings",
        HANSE_ENV="test",
        TASKS_REAL_QUEUE="1",
        DEBUG="false",
        HANSE_DATA_DIR=str(tmp_path / "var"),
        # The embedded database with its settings (WAL, busy timeout), as `make run` has it.
        SQLITE_PATH=str(tmp_path / "worker.sqlite3"),
    )
    if queue == "redis":
        env["REDIS_URL"] = WORKER_REDIS_URL
    return env


_run = run_python


@pytest.mark.heavy
@pytest.mark.parametrize("queue", ["database", "redis"])
def test_worker_runs_a_task_a_retry_and_a_delayed_task(tmp_path: Path, queue: str) -> None:
    """Each task completes once, the retry after its failure, the delayed one not before its time;
    the worker's heartbeat is recorded."""
    env = _env(tmp_path, queue)
    if queue == "redis":
        redis.Redis.from_url(WORKER_REDIS_URL).flushdb()
    # The tables the worker needs (its heartbeat, the database queue): the session's migrated
    # database (tests/support/sqlite_template.py) rather than two more migrating processes.
    migrated_copy(tmp_path / "worker.sqlite3")
    out = tmp_path / "ran.txt"
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # our own interpreter and arguments
        [sys.executable, "manage.py", "hanse_worker"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        queued_at = float(_run(["-c", ENQUEUE, str(out)], env).strip().splitlines()[-1])
        deadline = time.monotonic() + 60
        lines: list[str] = []
        while time.monotonic() < deadline:
            lines = out.read_text().splitlines() if out.exists() else []
            if len(lines) >= 4:
                break
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.3)
        ran = {line.split()[0]: float(line.split()[1]) for line in lines}
        assert sorted(ran) == ["delayed", "flaky-attempt-2", "flaky-failed", "plain"], (
            tmp_path / "worker.log"
        ).read_text()[-3000:]
        assert len(lines) == 4  # nothing ran twice
        # Not before its time (RQ keeps scheduled times to the whole second: up to 1 s early).
        assert ran["delayed"] >= queued_at + 3 - (1 if queue == "redis" else 0)
        # The retry waited for its backoff (1 s here, TASK_RETRY_BASE_SECONDS; RQ schedules to
        # the whole second).
        assert ran["flaky-attempt-2"] >= ran["flaky-failed"] + 0.5
        with sqlite3.connect(tmp_path / "worker.sqlite3") as db:
            roles = [row[0] for row in db.execute("SELECT role FROM jobs_heartbeat")]
        assert roles == ["worker"]
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        log.close()


SLOW_THEN_PLAIN = """
import sys
import django
django.setup()
from tests.jobs import sample_tasks
sample_tasks.slow.enqueue(sys.argv[1])
sample_tasks.plain.enqueue(sys.argv[1])
"""


@pytest.mark.heavy
def test_rq_worker_ends_a_job_past_its_time_limit_and_goes_on(tmp_path: Path) -> None:
    """The worker runs jobs in its own process (no fork per job), and still ends a job that
    runs past the queue's time limit (2 s here), records it as failed and runs the next."""
    env = _env(tmp_path, "redis")
    redis.Redis.from_url(WORKER_REDIS_URL).flushdb()
    migrated_copy(tmp_path / "worker.sqlite3")
    out = tmp_path / "ran.txt"
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    worker = subprocess.Popen(  # our own interpreter and arguments
        [sys.executable, "manage.py", "hanse_worker"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _run(["-c", SLOW_THEN_PLAIN, str(out)], env)
        deadline = time.monotonic() + 60
        lines: list[str] = []
        while time.monotonic() < deadline:
            lines = out.read_text().splitlines() if out.exists() else []
            if len(lines) >= 2:
                break
            assert worker.poll() is None, log_path.read_text()[-3000:]
            time.sleep(0.3)
        ran = {line.split()[0]: float(line.split()[1]) for line in lines}
        assert sorted(ran) == ["plain", "slow-started"], log_path.read_text()[-3000:]
        # Ended after its 2 s (not the 30 s it wanted), then the next job ran.
        assert 1.5 <= ran["plain"] - ran["slow-started"] < 15
        text = log_path.read_text()
        assert "JobTimeoutException" in text
        # No fork per job: the job ran in the worker process itself.
        assert int(Path(f"{out}.pid").read_text()) == worker.pid
        assert worker.poll() is None
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        log.close()


@pytest.fixture(autouse=True)
def _own_redis_database() -> Iterator[None]:
    """No other test empties this module's Redis database while this one uses it."""
    with held(WORKER_REDIS_URL):
        yield
