"""Per-person rate limits kept in the Django cache.

With ``REDIS_URL`` set the cache is Redis, so a limit holds across all app processes; without
it the local-memory cache serves the single embedded process. A fixed window: the first call in
a window creates the counter with the window as its lifetime, later calls increment it.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(user_id: int, action: str, *, limit: int = 20, per_seconds: int = 10) -> bool:
    """True when the person may do ``action`` now; counts this attempt."""
    window = int(time.time()) // per_seconds
    key = f"ratelimit:{action}:{int(user_id)}:{per_seconds}:{window}"
    # add() is atomic (SET NX in Redis): exactly one caller creates the counter.
    if cache.add(key, 1, timeout=per_seconds + 1):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add() and incr(): this call opens a new window.
        cache.add(key, 1, timeout=per_seconds + 1)
        return limit >= 1
    return count <= limit
