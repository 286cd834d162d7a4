"""Liveness, readiness, and a clear 503 when the database or Redis cannot be reached."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hanse.core import health
from hanse.jobs.heartbeat import Beater
from hanse.jobs.models import Heartbeat

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _fresh_redis_client() -> Any:
    health._redis_client = None
    yield
    health._redis_client = None


def _beat_both(seen_ago: timedelta = timedelta(0)) -> None:
    now = timezone.now() - seen_ago
    Beater(Heartbeat.Role.WORKER, "host-a:1").beat(now)
    Beater(Heartbeat.Role.SCHEDULER, "host-a:2").beat(now)


def test_healthz_asks_nothing_of_the_database(client: Client) -> None:
    """Liveness answers without a query (this test has no database access at all), so a
    database outage makes no supervisor restart healthy app processes."""
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200


def test_readyz_without_worker_or_scheduler_is_not_ready(client: Client, db: None) -> None:
    """No heartbeat: 503, naming what is missing; the web scope is still ready."""
    response = client.get(reverse("core:readyz"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["worker"] == {"ok": False, "last_seen_seconds_ago": None}
    assert checks["scheduler"]["ok"] is False
    web = client.get(reverse("core:readyz") + "?scope=web")
    assert web.status_code == 200
    assert set(web.json()["checks"]) <= {"database", "redis"}


def test_readyz_with_recent_heartbeats_is_ready(client: Client, db: None) -> None:
    """A worker and a scheduler that beat within the minute: ready."""
    _beat_both(timedelta(seconds=10))
    response = client.get(reverse("core:readyz"))
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["worker"]["ok"] is True
    assert response["Cache-Control"] == "no-store"


def test_readyz_with_a_stale_worker_is_not_ready(client: Client, db: None) -> None:
    """A worker that has not beaten for two minutes counts as gone."""
    _beat_both(timedelta(minutes=2))
    response = client.get(reverse("core:readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["last_seen_seconds_ago"] >= 120


def test_readyz_reports_a_queue_falling_behind(client: Client, db: None, settings: Any) -> None:
    """A task due for longer than READYZ_MAX_QUEUE_AGE_SECONDS makes the queue not ready."""
    from django_tasks_db.models import DBTaskResult

    from hanse.core.tasks import sweep_orphan_files

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["live", "default"]}
    }
    _beat_both()
    sweep_orphan_files.enqueue()
    fresh = client.get(reverse("core:readyz")).json()["checks"]["queue"]
    assert fresh["ok"] is True
    assert fresh["depth"] == 1
    old = timezone.now() - timedelta(minutes=10)
    DBTaskResult.objects.update(enqueued_at=old, run_after=old)
    response = client.get(reverse("core:readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["oldest_seconds"] >= 600


def test_readyz_notices_redis_down(client: Client, db: None, settings: Any) -> None:
    """With REDIS_URL pointing at nothing, readiness fails on the redis check."""
    settings.REDIS_URL = UNREACHABLE_REDIS
    response = client.get(reverse("core:readyz") + "?scope=web")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}


def _cache_on_unreachable_redis(settings: Any) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }


def test_redis_down_gives_a_clear_503_page(client_for: Any, user: Any, settings: Any) -> None:
    """Sessions are read through the cache: with Redis away a page says so, with a 503."""
    browser = client_for(user)
    _cache_on_unreachable_redis(settings)
    browser.raise_request_exception = False
    response = browser.get(reverse("home:index"), headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "cannot reach its database or cache" in response.content.decode()


def test_redis_down_gives_a_503_in_the_api_error_shape(
    client_for: Any, user: Any, settings: Any
) -> None:
    """The API answers {"detail", "code": "unavailable"} instead of a traceback."""
    browser = client_for(user)
    _cache_on_unreachable_redis(settings)
    browser.raise_request_exception = False
    response = browser.get("/api/v1/people/me")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"


def test_healthz_answers_a_probe_by_ip_address(client: Client, settings: Any) -> None:
    """A supervisor probing by address gets its answer even though the address is no allowed
    host name (every other page is refused for it)."""
    settings.ALLOWED_HOSTS = ["hanse.bank.example"]
    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_the_503_page_speaks_german(client_for: Any, user: Any, settings: Any) -> None:
    """The outage page is in the person's language like every other page."""
    browser = client_for(user)
    _cache_on_unreachable_redis(settings)
    browser.raise_request_exception = False
    settings.LANGUAGE_CODE = "de"
    response = browser.get(reverse("home:index"), headers={"Accept-Language": "de"})
    assert response.status_code == 503
    assert "vorübergehend nicht erreichbar" in response.content.decode()
