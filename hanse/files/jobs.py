"""The recurring jobs of the library, registered with the scheduler in apps.ready()."""

from __future__ import annotations

from datetime import timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    Schedule(name="files.empty_bin", task="hanse.files.tasks.empty_bin", every=timedelta(hours=24)),
)
