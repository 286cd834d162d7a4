"""The recurring jobs of events, registered with the scheduler in apps.ready()."""

from __future__ import annotations

from datetime import timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Reminders a day and an hour before each occurrence; the task looks at a window wider
    # than five minutes, so a scheduler that was away for a moment misses none.
    Schedule(
        name="events.reminders",
        task="hanse.events.tasks.send_event_reminders",
        every=timedelta(minutes=5),
    ),
)
