"""The stand-in slow job of bench/bell.py (a module of its own: a task needs settings when it
is defined, and the bench sets them up only after reading its arguments)."""

from __future__ import annotations

import time

from django_tasks import task


@task()
def slow_job(seconds: float) -> None:
    """Slow ordinary work: a link preview of a firewalled site, a file's text extraction."""
    time.sleep(seconds)
