"""Per-person rate limits kept in the Django cache.

With ``REDIS_URL`` set the cache is Redis, so a limit holds across all app processes; without
it the local-memory cache serves the single embedded process. A fixed window: the first call in
a window creates the counter with the window as its lifetime, later calls increment it.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Counted:
    """One attempt, counted: whether it is allowed, and how to take it back."""

    allowed: bool
    key: str

    def give_back(self) -> None:
        """The attempt did nothing after all (a resend of something stored): it no longer
        counts. Best effort: a window that has just ended has nothing to give back to."""
        with contextlib.suppress(ValueError):
            cache.decr(self.key)


def count(user_id: int, action: str, *, limit: int = 20, per_seconds: int = 10) -> Counted:
    """Count this attempt of ``action`` by the person; ``allowed`` says whether it may go on."""
    window = int(time.time()) // per_seconds
    key = f"ratelimit:{action}:{int(user_id)}:{per_seconds}:{window}"
    # add() is atomic (SET NX in Redis): exactly one caller creates the counter.
    if cache.add(key, 1, timeout=per_seconds + 1):
        return Counted(limit >= 1, key)
    try:
        current = cache.incr(key)
    except ValueError:
        # The key expired between add() and incr(): this call opens a new window.
        cache.add(key, 1, timeout=per_seconds + 1)
        return Counted(limit >= 1, key)
    return Counted(current <= limit, key)


def allow(user_id: int, action: str, *, limit: int = 20, per_seconds: int = 10) -> bool:
    """True when the person may do ``action`` now; counts this attempt."""
    return count(user_id, action, limit=limit, per_seconds=per_seconds).allowed
