"""PostgreSQL restarted in the middle of a burst of writes, with Hanse running as deployed:
two uvicorn processes, the task worker and the scheduler, on PostgreSQL and Redis.

The server is one of the test's own (tests/support/postgres.py, port 25432 unless
HANSE_TEST_PRIVATE_PG_PORT says otherwise), so that stopping it disturbs nobody. Afterwards:
every write that was acknowledged (201 from the API, a redirect from the form) is in the
database, every request of the outage got the clear 503 (JSON under /api/, the error page
otherwise) and none a 500, ``/readyz`` is 200 again without restarting anything, each web
process's pool never held more than its maximum and is back at its floor, and every stored
post's mention became exactly one notification."""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import psycopg
import pytest
import redis

from tests.support.missing import leave_to_the_postgresql_half
from tests.support.postgres import PrivatePostgres, skip_or_fail_without_binaries
from tests.support.processes import (
    Process,
    child_env,
    last_json_line,
    run_python,
    start_command,
    start_uvicorn,
    stop_all,
    wait_http,
)
from tests.support.redis_db import held

PG_PORT = int(os.environ.get("HANSE_TEST_PRIVATE_PG_PORT", "25432"))
# A Redis database of its own (13): the worker takes every job of its queue, and the fault
# tests, which may run at the same time, use 11 and 12 (tests/support/redis_db.py).
REDIS_URL = os.environ.get("HANSE_TEST_RESTART_REDIS_URL", "redis://127.0.0.1:6379/13")
POOL_MIN, POOL_MAX = 2, 6
API_WRITERS, FORM_WRITERS = 4, 2
OUTAGE_SECONDS = 5.0
UNAVAILABLE_DE = "Hanse erreicht seine Datenbank oder seinen Cache gerade nicht."


@dataclass
class Write:
    kind: str
    marker: str
    status: int | str
    body: str = ""


@dataclass
class Burst:
    writes: list[Write] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def add(self, write: Write) -> None:
        with self.lock:
            self.writes.append(write)


def _api_writer(burst: Burst, origin: str, token: str, n: int) -> None:
    with httpx.Client(
        base_url=origin, timeout=60, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        i = 0
        while not burst.stop.is_set():
            marker = f"api-{n}-{i}-{uuid.uuid4().hex[:6]}"
            i += 1
            try:
                response = client.post(
                    "/api/v1/posts", json={"body": f"Burst {marker} für @reader0"}
                )
                burst.add(Write("api", marker, response.status_code, response.text[:2000]))
            except httpx.HTTPError as exc:
                burst.add(Write("api", marker, type(exc).__name__))
            time.sleep(0.02)


def _form_writer(burst: Burst, origin: str, session: str, csrf: str, n: int) -> None:
    cookies = {"sessionid": session, "csrftoken": csrf}
    with httpx.Client(base_url=origin, timeout=60, cookies=cookies) as client:
        i = 0
        while not burst.stop.is_set():
            marker = f"form-{n}-{i}-{uuid.uuid4().hex[:6]}"
            i += 1
            try:
                response = client.post(
                    "/posts/new/",
                    data={
                        "csrfmiddlewaretoken": csrf,
                        "body": f"Burst {marker} für @reader0",
                        "where": "company",
                    },
                    headers={"Referer": origin + "/posts/new/", "Accept-Language": "de"},
                )
                burst.add(Write("form", marker, response.status_code, response.text[:4000]))
            except httpx.HTTPError as exc:
                burst.add(Write("form", marker, type(exc).__name__))
            time.sleep(0.02)


class ConnectionSampler:
    """Counts each web process's connections in pg_stat_activity (by its application_name)
    four times a second, reconnecting while the server is away."""

    def __init__(self, url: str, names: list[str]) -> None:
        self.url = url
        self.names = names
        self.peak = dict.fromkeys(names, 0)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def counts(self) -> dict[str, int]:
        with psycopg.connect(self.url, connect_timeout=2, autocommit=True) as db:
            rows = db.execute("SELECT application_name FROM pg_stat_activity").fetchall()
        found = Counter(
            name for (app,) in rows for name in self.names if app.startswith(name + "-")
        )
        return {name: found[name] for name in self.names}

    def _run(self) -> None:
        while not self.stop.wait(0.25):
            try:
                for name, count in self.counts().items():
                    self.peak[name] = max(self.peak[name], count)
            except psycopg.OperationalError:
                continue  # the server is being restarted

    def __enter__(self) -> ConnectionSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def _csrf(origin: str, session: str) -> str:
    page = httpx.get(origin + "/posts/new/", cookies={"sessionid": session}, timeout=30)
    assert page.status_code == 200, page.status_code
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, "no CSRF token on /posts/new/"
    token = page.cookies.get("csrftoken")
    assert token, "no CSRF cookie"
    return token


def _why_missing(pg: PrivatePostgres, notified: set[int], processes: list[Process]) -> str:
    """What the outbox and the worker say about the posts without their notification."""
    with psycopg.connect(pg.url("hanse")) as db:
        missing = [pk for (pk,) in db.execute("SELECT id FROM posts_post") if pk not in notified]
        rows = db.execute(
            "SELECT task_path, args, created_at, enqueued_at, attempts, last_error "
            "FROM jobs_outboxevent ORDER BY id"
        ).fetchall()
    related = [r for r in rows if r[1] and r[1][0] in missing]
    logs = "\n".join(
        line
        for p in processes[2:]
        for line in p.log_text(1_000_000).splitlines()
        if any(str(pk) in line for pk in missing) or "Error" in line
    )
    return f"posts without notification: {missing}\noutbox: {related}\n{logs[-6000:]}"


@pytest.fixture(autouse=True)
def _once_under_ci() -> None:
    leave_to_the_postgresql_half()


@pytest.fixture
def private_postgres():
    binaries = skip_or_fail_without_binaries()
    server = PrivatePostgres(binaries, PG_PORT).init()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.mark.heavy
def test_postgres_restart_during_a_burst_loses_no_acknowledged_write(private_postgres, tmp_path):
    """Acknowledged writes stored, 503s (never 500) during the outage, /readyz recovers by
    itself, the pools stay bounded and return to their floor, each post notified once."""
    pg = private_postgres
    with psycopg.connect(pg.url(), autocommit=True) as db:
        db.execute("CREATE DATABASE hanse")
    redis.Redis.from_url(REDIS_URL).flushdb()
    base = child_env(
        drop=("HANSE_TEST_QUEUE_URL", "TEST_DATABASE_NAME"),
        DJANGO_SETTINGS_MODULE="tests.jobs.pg_fault_settings",
        HANSE_ENV="test",
        TASKS_REAL_QUEUE="1",
        DEBUG="false",
        HANSE_DATA_DIR=str(tmp_path / "var"),
        DATABASE_URL=pg.url("hanse"),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"pgfault-{uuid.uuid4().hex[:8]}",
        DATABASE_POOL="1",
        DATABASE_POOL_MIN_SIZE=str(POOL_MIN),
        DATABASE_POOL_MAX_SIZE=str(POOL_MAX),
        # A request of the outage waits this long for a connection, then gets its 503.
        DATABASE_POOL_TIMEOUT="2",
        DATABASE_POOL_MAX_IDLE="2",
        LINK_PREVIEWS_ENABLED="false",
    )
    run_python(["manage.py", "migrate", "--no-input", "-v", "0"], base)
    run_python(["-m", "tests.jobs.fault_script", "people", "1"], base)
    keys = last_json_line(run_python(["-m", "tests.jobs.fault_script", "credentials"], base))

    names = [f"pgfault-web{n}-{uuid.uuid4().hex[:6]}" for n in (1, 2)]
    processes: list[Process] = []
    try:
        webs = [
            start_uvicorn({**base, "HANSE_PROCESS_NAME": name}, tmp_path / f"{name}.log")
            for name in names
        ]
        processes += webs
        processes.append(start_command("hanse_worker", base, tmp_path / "worker.log"))
        processes.append(start_command("hanse_scheduler", base, tmp_path / "scheduler.log"))
        for web in webs:
            wait_http(web.origin + "/readyz", timeout=90, watch=processes)
        csrf = _csrf(webs[0].origin, keys["session"])

        burst = Burst()
        writers = [
            threading.Thread(target=_api_writer, args=(burst, webs[n % 2].origin, keys["token"], n))
            for n in range(API_WRITERS)
        ] + [
            threading.Thread(
                target=_form_writer, args=(burst, webs[n % 2].origin, keys["session"], csrf, n)
            )
            for n in range(FORM_WRITERS)
        ]
        with ConnectionSampler(pg.url(), names) as sampler:
            for writer in writers:
                writer.start()
            time.sleep(3)
            before_outage = len(burst.writes)
            pg.stop("fast")
            time.sleep(OUTAGE_SECONDS)
            pg.start()
            outage_end = len(burst.writes)
            time.sleep(6)
            burst.stop.set()
            for writer in writers:
                writer.join(timeout=90)

            # Ready again by itself: nothing was restarted but PostgreSQL.
            for web in webs:
                wait_http(web.origin + "/readyz", timeout=90, watch=processes)

            statuses = Counter(w.status for w in burst.writes)
            assert set(statuses) <= {201, 302, 503}, statuses
            assert statuses[503] > 0, f"no request met the outage: {statuses}"
            assert before_outage > 0 and len(burst.writes) > outage_end, statuses
            for write in burst.writes:
                if write.status != 503:
                    continue
                if write.kind == "api":
                    assert '"code": "unavailable"' in write.body or (
                        '"code":"unavailable"' in write.body
                    ), write.body
                else:
                    assert UNAVAILABLE_DE in write.body, write.body[:500]

            acknowledged = {w.marker for w in burst.writes if w.status in (201, 302)}
            with psycopg.connect(pg.url("hanse")) as db:
                bodies = [row[0] for row in db.execute("SELECT body FROM posts_post")]
            stored = {m for body in bodies for m in re.findall(r"(?:api|form)-\d+-\d+-\w{6}", body)}
            assert acknowledged - stored == set(), "acknowledged writes are missing"
            assert len(stored) == len(bodies), "a write was stored twice"

            # The pools: never above their maximum, back at their floor once idle.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                now = sampler.counts()
                if all(count <= POOL_MIN for count in now.values()):
                    break
                time.sleep(0.5)
            assert all(count <= POOL_MIN for count in now.values()), now
            assert all(0 < peak <= POOL_MAX for peak in sampler.peak.values()), sampler.peak

        # Each stored post (acknowledged or not) mentions reader0 once: one notification each.
        deadline = time.monotonic() + 120
        per_post: dict[int, int] = {}
        while time.monotonic() < deadline:
            with psycopg.connect(pg.url("hanse")) as db:
                per_post = dict(
                    db.execute(
                        "SELECT post_id, count(*) FROM notifications_notification "
                        "WHERE post_id IS NOT NULL GROUP BY post_id"
                    ).fetchall()
                )
            if len(per_post) >= len(bodies):
                break
            time.sleep(1)
        assert len(per_post) == len(bodies), _why_missing(pg, set(per_post), processes)
        assert set(per_post.values()) == {1}, "a notification was created twice"
        for process in processes:
            assert process.running(), process.log_text()
    finally:
        stop_all(processes)


@pytest.fixture(autouse=True)
def _own_redis_database() -> Iterator[None]:
    """No other test empties this module's Redis database while this one uses it."""
    with held(REDIS_URL):
        yield
