"""/metrics: Prometheus' format from the real endpoint, for monitoring only, with the figures
operators need (requests by view, database, cache, tasks, queue, readiness, disk)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from hanse.jobs.backends import DatabaseBackend
from tests.observability.metrics_support import scrape, value

pytestmark = pytest.mark.django_db

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def test_metrics_are_for_monitoring_only(settings: Any) -> None:
    settings.MONITORING_TOKEN = "s3cret-token-for-prometheus"
    assert Client().get("/metrics", **OUTSIDE).status_code == 404
    wrong = {"HTTP_AUTHORIZATION": "Bearer nope", **OUTSIDE}
    assert Client().get("/metrics", **wrong).status_code == 404
    right = {"HTTP_AUTHORIZATION": "Bearer s3cret-token-for-prometheus", **OUTSIDE}
    assert Client().get("/metrics", **right).status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    settings.MONITORING_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    assert Client().get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200


def test_readyz_details_only_for_monitoring(settings: Any) -> None:
    settings.MONITORING_TOKEN = "s3cret-token-for-prometheus"
    outside = Client().get("/readyz", {"scope": "web"}, **OUTSIDE)
    assert outside.json() == {"status": "ok"}
    # Without worker heartbeats the full check fails: the status says so, the figures do not.
    assert Client().get("/readyz", **OUTSIDE).json() == {"status": "unavailable"}
    token = {"HTTP_AUTHORIZATION": "Bearer s3cret-token-for-prometheus", **OUTSIDE}
    detailed = Client().get("/readyz", **token).json()
    assert detailed["status"] == "unavailable"
    assert detailed["checks"]["database"]["ok"] is True
    assert detailed["checks"]["worker"]["ok"] is False


def test_requests_database_and_cache_are_counted(client_for: Any, user: Any) -> None:
    before = scrape()
    client = client_for(user)
    for _ in range(3):
        assert client.get("/notifications/").status_code == 200
    assert Client().get("/no-such-page-at-all/").status_code in (302, 404)
    after = scrape()

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    view = "notifications:list"
    assert grew("hanse_http_request_duration_seconds_count", view=view, method="GET") == 3
    assert grew("hanse_http_responses_total", view=view, status="200") == 3
    # Latency buckets: every request is under the +Inf bucket, and the buckets are cumulative.
    assert grew("hanse_http_request_duration_seconds_bucket", view=view, le="+Inf") == 3
    assert grew("hanse_db_queries_total", alias="default") >= 3
    assert grew("hanse_db_query_seconds_total", alias="default") > 0
    assert grew("hanse_cache_requests_total", cache="default") > 0


def test_tasks_and_retries_are_counted_per_task() -> None:
    from tests.jobs import sample_tasks

    before = scrape()
    sample_tasks.plain.enqueue("/dev/null")
    after = scrape()
    task = "tests.jobs.sample_tasks.plain"
    assert (
        value(after, "hanse_tasks_total", task=task, status="successful")
        - value(before, "hanse_tasks_total", task=task, status="successful")
        == 1
    )
    assert (
        value(after, "hanse_task_duration_seconds_count", task=task)
        - value(before, "hanse_task_duration_seconds_count", task=task)
        == 1
    )


@override_settings(
    TASKS={
        "default": {
            "BACKEND": "hanse.jobs.backends.DatabaseBackend",
            "QUEUES": ["live", "default"],
        }
    }
)
def test_queue_depth_and_age_per_queue() -> None:
    from django_tasks import task_backends

    from tests.jobs import sample_tasks

    assert isinstance(task_backends["default"], DatabaseBackend)
    sample_tasks.plain.enqueue("/dev/null")
    sample_tasks.plain.using(queue_name="live").enqueue("/dev/null")
    sample_tasks.plain.using(queue_name="live").enqueue("/dev/null")
    samples = scrape()
    assert value(samples, "hanse_task_queue_depth", queue="default") == 1
    assert value(samples, "hanse_task_queue_depth", queue="live") == 2
    assert value(samples, "hanse_task_queue_oldest_seconds", queue="live") >= 0


def test_readiness_and_disk_are_exposed() -> None:
    samples = scrape()
    assert value(samples, "hanse_readiness_check_ok", check="database") == 1
    assert ("hanse_ready", ()) in samples
    assert value(samples, "hanse_disk_size_bytes", path="data") > 0
    assert (
        0
        < value(samples, "hanse_disk_free_bytes", path="data")
        <= value(samples, "hanse_disk_size_bytes", path="data")
    )


WORKER_PROCESS = """
import django
django.setup()
from hanse.observability import metrics
metrics.tasks.labels("hanse.example.task", "successful").inc(3)
"""

WEB_PROCESS = """
import django
django.setup()
from django.test import Client
print(Client().get("/metrics").content.decode())
"""


@pytest.mark.heavy
@pytest.mark.own_stack  # its own SQLite installation, without Redis (tests/conftest.py)
def test_multiprocess_mode_answers_for_every_process(tmp_path: Any) -> None:
    """With PROMETHEUS_MULTIPROC_DIR, the figures a worker process recorded (and ended) are
    in the /metrics answer of a web process."""
    from prometheus_client.parser import text_string_to_metric_families

    from tests.support.processes import child_env, run_python

    env = child_env(
        drop=("REDIS_URL", "DATABASE_URL"),
        HANSE_ENV="test",
        DJANGO_SETTINGS_MODULE="hanse.settings",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path),
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        HANSE_DATA_DIR=str(tmp_path / "var"),
    )
    run_python(["-c", WORKER_PROCESS], env)
    run_python(["-c", WORKER_PROCESS], env)
    text = run_python(["-c", WEB_PROCESS], env)
    found = {
        (s.name, s.labels.get("task"), s.labels.get("status")): s.value
        for family in text_string_to_metric_families(text[text.index("# HELP") :])
        for s in family.samples
    }
    assert found[("hanse_tasks_total", "hanse.example.task", "successful")] == 6
