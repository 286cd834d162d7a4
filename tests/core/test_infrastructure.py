"""The test run really uses the stack it claims: Redis when REDIS_URL is set, SQLite in WAL mode
when no DATABASE_URL is, and per-worker test databases under pytest-xdist."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

ON_REDIS = bool(settings.REDIS_URL)
ON_SQLITE = connection.vendor == "sqlite"


@pytest.mark.skipif(not ON_REDIS, reason="REDIS_URL is not set")
def test_cache_round_trips_through_redis() -> None:
    """With REDIS_URL the cache stores values in Redis itself, not in this process."""
    import redis
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    key = f"infrastructure-{uuid.uuid4().hex}"
    cache.set(key, {"value": 42}, timeout=30)
    try:
        assert cache.get(key) == {"value": 42}
        client = redis.Redis.from_url(settings.REDIS_URL)
        assert client.exists(cache.make_key(key)) == 1
        assert client.ttl(cache.make_key(key)) > 0
    finally:
        cache.delete(key)
    assert cache.get(key) is None


@pytest.mark.skipif(not ON_REDIS, reason="REDIS_URL is not set")
def test_channel_layer_is_redis_and_delivers() -> None:
    """With REDIS_URL the channel layer is channels_redis, and a message makes the trip."""
    from hanse.realtime.layers import ResyncingRedisPubSubChannelLayer

    layer = get_channel_layer()
    assert isinstance(layer, ResyncingRedisPubSubChannelLayer)

    async def round_trip() -> dict[str, Any]:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "hanse.ping", "text": "moin"})
        received: dict[str, Any] = await layer.receive(channel)
        return received

    assert async_to_sync(round_trip)() == {"type": "hanse.ping", "text": "moin"}


@pytest.mark.skipif(ON_REDIS, reason="REDIS_URL is set")
def test_embedded_stack_uses_memory_cache_and_channel_layer() -> None:
    """Without REDIS_URL the cache is local memory and the channel layer in-process."""
    from channels.layers import InMemoryChannelLayer
    from django.core.cache.backends.locmem import LocMemCache

    assert isinstance(caches["default"], LocMemCache)
    assert isinstance(get_channel_layer(), InMemoryChannelLayer)
    key = f"infrastructure-{uuid.uuid4().hex}"
    cache.set(key, "moin", timeout=30)
    assert cache.get(key) == "moin"
    cache.delete(key)


@pytest.mark.skipif(not ON_SQLITE, reason="not running on SQLite")
def test_sqlite_runs_in_wal_mode(tmp_path: Path, django_db_blocker: Any) -> None:
    """A SQLite database opened with Hanse's settings uses WAL, foreign keys and a busy timeout.

    The test database itself lives in memory (where WAL does not exist), so a file database is
    opened with exactly the configured connection settings.
    """
    from django.db.backends.sqlite3.base import DatabaseWrapper

    settings_dict = {**connection.settings_dict, "NAME": str(tmp_path / "wal.sqlite3")}
    wrapper = DatabaseWrapper(settings_dict, alias="wal_check")
    # A scratch file next to the test, not the test database: pytest-django's guard lifted.
    with django_db_blocker.unblock(), wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA foreign_keys")
        foreign_keys = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]
    wrapper.close()
    assert (journal_mode, foreign_keys, busy_timeout) == ("wal", 1, 20000)


@pytest.mark.skipif(ON_SQLITE, reason="running on SQLite")
@pytest.mark.django_db
def test_postgres_uses_a_test_database_of_its_own(worker_id: str) -> None:
    """PostgreSQL tests run in TEST_DATABASE_NAME (per xdist worker), never the real database."""
    expected = os.environ.get("TEST_DATABASE_NAME", "test_hanse")
    if worker_id != "master":
        expected = f"{expected}_{worker_id}"
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["NAME"] == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone()[0] == expected
