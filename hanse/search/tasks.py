"""The index's background work: bring the rows of changed objects up to date.

Queued after the commit of every create, edit, delete and move (hanse/search/services.py),
through the outbox, so a write never waits for the index and a failed index never fails it.
Idempotent: it reads the objects as they are when it runs.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone
from django_tasks import task

from hanse.search.index import index_objects
from hanse.search.models import IndexState

logger = logging.getLogger(__name__)


def _record(type_key: str, *, queued_at: str | None, error: BaseException | None) -> None:
    now = timezone.now()
    defaults: dict[str, object]
    if error is None:
        lag = None
        if queued_at:
            try:
                lag = max(0.0, (now - datetime.fromisoformat(queued_at)).total_seconds())
            except ValueError:
                lag = None
        defaults = {"last_update": now, "last_lag_seconds": lag}
    else:
        defaults = {"last_error": type(error).__name__[:200], "last_error_at": now}
    try:
        IndexState.objects.update_or_create(type=type_key, defaults=defaults)
    except Exception:
        logger.warning("Could not record the search index state of %s", type_key, exc_info=True)


@task()
def update_index(type_key: str, ids: list[int], queued_at: str | None = None) -> None:
    """Re-read these objects of ``type_key`` and write (or remove) their index rows."""
    try:
        index_objects(type_key, ids)
    except Exception as exc:
        # The health check reports it; the relay or the next change retries.
        logger.exception("Search index update of %s failed", type_key)
        _record(type_key, queued_at=queued_at, error=exc)
        raise
    _record(type_key, queued_at=queued_at, error=None)
