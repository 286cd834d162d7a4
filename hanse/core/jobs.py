"""The recurring jobs of the shell, registered with the scheduler in apps.ready()."""

from __future__ import annotations

from datetime import time

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Files stored by a write that never committed, or left by rows removed in a cascade.
    Schedule(
        name="core.sweep_orphan_files",
        task="hanse.core.tasks.sweep_orphan_files",
        at=time(3, 45),
    ),
)
