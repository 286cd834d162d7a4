"""Presence (online / away), kept in the cache with a short lifetime, never in process memory.

Each open tab sends a heartbeat over its WebSocket every ``HEARTBEAT_SECONDS``; a heartbeat
refreshes ``presence:seen:<id>`` and, when the tab is in use, ``presence:active:<id>``. Both
expire after ``TTL_SECONDS`` without a heartbeat, so a closed browser or a crashed server
process turns into "offline" by itself. With Redis every app process sees the same state.

Presence can be read as monitoring (who is at their desk when). It is therefore shown only
while the administrator's switch (SiteConfiguration.presence_enabled) and the person's own
(User.show_presence) both allow it, nothing is stored while either is off, and no history is
kept: the cache holds the current state only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from django.core.cache import cache

from hanse.core.models import SiteConfiguration

if TYPE_CHECKING:
    from hanse.people.models import User

HEARTBEAT_SECONDS = 25
TTL_SECONDS = 70
State = Literal["online", "away", "offline"]


def _seen_key(user_id: int) -> str:
    return f"presence:seen:{int(user_id)}"


def _active_key(user_id: int) -> str:
    return f"presence:active:{int(user_id)}"


def site_enabled() -> bool:
    """The administrator's switch."""

    return SiteConfiguration.get().presence_enabled


def may_track(user: User) -> bool:
    """True when this person's presence may be recorded and shown."""
    return bool(getattr(user, "show_presence", False)) and site_enabled()


def heartbeat(user_id: int, *, active: bool) -> None:
    """Record that one of the person's tabs is open (and in use when ``active``)."""
    values = {_seen_key(user_id): 1}
    if active:
        values[_active_key(user_id)] = 1
    cache.set_many(values, timeout=TTL_SECONDS)


def forget(user_id: int) -> None:
    """Drop the person's presence at once (they hid it, or the site switched it off)."""
    cache.delete_many([_seen_key(user_id), _active_key(user_id)])


def states(user_ids: Iterable[int]) -> dict[int, State]:
    """The raw state of each person, in one cache round trip (no visibility rules applied)."""
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        return {}
    found = cache.get_many([_seen_key(i) for i in ids] + [_active_key(i) for i in ids])
    result: dict[int, State] = {}
    for user_id in ids:
        if _active_key(user_id) in found:
            result[user_id] = "online"
        elif _seen_key(user_id) in found:
            result[user_id] = "away"
        else:
            result[user_id] = "offline"
    return result


def visible_states(people: Iterable[User]) -> dict[int, State]:
    """What others may see: nothing while the site switch is off, nothing for people who hide
    their presence (they are left out of the result)."""
    people = list(people)
    if not people or not site_enabled():
        return {}
    shown = [p.pk for p in people if getattr(p, "show_presence", False) and p.is_active]
    return states(shown)
