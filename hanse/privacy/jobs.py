"""The recurring job of data exports, registered with the scheduler in apps.ready()."""

from __future__ import annotations

from datetime import timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Archives are kept DATA_EXPORT_DAYS days, then deleted (hanse/privacy/tasks.py).
    Schedule(
        name="privacy.expire_exports",
        task="hanse.privacy.tasks.expire_exports",
        every=timedelta(hours=1),
    ),
)
