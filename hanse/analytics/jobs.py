"""Scheduled jobs of network analytics."""

from datetime import time

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # At night, when yesterday is complete: its week and month, then the retention.
    Schedule(
        name="analytics.daily",
        task="hanse.analytics.tasks.compute_daily_analytics",
        at=time(2, 30),
    ),
    # The monthly summary for the analysts: on the first, once the night computed the month.
    Schedule(
        name="analytics.monthly_summary",
        task="hanse.analytics.tasks.send_monthly_analytics",
        at=time(7, 0),
    ),
)
