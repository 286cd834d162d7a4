"""The recurring jobs of the wiki, registered with the scheduler in apps.ready()."""

from __future__ import annotations

from datetime import timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Review reminders: pages whose last review is older than their community's period.
    Schedule(
        name="wiki.review_reminders",
        task="hanse.wiki.tasks.send_review_reminders",
        every=timedelta(hours=6),
    ),
)
