"""The guests' background work."""

from __future__ import annotations

from django_tasks import task


@task()
def deactivate_expired_guests() -> int:
    """End the access of guests whose expiry has passed (hanse/guests/services.py)."""
    # Import inside: a task module is imported by the worker before apps are ready.
    from hanse.guests.services import guests_deactivate_expired

    return guests_deactivate_expired()
