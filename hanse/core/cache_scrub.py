"""Removing what the caches hold about one person (GDPR Art. 17, hanse/privacy/erasure.py).

Cache keys are digests or per-person names, so an erasure cannot list "the keys of this
person"; it walks the keys of each configured cache instead and deletes every entry whose key
carries the person's id as a number, or whose value names them (name, username, e-mail) or
holds their id. Walking the keys costs one pass over the cache (Redis ``SCAN``, or the memory
cache's own dict); an erasure is rare. A deleted entry is only a cache miss: deleting a few
unrelated entries whose key holds the same number is harmless.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

_NUMBER = re.compile(rb"\d+")


def holds_id(value: Any, user_id: int, depth: int = 0) -> bool:
    if depth > 4:
        return False
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value == user_id
    if isinstance(value, str):
        return value == str(user_id)
    if isinstance(value, dict):
        return any(
            holds_id(k, user_id, depth + 1) or holds_id(v, user_id, depth + 1)
            for k, v in value.items()
        )
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(holds_id(v, user_id, depth + 1) for v in value)
    return False


def mentions(key: bytes, raw: bytes, *, user_id: int, needles: Iterable[bytes]) -> bool:
    """Does this entry (its key and stored bytes) belong to or name the person?"""
    if str(user_id).encode() in _NUMBER.findall(key):
        return True
    lowered = raw.lower()
    if any(n and n.lower() in lowered for n in needles):
        return True
    try:
        value = pickle.loads(raw)  # noqa: S301 - our own cache's entries
    except Exception:
        try:
            value = int(raw)
        except ValueError:
            return False
    return holds_id(value, user_id)


def entries(alias: str) -> Iterator[tuple[bytes, bytes, Any]]:
    """(key, stored bytes, a handle to delete it) for every entry of one cache."""
    cache = caches[alias]
    if isinstance(cache, LocMemCache):
        store = cache._cache  # type: ignore[attr-defined]  # the memory cache dict
        for key in list(store.keys()):
            raw = store.get(key)
            if raw is not None:
                yield key.encode(), raw, key
    elif isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        prefix = cache.key_prefix
        for key in client.scan_iter(match=f"{prefix}:*", count=500):
            raw = client.get(key)
            if raw is not None:
                raw_bytes = raw if isinstance(raw, bytes) else str(raw).encode()
                yield key, raw_bytes, key


def _delete(alias: str, handle: Any) -> None:
    cache = caches[alias]
    if isinstance(cache, LocMemCache):
        with cache._lock:  # type: ignore[attr-defined]
            cache._delete(handle)  # type: ignore[attr-defined]
    else:
        cache._cache.get_client(write=True).delete(handle)  # type: ignore[attr-defined]


def scrub(*, user_id: int, needles: Iterable[str]) -> int:
    """Delete every cached entry, in every configured cache, that is about this person."""
    encoded = [n.encode() for n in needles if n]
    removed = 0
    for alias in settings.CACHES:
        for key, raw, handle in list(entries(alias)):
            if mentions(key, raw, user_id=user_id, needles=encoded):
                _delete(alias, handle)
                removed += 1
    return removed
