"""Connections under load: one app process at concurrency 20 never runs out, never holds more
than its pools allow, and gives them back afterwards.

    .venv/bin/python -m bench.connections \
        --database-url postgres://postgres@127.0.0.1:5432/hanse_bench \
        --redis-url redis://127.0.0.1:6379/13 [--concurrency 20] [--duration 60] [--settle 60]

Starts one uvicorn process as ``make run`` does, with a name of its own (HANSE_PROCESS_NAME:
its PostgreSQL connections carry it as ``application_name``, its Redis connections as client
name), logs in several viewers and requests their start page, feed, notifications and the
API's feed from ``--concurrency`` clients for ``--duration`` seconds. Four times a second it
counts the process's rows in ``pg_stat_activity`` and its entries in Redis ``CLIENT LIST``.
It fails when any request answers other than 200 or raises, when the server logged a
database or Redis error, when the process ever held more PostgreSQL connections than
DATABASE_POOL_MAX_SIZE or more Redis connections than REDIS_POOL_MAX_SIZE plus the channel
layer's, or when its PostgreSQL connections are not back at DATABASE_POOL_MIN_SIZE within
``--settle`` seconds after the load. tests/bench/test_connections.py runs it for 60 requests.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.honesty import Ledger, percentile
from bench.http import child_env, drive, session_for, start_uvicorn

# Lines in the server's log that mean a request hit the limits this bench is about.
LOG_ERRORS = (
    "too many clients",
    "PoolTimeout",
    "OperationalError",
    "ConnectionError",
    "Too many connections",
    "Traceback",
)


# How long a client waits for an answer. Beyond its pool the process lets requests wait for
# their turn (hanse/core/admission.py) rather than fail; on a machine shared with other test
# runs a turn at concurrency 20 took longer than the 30 s of the other benches. A person's
# browser waits minutes (and nginx an hour, deploy/nginx.conf): what is measured here is that
# nothing fails, not how fast.
CLIENT_TIMEOUT = 120.0


@dataclass
class Limits:
    pool_min: int = 2
    pool_max: int = 10
    pool_timeout: int = 10
    max_idle: int = 5
    redis_max: int = 10


@dataclass
class Outcome:
    ledger: Ledger
    requests: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    db_peak: int = 0
    db_after_load: int = 0
    db_final: int = 0
    seconds_to_floor: float | None = None
    redis_peak: int | None = None
    redis_final: int | None = None


class Counter:
    """Samples the server's connections in a thread of its own (own clients, not Django's)."""

    def __init__(self, conninfo: str, redis_url: str, name: str) -> None:
        import psycopg

        self._pg = psycopg.connect(conninfo, autocommit=True, application_name="hanse-counter")
        self._redis: Any = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url)
        self.name = name
        self.db_peak = 0
        self.redis_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def db(self) -> int:
        row = self._pg.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE starts_with(application_name, %s)",
            (self.name + "-",),
        ).fetchone()
        return int(row[0]) if row else 0

    def redis(self) -> int | None:
        if self._redis is None:
            return None
        clients = self._redis.client_list()
        return sum(1 for c in clients if str(c.get("name", "")).startswith(self.name + "-"))

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self.db_peak = max(self.db_peak, self.db())
            self.redis_peak = max(self.redis_peak, self.redis() or 0)

    def __enter__(self) -> Counter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def close(self) -> None:
        self._pg.close()
        if self._redis is not None:
            self._redis.close()


def conninfo_of_default_database() -> str:
    from django.db import connection

    s = connection.settings_dict
    parts = {
        "host": s["HOST"] or "127.0.0.1",
        "port": str(s["PORT"] or 5432),
        "user": s["USER"],
        "password": s["PASSWORD"],
        "dbname": s["NAME"],
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def database_url_of_default_database() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def targets_for(users: Sequence[Any]) -> list[tuple[str, str, str]]:
    targets = []
    for user in users:
        session = session_for(user)
        targets += [
            ("/", "/", session),
            ("/feed/", "/feed/", session),
            ("/notifications/", "/notifications/", session),
            ("/api/v1/feed", "/api/v1/feed", session),
        ]
    return targets


def run(
    users: Sequence[Any],
    *,
    redis_url: str,
    concurrency: int = 20,
    duration: float | None = 60.0,
    total: int | None = None,
    settle: float = 60.0,
    limits: Limits | None = None,
    extra_env: dict[str, str] | None = None,
) -> Outcome:
    """Load one app process on the configured PostgreSQL database and count its connections:
    for ``duration`` seconds, or until ``total`` requests were answered."""
    limits = limits or Limits()
    name = f"hanse-conn-{uuid.uuid4().hex[:8]}"
    env = child_env(
        DATABASE_URL=database_url_of_default_database(),
        HANSE_PROCESS_NAME=name,
        DATABASE_POOL="1",
        DATABASE_POOL_MIN_SIZE=str(limits.pool_min),
        DATABASE_POOL_MAX_SIZE=str(limits.pool_max),
        DATABASE_POOL_TIMEOUT=str(limits.pool_timeout),
        DATABASE_POOL_MAX_IDLE=str(limits.max_idle),
        REDIS_POOL_MAX_SIZE=str(limits.redis_max),
        **(extra_env or {}),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    ledger = Ledger()
    outcome = Outcome(ledger)
    targets = targets_for(users)
    server = start_uvicorn(env, name=name)
    counter = Counter(conninfo_of_default_database(), redis_url, name)
    try:
        with counter:
            load = drive(
                server.base_url, targets, concurrency=concurrency, duration=duration,
                total=total, ledger=ledger, timeout=CLIENT_TIMEOUT,
            )  # fmt: skip
        outcome.requests, outcome.elapsed = load.requests, load.elapsed
        outcome.latencies = load.all_latencies
        outcome.db_peak, outcome.redis_peak = counter.db_peak, counter.redis_peak
        outcome.db_after_load = counter.db()
        # Back to the floor: psycopg's pool closes one surplus connection per max_idle.
        began = time.monotonic()
        while time.monotonic() - began < settle:
            if counter.db() <= limits.pool_min:
                outcome.seconds_to_floor = time.monotonic() - began
                break
            time.sleep(0.5)
        outcome.db_final = counter.db()
        outcome.redis_final = counter.redis()
    finally:
        counter.close()
        server.stop()
    # A run shorter than asked is not a run of that length.
    if duration is not None and outcome.elapsed < duration * 0.9:
        ledger.fail(f"the load ran {outcome.elapsed:.1f} s of the {duration:g} s asked for")
    if total is not None and outcome.requests < total:
        ledger.fail(f"{outcome.requests} requests of the {total} asked for")
    if not outcome.requests:
        ledger.fail("no request was made")
    log = server.log_text()
    for marker in LOG_ERRORS:
        if marker in log:
            ledger.fail(f"the server logged {marker!r} (see {server.log})")
    return outcome


def verdict(outcome: Outcome, limits: Limits, settle: float) -> list[tuple[str, str, bool]]:
    """(measure, value, met) rows; what the test and the CLI both check."""
    rows = [
        (
            "PostgreSQL connections, most at once",
            f"{outcome.db_peak} (pool max {limits.pool_max})",
            0 < outcome.db_peak <= limits.pool_max,
        ),
        (
            "PostgreSQL connections back at the floor",
            (
                f"after {outcome.seconds_to_floor:.1f} s ({outcome.db_after_load} right after "
                f"the load, floor {limits.pool_min})"
                if outcome.seconds_to_floor is not None
                else f"not within {settle:g} s ({outcome.db_final} left, floor {limits.pool_min})"
            ),
            outcome.seconds_to_floor is not None,
        ),
    ]
    if outcome.redis_peak is not None and outcome.redis_final is not None:
        # The cache's shared pool plus the channel layer's publisher and subscriber.
        allowed = limits.redis_max + 2
        rows.append(
            (
                "Redis connections, most at once",
                f"{outcome.redis_peak} (allowed {allowed}), {outcome.redis_final} at the end",
                outcome.redis_peak <= allowed,
            )
        )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--settle", type=float, default=60.0, help="seconds to get back")
    parser.add_argument("--viewers", type=int, default=8)
    parser.add_argument("--pool-min", type=int, default=2)
    parser.add_argument("--pool-max", type=int, default=10)
    parser.add_argument("--max-idle", type=int, default=5)
    parser.add_argument("--redis-max", type=int, default=10)
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url must be PostgreSQL: the pool is PostgreSQL's")

    from bench.feed import configure, ensure_static, pick_viewers

    configure(args.database_url)  # production-like, as bench.feed
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    ensure_static()
    viewers = pick_viewers(args.viewers, 1)
    limits = Limits(args.pool_min, args.pool_max, 10, args.max_idle, args.redis_max)
    outcome = run(
        viewers, redis_url=args.redis_url, concurrency=args.concurrency,
        duration=args.duration, settle=args.settle, limits=limits,
    )  # fmt: skip
    outcome.ledger.measured("viewers", len(viewers), args.viewers)
    rows = verdict(outcome, limits, args.settle)

    def print_figures() -> bool:
        lat = outcome.latencies
        print()
        print(
            f"{outcome.requests} requests in {outcome.elapsed:.1f} s at concurrency "
            f"{args.concurrency} ({outcome.requests / outcome.elapsed:.0f}/s), all 200; "
            f"latency p50 {percentile(lat, 50):.0f} ms, p99 {percentile(lat, 99):.0f} ms"
        )
        width = max(len(r[0]) for r in rows) + 2
        for name, value, ok in rows:
            print(f"{name:<{width}}{value:<60}{'PASS' if ok else 'FAIL'}")
        return all(ok for _n, _v, ok in rows)

    return outcome.ledger.report(print_figures)


if __name__ == "__main__":
    sys.exit(main())
