"""The recurring jobs of notifications, registered with the scheduler in apps.ready()."""

from __future__ import annotations

from datetime import time, timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    Schedule(
        name="notifications.daily_digest",
        task="hanse.notifications.delivery.send_digests",
        args=("daily",),
        at=time(7, 30),
    ),
    Schedule(
        name="notifications.weekly_digest",
        task="hanse.notifications.delivery.send_digests",
        args=("weekly",),
        at=time(7, 30),
        weekday=0,
    ),
    # Runs in the scheduler process: it must work when no worker does.
    Schedule(
        name="notifications.recover_stuck_work",
        task="hanse.notifications.maintenance.recover_stuck_work",
        every=timedelta(minutes=5),
        inline=True,
    ),
    Schedule(
        name="notifications.retention",
        task="hanse.notifications.maintenance.apply_retention",
        at=time(3, 15),
    ),
)
