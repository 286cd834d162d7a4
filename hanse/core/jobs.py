"""The recurring jobs of the shell, registered with the scheduler in apps.ready()."""

from __future__ import annotations

from datetime import time, timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Files stored by a write that never committed, or left by rows removed in a cascade.
    Schedule(
        name="core.sweep_orphan_files",
        task="hanse.core.tasks.sweep_orphan_files",
        at=time(3, 45),
    ),
    # Idempotency keys of create requests are answered for 24 hours (hanse/core/idempotency.py).
    Schedule(
        name="core.expire_idempotency_keys",
        task="hanse.core.idempotency.delete_expired_keys",
        every=timedelta(hours=1),
    ),
    # Retention per type (hanse/core/retention_runs.py): records the preview, deletes only
    # the types an administrator confirmed.
    Schedule(
        name="core.retention",
        task="hanse.core.retention_runs.apply_retention",
        at=time(3, 30),
    ),
)
