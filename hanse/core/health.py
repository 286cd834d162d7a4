"""Liveness and readiness, for load balancers and monitoring (``/healthz``, ``/readyz``).

Liveness: the process answers. Readiness: what a request needs is reachable (the database,
Redis and object storage when configured), and, unless only the web part is asked for
(``?scope=web``), the background work is alive: a task worker and the scheduler have beaten
recently and the queue is not falling behind. A load balancer routes by
``/readyz?scope=web`` (a stopped worker must not take every app server out of rotation);
monitoring alerts on ``/readyz``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from hanse.jobs import backends, heartbeat
from hanse.jobs.models import Heartbeat

logger = logging.getLogger(__name__)


@dataclass
class Check:
    name: str
    ok: bool
    detail: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **self.detail}


def _failed(name: str, exc: BaseException) -> Check:
    # The exception's class is enough to act on; its text may hold host names or credentials.
    logger.warning("Readiness check %s failed: %s", name, exc)
    return Check(name, False, {"error": type(exc).__name__})


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check("database", True, {"vendor": connection.vendor})
    except Exception as exc:
        return _failed("database", exc)


_redis_client: Any = None


def check_redis() -> Check | None:
    if not settings.REDIS_URL:
        return None
    global _redis_client  # one client (and its connection pool) per process
    try:
        import redis

        if _redis_client is None:
            _redis_client = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
            )
        _redis_client.ping()
        return Check("redis", True, {})
    except Exception as exc:
        return _failed("redis", exc)


def check_object_storage() -> Check | None:
    """The bucket of S3-compatible object storage answers (hanse/core/storage.py); None when
    uploads are kept on the filesystem."""
    # boto3 is loaded only when readiness is asked, not with every process.
    from hanse.core import storage

    try:
        detail = storage.check_object_storage()
    except Exception as exc:
        return _failed("object_storage", exc)
    return None if detail is None else Check("object_storage", True, {})


def check_replicas() -> Check | None:
    """The read replicas (hanse/core/replicas.py), each checked now. Always ok: a replica that
    is away or behind is left out and its reads go to the primary, so the app server stays in
    rotation; monitoring sees it here and in ``hanse_database_replica_usable``."""
    # The router module reads settings of its own; only readiness needs it here.
    from hanse.core import replicas

    if not replicas.replica_aliases():
        return None
    try:
        found = replicas.health()
    except Exception as exc:
        return _failed("database_replicas", exc)
    return Check("database_replicas", True, {"replicas": found})


def _age(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round((now - moment).total_seconds(), 1)


def check_heartbeat(role: str, now: datetime) -> Check:
    try:
        seen = heartbeat.last_seen(role)
    except Exception as exc:
        return _failed(role, exc)
    age = _age(seen, now)
    ok = seen is not None and now - seen <= heartbeat.STALE_AFTER
    return Check(role, ok, {"last_seen_seconds_ago": age})


def _queue_state(now: datetime) -> tuple[int, datetime | None]:
    """Tasks due now and not yet started, and when the oldest of them became due."""
    backend = backends.kind(str(settings.TASKS["default"]["BACKEND"]))
    if backend == "rq":
        import django_rq

        depth, oldest = 0, None
        for name in settings.TASKS["default"].get("QUEUES", ["default"]):
            queue = django_rq.get_queue(name)
            depth += queue.count
            ids = queue.get_job_ids(0, 1)
            job = queue.fetch_job(ids[0]) if ids else None
            if job is not None and job.enqueued_at is not None:
                queued = job.enqueued_at
                if timezone.is_naive(queued):
                    queued = timezone.make_aware(queued, UTC)
                oldest = queued if oldest is None else min(oldest, queued)
        return depth, oldest
    if backend == "db":
        from django.db.models import Case, F, Min, When
        from django_tasks_db.models import DBTaskResult, get_date_max

        due = DBTaskResult.objects.ready()
        # A deferred task has waited since it became due, not since it was queued; one
        # without run_after stores the largest date.
        became_due = Min(
            Case(
                When(run_after=get_date_max(), then=F("enqueued_at")),
                When(run_after__gt=F("enqueued_at"), then=F("run_after")),
                default=F("enqueued_at"),
            )
        )
        return due.count(), due.aggregate(oldest=became_due)["oldest"]
    return 0, None  # the immediate backend of tests keeps no queue


def check_queue(now: datetime) -> Check:
    try:
        depth, oldest = _queue_state(now)
    except Exception as exc:
        return _failed("queue", exc)
    age = _age(oldest, now)
    ok = age is None or age <= settings.READYZ_MAX_QUEUE_AGE_SECONDS
    return Check("queue", ok, {"depth": depth, "oldest_seconds": age})


# Checks that apps add (the search index): name -> (check, also asked by ?scope=web).
_registered: dict[str, tuple[Callable[[], Check], bool]] = {}


def register(name: str, check: Callable[[], Check], *, web: bool = False) -> None:
    """Add a readiness check, from an app's ``ready()``; ``web`` puts it in ``?scope=web``
    too (only for what every request needs)."""
    _registered[name] = (check, web)


def _run_registered(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception as exc:
        return _failed(name, exc)


def readiness(*, scope: str = "all") -> tuple[bool, dict[str, Any]]:
    """Run the checks; returns (ready, {check: details})."""
    now = timezone.now()
    checks = [check_database(), check_redis(), check_object_storage(), check_replicas()]
    if scope != "web":
        checks += [
            check_heartbeat(Heartbeat.Role.WORKER, now),
            check_heartbeat(Heartbeat.Role.SCHEDULER, now),
            check_queue(now),
        ]
    checks += [
        _run_registered(name, check)
        for name, (check, web) in _registered.items()
        if web or scope != "web"
    ]
    found = [c for c in checks if c is not None]
    return all(c.ok for c in found), {c.name: c.as_dict() for c in found}


# --- Figures for Prometheus (read at each scrape of /metrics) ------------------------------


def queue_states(now: datetime) -> dict[str, tuple[int, float | None]]:
    """Per queue: tasks due and not started, and the age in seconds of the oldest of them."""
    backend = backends.kind(str(settings.TASKS["default"]["BACKEND"]))
    names = list(settings.TASKS["default"].get("QUEUES", ["default"]))
    found: dict[str, tuple[int, float | None]] = {}
    if backend == "rq":
        import django_rq

        for name in names:
            queue = django_rq.get_queue(name)
            ids = queue.get_job_ids(0, 1)
            job = queue.fetch_job(ids[0]) if ids else None
            queued = job.enqueued_at if job is not None else None
            if queued is not None and timezone.is_naive(queued):
                queued = timezone.make_aware(queued, UTC)
            found[name] = (queue.count, _age(queued, now))
    elif backend == "db":
        from django.db.models import Case, Count, F, Min, When
        from django_tasks_db.models import DBTaskResult, get_date_max

        rows = (
            DBTaskResult.objects.ready()
            .values("queue_name")
            .annotate(
                depth=Count("id"),
                oldest=Min(
                    Case(
                        When(run_after=get_date_max(), then=F("enqueued_at")),
                        When(run_after__gt=F("enqueued_at"), then=F("run_after")),
                        default=F("enqueued_at"),
                    )
                ),
            )
        )
        found = dict.fromkeys(names, (0, None))
        for row in rows:
            found[row["queue_name"]] = (row["depth"], _age(row["oldest"], now))
    return found


def scrape_metrics() -> Any:
    """Queue depth and age, readiness per check, and the data directory's disk."""
    import shutil

    from prometheus_client.core import GaugeMetricFamily

    now = timezone.now()
    depth = GaugeMetricFamily(
        "hanse_task_queue_depth", "Tasks due and not started, per queue.", labels=["queue"]
    )
    age = GaugeMetricFamily(
        "hanse_task_queue_oldest_seconds",
        "How long the oldest task due has waited, per queue (0 when none waits).",
        labels=["queue"],
    )
    for name, (count, oldest) in queue_states(now).items():
        depth.add_metric([name], count)
        age.add_metric([name], oldest or 0.0)
    yield depth
    yield age

    ready, checks = readiness()
    yield GaugeMetricFamily("hanse_ready", "1 when /readyz answers 200.", value=int(ready))
    per_check = GaugeMetricFamily(
        "hanse_readiness_check_ok", "1 when the readiness check passes.", labels=["check"]
    )
    for name, detail in checks.items():
        per_check.add_metric([name], int(bool(detail.get("ok"))))
    yield per_check
    if "database_replicas" in checks:
        replica = GaugeMetricFamily(
            "hanse_database_replica_usable",
            "1 when reads may go to the replica (reachable, not too far behind).",
            labels=["alias"],
        )
        for alias, state in checks["database_replicas"].get("replicas", {}).items():
            replica.add_metric([alias], int(bool(state.get("ok"))))
        yield replica
    for beat in (Heartbeat.Role.WORKER, Heartbeat.Role.SCHEDULER):
        seen = checks.get(beat.value, {}).get("last_seen_seconds_ago")
        if seen is not None:
            yield GaugeMetricFamily(
                f"hanse_{beat.value}_heartbeat_age_seconds",
                f"Seconds since the {beat.value} last beat.",
                value=seen,
            )

    free = GaugeMetricFamily(
        "hanse_disk_free_bytes", "Free bytes on the disk of a Hanse directory.", labels=["path"]
    )
    size = GaugeMetricFamily(
        "hanse_disk_size_bytes", "Size of the disk of a Hanse directory.", labels=["path"]
    )
    for label, path in settings.MONITORING_DISK_PATHS.items():
        try:
            usage = shutil.disk_usage(path)
        except OSError:
            continue
        free.add_metric([label], usage.free)
        size.add_metric([label], usage.total)
    yield free
    yield size
