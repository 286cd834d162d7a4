"""The documented deployment (two uvicorn processes, the worker and the scheduler on
PostgreSQL and Redis) under 20 people at once: no 500, every answer as expected, no process
above its pool, the web processes back at the pool's floor afterwards. bench.load runs the
two minutes; this runs it for 20 s (HANSE_LOAD_TEST_SECONDS)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from bench.connections import database_url_of_default_database
from bench.load import Limits, print_table, run, verdict
from tests.support import pg_template

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.REDIS_URL,
    reason="the documented deployment runs on PostgreSQL and Redis (run with DATABASE_URL "
    "and REDIS_URL)",
)

DURATION = float(os.environ.get("HANSE_LOAD_TEST_SECONDS", "20"))
# A Redis database of its own: the worker takes every job of its queue. The deployment smoke
# test's (scripts/deploy_smoke.py), which never runs at the same time as the tests.
LOAD_REDIS_URL = os.environ.get("HANSE_TEST_LOAD_REDIS_URL", "redis://127.0.0.1:6379/8")


@pytest.mark.heavy
def test_twenty_people_on_the_documented_deployment(tmp_path, capsys):
    """20 people for 20 s: all answers as expected, pools bounded, back at the floor."""
    url = urlsplit(database_url_of_default_database())
    name = f"{settings.DATABASES['default']['NAME']}_load"
    limits = Limits(pool_min=2, pool_max=10, max_idle=2)
    database_url = urlunsplit(url._replace(path=f"/{name}"))
    try:
        outcome = run(
            database_url=database_url,
            redis_url=LOAD_REDIS_URL,
            users=20,
            duration=DURATION,
            settle=60,
            limits=limits,
            log_dir=tmp_path,
            # A copy of the run's migrated template (tests/support/pg_template.py).
            template=pg_template.migrated_template(database_url_of_default_database()),
        )
    finally:
        with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert outcome.ledger.all_problems() == []
    assert outcome.statuses.keys() <= {"200", "201"}
    with capsys.disabled():
        print_table(outcome, 20)
    assert [row for row in verdict(outcome, limits, 60) if not row[2]] == []
