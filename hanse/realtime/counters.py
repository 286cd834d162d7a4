"""Live counters: tell a person's open tabs that one of their badges changed.

The event carries no number: each tab refreshes the badge through its own HTTP endpoint,
which counts with the viewer's permissions.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from hanse.realtime.publish import publish_to_user


def counter_changed(user_ids: Iterable[int], counter: str) -> None:
    """Send ``{"type": "counter", "counter": counter}`` to each person's tabs now."""
    for user_id in sorted(set(user_ids)):
        publish_to_user(user_id, {"type": "counter", "counter": counter})


def notifications_changed_on_commit(user_ids: Iterable[int]) -> None:
    """After commit, the notification bells of these people refresh."""
    ids = sorted({int(i) for i in user_ids})
    if ids:
        transaction.on_commit(lambda: counter_changed(ids, "notifications"))
