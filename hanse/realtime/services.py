"""Writes of the real-time app: the person's presence preference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hanse.people.services import profile_update

if TYPE_CHECKING:
    from hanse.people.models import User


def presence_preference_set(*, user: User, show: bool) -> User:
    """Show or hide one's online status; hiding also forgets the current state at once (the
    profile service announces it, hanse.realtime.signals forgets)."""
    return profile_update(user=user, by=user, show_presence=show)
