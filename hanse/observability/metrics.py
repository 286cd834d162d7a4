"""Prometheus metrics (prometheus-client), served at ``/metrics`` (hanse/core/views.py).

Every process records into its own registry. With several processes on a machine (uvicorn
processes, RQ workers, the scheduler) set ``PROMETHEUS_MULTIPROC_DIR`` to one empty directory,
writable by all of them and emptied before they start (``deploy/hanse-web@.service`` does it
with ``ExecStartPre``): each process then writes its figures there and ``/metrics`` of any web
process answers for the whole machine, the workers' task figures included. Without it (``make
run``: one process that runs the worker and scheduler as threads) the process's own registry
is the whole truth.

Names follow Prometheus' conventions: ``_total`` counters, ``_seconds`` durations. Labels take
only bounded values (view names, task paths, statuses), never ids or text."""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
if MULTIPROCESS:
    # The open-WebSocket gauge sums live processes only: a process that ends says so.
    from prometheus_client import multiprocess as _multiprocess

    atexit.register(_multiprocess.mark_process_dead, os.getpid())

# Request latency: the buckets around what people notice (the 200 ms p99 target).
_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0)
_TASK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 180.0)

http_request_duration = Histogram(
    "hanse_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view", "method"],
    buckets=_LATENCY_BUCKETS,
)
http_responses = Counter(
    "hanse_http_responses_total", "Responses sent, by view and status code.", ["view", "status"]
)
db_queries = Counter("hanse_db_queries_total", "Database queries run.", ["alias"])
db_query_seconds = Counter(
    "hanse_db_query_seconds_total", "Time spent in database queries.", ["alias"]
)
cache_requests = Counter(
    "hanse_cache_requests_total", "Cache look-ups, hit or miss.", ["cache", "result"]
)
websocket_connections = Gauge(
    "hanse_websocket_connections",
    "Open WebSocket connections.",
    multiprocess_mode="livesum",
)
websocket_messages = Counter(
    "hanse_websocket_messages_total",
    "WebSocket messages, received from and sent to browsers.",
    ["direction"],
)
channel_publishes = Counter(
    "hanse_channel_layer_publish_total", "Messages published to the channel layer.", ["kind"]
)
channel_resyncs = Counter(
    "hanse_channel_layer_resync_total",
    "Times pages were told to catch up after a lost channel-layer subscription.",
)
tasks = Counter(
    "hanse_tasks_total", "Tasks run by a worker, by task and outcome.", ["task", "status"]
)
task_duration = Histogram(
    "hanse_task_duration_seconds", "Time a task ran.", ["task"], buckets=_TASK_BUCKETS
)
task_retries = Counter("hanse_task_retries_total", "Tasks queued again to retry.", ["task"])
deliveries = Counter(
    "hanse_deliveries_total",
    "E-mails and web pushes handed on, by channel and result.",
    ["channel", "result"],
)
scheduler_runs = Counter(
    "hanse_scheduler_runs_total", "Scheduler job runs, by job and result.", ["job", "result"]
)


class _ScrapeTimeCollector(Collector):
    """Figures read when Prometheus asks (queue depth and age, readiness, disk): registered by
    the apps that know them (``register_scrape``), each a function returning metric families."""

    def __init__(self) -> None:
        self.sources: dict[str, Callable[[], Iterable[Any]]] = {}

    def collect(self) -> Iterable[Any]:
        for name, source in list(self.sources.items()):
            try:
                yield from source()
            except Exception:  # one broken source must not cost the whole scrape
                failed = GaugeMetricFamily(
                    "hanse_metrics_source_failed", "A scrape-time source raised.", labels=["source"]
                )
                failed.add_metric([name], 1)
                yield failed


_scrape_time = _ScrapeTimeCollector()


def register_scrape(name: str, source: Callable[[], Iterable[Any]]) -> None:
    _scrape_time.sources[name] = source


def exposition() -> tuple[bytes, str]:
    """The text Prometheus reads, and its content type."""
    registry = CollectorRegistry()
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    output = generate_latest(registry)
    output += generate_latest(_ScrapeOnly())
    return output, CONTENT_TYPE_LATEST


class _ScrapeOnly(CollectorRegistry):
    def __init__(self) -> None:
        super().__init__(auto_describe=False)
        self.register(_scrape_time)
