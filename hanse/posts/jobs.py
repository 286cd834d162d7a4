"""The recurring jobs of the stream, registered with the scheduler in apps.ready()."""

from __future__ import annotations

from datetime import timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Must-read announcements scheduled for later are notified when their time has come.
    Schedule(
        name="posts.scheduled_announcements",
        task="hanse.posts.tasks.check_scheduled_announcements",
        every=timedelta(minutes=1),
    ),
)
