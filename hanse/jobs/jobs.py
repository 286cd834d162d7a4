"""The recurring jobs of the jobs app itself, registered with the scheduler in apps.ready()."""

from __future__ import annotations

from datetime import timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Inline in the scheduler process: it is there for when the queue was not.
    Schedule(
        name="jobs.outbox_relay",
        task="hanse.jobs.outbox.relay_outbox",
        every=timedelta(seconds=15),
        inline=True,
    ),
)
