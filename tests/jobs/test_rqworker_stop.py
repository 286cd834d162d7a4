"""The task worker stops at once when asked (SIGTERM from systemd or podman): its pub/sub
thread, which listens for RQ's commands, reads for a second at a time, not RQ's minute; with
redis-py's stop(), which waits for that read, a warm shutdown hung for up to a minute and the
container's stop killed the worker (hanse/jobs/rqworker.py)."""

from __future__ import annotations

import time

import django_rq
import pytest
from django.conf import settings

from hanse.jobs.rqworker import HanseWorker

# RQ needs Redis: the SQLite half of CI runs without it by design (as make run does), the
# PostgreSQL and Redis half runs these, as tests/jobs/test_operator.py's RQ test.
pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL, reason="RQ needs REDIS_URL (the PostgreSQL and Redis half runs it)"
)


def test_the_command_thread_stops_within_seconds() -> None:
    queue = django_rq.get_queue("default")
    worker = HanseWorker([queue], connection=queue.connection)
    worker.subscribe()
    try:
        time.sleep(0.5)  # the thread is inside its read of the channel now
        began = time.monotonic()
        assert worker.pubsub_thread is not None
        worker.pubsub_thread.stop()
        stopped_after = time.monotonic() - began
        assert not worker.pubsub_thread.is_alive()
    finally:
        worker.unsubscribe()
    # RQ's own 60-s read made this wait up to a minute.
    assert stopped_after < 5, f"the command thread took {stopped_after:.1f} s to stop"


def test_a_burst_on_an_empty_queue_ends_promptly() -> None:
    queue = django_rq.get_queue("default")
    queue.empty()
    began = time.monotonic()
    HanseWorker([queue], connection=queue.connection).work(burst=True)
    assert time.monotonic() - began < 10
