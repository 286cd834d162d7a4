"""Emptying one cache for a cold measurement, without FLUSHDB on Redis: Django's
``RedisCache.clear()`` empties the whole database, and with it every other cache, the rate
limits and the channel layer that share it (and, in tests, those of the other workers)."""

from __future__ import annotations

from django.core.cache import caches


def empty_cache(alias: str) -> None:
    cache = caches[alias]
    client = getattr(cache, "_cache", None)
    if client is not None and hasattr(client, "get_client"):
        redis = client.get_client(write=True)
        keys = list(redis.scan_iter(match=cache.make_key("*"), count=1000))
        for start in range(0, len(keys), 500):
            redis.delete(*keys[start : start + 500])
        return
    cache.clear()
