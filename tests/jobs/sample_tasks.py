"""Tasks that the worker test queues: each appends a line to a file the test reads."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from django_tasks import task

from hanse.jobs.retry import retry


def _write(path: str, line: str) -> None:
    with Path(path).open("a") as out:
        out.write(f"{line} {timezone.now().timestamp()}\n")


@task()
def plain(path: str) -> None:
    _write(path, "plain")


@task()
def flaky(path: str, attempt: int = 1) -> None:
    """Fails on its first attempt, then succeeds through the shared retry policy."""
    try:
        if attempt == 1:
            raise RuntimeError("the first attempt fails on purpose")
        _write(path, f"flaky-attempt-{attempt}")
    except RuntimeError:
        _write(path, "flaky-failed")
        retry(flaky, [path], attempt, "flaky")


@task()
def delayed(path: str) -> None:
    _write(path, "delayed")


@task()
def sleep(seconds: float) -> None:
    """Slow ordinary work on the default queue (a link preview, a text extraction)."""
    import time  # why: only this task and the next sleep

    time.sleep(seconds)


@task()
def slow(path: str) -> None:
    """Runs past the worker's time limit (the worker test sets it to 2 s)."""
    import os  # why: only this task tells its process
    import time  # why: only this task sleeps

    Path(path + ".pid").write_text(str(os.getpid()))
    _write(path, "slow-started")
    time.sleep(30)
    _write(path, "slow-finished")


@task()
def database_away(path: str) -> None:
    """Fails as a task does when PostgreSQL restarts under it."""
    from django.db import OperationalError  # why: only this task raises it

    _write(path, "database-away")
    raise OperationalError("terminating connection due to administrator command")


@task()
def broken(path: str) -> None:
    """Fails because of a bug: nothing to come back to."""
    _write(path, "broken")
    raise ValueError("a bug")
