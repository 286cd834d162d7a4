"""Django's cache backends, counting hits and misses (``hanse_cache_requests_total``).

``settings.CACHES`` names these in place of Django's own (the block at the end of
hanse/settings.py)."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.locmem import LocMemCache as _LocMemCache
from django.core.cache.backends.redis import RedisCache as _RedisCache

from hanse.observability import metrics

_MISSING = object()


class _Counting:
    _alias_label: str = "default"

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        value = super().get(key, _MISSING, version)  # type: ignore[misc]
        metrics.cache_requests.labels(
            self._alias_label, "miss" if value is _MISSING else "hit"
        ).inc()
        return default if value is _MISSING else value

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        keys = list(keys)
        found: dict[Any, Any] = super().get_many(keys, version)  # type: ignore[misc]
        if found:
            metrics.cache_requests.labels(self._alias_label, "hit").inc(len(found))
        if len(keys) > len(found):
            metrics.cache_requests.labels(self._alias_label, "miss").inc(len(keys) - len(found))
        return found


class LocMemCache(_Counting, _LocMemCache):
    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(name, params)
        self._alias_label = str(params.get("OPTIONS", {}).get("HANSE_ALIAS", name))


class RedisCache(_Counting, _RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        label = str(options.pop("HANSE_ALIAS", "default"))
        super().__init__(server, {**params, "OPTIONS": options})
        self._alias_label = label
