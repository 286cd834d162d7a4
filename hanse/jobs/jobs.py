"""The recurring jobs of the job machinery itself, registered in apps.ready()."""

from __future__ import annotations

from datetime import time, timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Runs in the scheduler process: it must work when no worker does.
    Schedule(
        name="jobs.recover_stuck_tasks",
        task="hanse.jobs.recovery.recover_stuck_work",
        every=timedelta(minutes=5),
        inline=True,
    ),
    Schedule(
        name="jobs.ledger_retention",
        task="hanse.jobs.once.forget_old_entries",
        at=time(3, 20),
    ),
    # Inline in the scheduler process: it is there for when the queue was not.
    Schedule(
        name="jobs.outbox_relay",
        task="hanse.jobs.outbox.relay_outbox",
        every=timedelta(seconds=15),
        inline=True,
    ),
)
