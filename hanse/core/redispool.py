"""One Redis connection pool per process for Django's Redis cache.

Django's cache handler makes a new cache object per request context (under ASGI each request
has its own), and each object builds its own redis-py pool: every request opened a connection
of its own, left for the garbage collector to close. Handing every cache object the same
blocking pool per (address, options) bounds the process to ``max_connections``; a request
that finds all of them busy waits up to ``timeout`` seconds for one.
"""

from __future__ import annotations

import threading
from typing import Any

import redis

_pools: dict[tuple[str, str], redis.BlockingConnectionPool] = {}
_lock = threading.Lock()


class SharedBlockingConnectionPool(redis.BlockingConnectionPool):
    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:
        key = (url, repr(sorted(kwargs.items())))
        with _lock:
            pool = _pools.get(key)
            if pool is None:
                pool = _pools[key] = super().from_url(url, **kwargs)
            return pool
