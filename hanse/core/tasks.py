"""Background work of the shell: the daily sweep of stored files no row points to
(scheduled in hanse/core/jobs.py)."""

from __future__ import annotations

from django_tasks import task

from hanse.core.uploads import sweep_orphans


@task()
def sweep_orphan_files() -> int:
    """Remove uploaded files older than a day that no attachment or chat file points to."""
    return len(sweep_orphans())
