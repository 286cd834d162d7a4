"""One app process at concurrency 20 never runs out of connections, never holds more than its
pools allow, and is back at the pool's floor soon after the load."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection

from bench.connections import Limits, run, verdict
from hanse.people.models import User
from tests.realtime.servers import wait_for_other_sessions_to_end

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the connection pool and pg_stat_activity are PostgreSQL's; SQLite has one "
        "file and no connections to run out of (run with DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]

# Requests of the load; bench.connections runs the full minute (--duration 60). Twenty clients
# fill the pool with their first requests; three rounds of them prove as much as a minute did
# (20 s before) on any machine: a busy one takes longer, an idle one a few seconds.
REQUESTS = int(os.environ.get("HANSE_CONNECTION_TEST_REQUESTS", "60"))


def test_one_process_at_concurrency_20_stays_within_its_pools(
    make_user: Callable[..., User],
) -> None:
    """20 clients, 60 requests: every answer a 200, at most the pool's connections, back to the
    floor afterwards; on Redis at most the cache pool's connections plus the channel layer's."""
    viewers = [make_user() for _ in range(4)]
    # max_idle 1 s: back from 5 to 2 connections in about 3 s.
    limits = Limits(pool_min=2, pool_max=5, pool_timeout=10, max_idle=1, redis_max=4)
    try:
        outcome = run(
            viewers,
            redis_url=settings.REDIS_URL,
            concurrency=20,
            duration=None,
            total=REQUESTS,
            settle=30,
            limits=limits,
            extra_env=_server_env(),
        )
    finally:
        wait_for_other_sessions_to_end()
    assert outcome.ledger.all_problems() == []
    assert outcome.requests == REQUESTS
    failed = [(name, value) for name, value, ok in verdict(outcome, limits, 30) if not ok]
    assert failed == []
    assert outcome.db_peak <= limits.pool_max
    assert outcome.db_final <= limits.pool_min
    if settings.REDIS_URL:
        assert outcome.redis_peak is not None
        assert outcome.redis_peak <= limits.redis_max + 2


def _server_env() -> dict[str, str]:
    """The test's secret key (sessions are signed with it), test settings, no DEBUG."""
    return {"SECRET_KEY": settings.SECRET_KEY, "HANSE_ENV": "test", "DEBUG": "false"}
