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
from pathlib import Path

import pytest
import redis
from django.conf import settings

# A Redis database of its own: the worker takes every job of its queue, and no other test uses
# this one.
WORKER_REDIS_URL = os.environ.get("HANSE_TEST_WORKER_REDIS_URL", "redis://127.0.0.1:6379/9")

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


def _env(tmp_path: Path, queue: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
            "HANSE_ENV": "test",
            "TASKS_REAL_QUEUE": "1",
            "DEBUG": "false",
            "HANSE_DATA_DIR": str(tmp_path / "var"),
            # The embedded database with its settings (WAL, busy timeout), as `make run` has it.
            "SQLITE_PATH": str(tmp_path / "worker.sqlite3"),
            "PYTHONPATH": str(settings.BASE_DIR),
        }
    )
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    if queue == "redis":
        env["REDIS_URL"] = WORKER_REDIS_URL
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603  # our own interpreter and arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.parametrize("queue", ["database", "redis"])
def test_worker_runs_a_task_a_retry_and_a_delayed_task(tmp_path: Path, queue: str) -> None:
    """Each task completes once, the retry after its failure, the delayed one not before its time;
    the worker's heartbeat is recorded."""
    env = _env(tmp_path, queue)
    if queue == "redis":
        redis.Redis.from_url(WORKER_REDIS_URL).flushdb()
    # The tables the worker needs: its heartbeat, and the database queue.
    _run(["manage.py", "migrate", "jobs", "--no-input", "-v", "0"], env)
    if queue == "database":
        _run(["manage.py", "migrate", "django_tasks_database", "--no-input", "-v", "0"], env)
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
