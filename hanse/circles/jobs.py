"""The recurring job of circles, registered with the scheduler in CirclesConfig.ready()."""

from __future__ import annotations

from datetime import time

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Every morning: the facilitator of each circle meeting today is told, and circles past
    # their last week are marked finished.
    Schedule(
        name="circles.facilitators",
        task="hanse.circles.tasks.circle_day",
        at=time(7, 0),
    ),
)
