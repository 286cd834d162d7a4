"""The guests' recurring job, registered with the scheduler in apps.ready()."""

from __future__ import annotations

from datetime import timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Guests whose access ran out are deactivated (sessions, tokens and WebSockets end).
    # Sign-in is refused from the expiry moment on already (GuestBoundaryMiddleware); the
    # sweep makes it final and records it.
    Schedule(
        name="guests.deactivate_expired",
        task="hanse.guests.tasks.deactivate_expired_guests",
        every=timedelta(minutes=15),
    ),
)
