"""Per-person rate limits: the one limiter lives in hanse/core/ratelimit.py (the cache,
Redis across processes); this module keeps the names the WebSocket code imports."""

from __future__ import annotations

from hanse.core.ratelimit import Counted, count

__all__ = ["Counted", "allow", "count"]


def allow(user_id: int, action: str, *, limit: int = 20, per_seconds: int = 10) -> bool:
    """True when the person may do ``action`` now; counts this attempt."""
    return count(user_id, action, limit=limit, per_seconds=per_seconds).allowed
