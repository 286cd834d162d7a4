"""Redis databases of their own for the tests that start workers and flush what they used.

Such a test empties its database (``flushdb``) and lets an RQ worker take every job in it, so
two of them must never share one. Heavy tests start first and go to the pytest-xdist workers one
by one, so two tests of one module do run at the same time: each worker gets the database after
the module's own (``for_this_worker``; modules leave a gap for a second worker), and a lock file
per database (``held``) keeps a third worker, or a second test session, waiting instead of
emptying it under the first."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def worker_number() -> int:
    """0 for gw0 or without pytest-xdist, 1 for gw1, …"""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker[2:]) if worker[2:].isdigit() else 0


def for_this_worker(url: str) -> str:
    """``url`` with its database number moved by this worker's number: the module's database on
    gw0, the next one on gw1. Workers beyond the second share the second (``held`` queues
    them)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + min(worker_number(), 1)}"))


@contextmanager
def held(url: str) -> Iterator[None]:
    """Hold the database of ``url`` for this test alone, across workers and sessions."""
    parts = urlsplit(url)
    name = f"hanse-test-redis-{parts.hostname}-{parts.port}-{parts.path.strip('/') or 0}.lock"
    with (Path(tempfile.gettempdir()) / name).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
