"""Writes of the real-time app: the person's presence preference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from hanse.realtime import presence

if TYPE_CHECKING:
    from hanse.people.models import User


def presence_preference_set(*, user: User, show: bool) -> User:
    """Show or hide one's online status; hiding also forgets the current state at once."""
    with transaction.atomic():
        user.show_presence = show
        user.save(update_fields=["show_presence"])
        if not show:
            transaction.on_commit(lambda: presence.forget(user.pk))
    return user
