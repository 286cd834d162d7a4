"""Database query count and time, for every connection of the process."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from hanse.observability import metrics


def _timed(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    alias = context["connection"].alias
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        metrics.db_queries.labels(alias).inc()
        metrics.db_query_seconds.labels(alias).inc(time.perf_counter() - started)


def instrument(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Receiver of ``connection_created``: every query on this connection is counted."""
    if _timed not in connection.execute_wrappers:
        connection.execute_wrappers.append(_timed)
