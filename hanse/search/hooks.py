"""Following the registered models: every save, delete and many-to-many change of an
indexed object (or of a row it depends on) queues its index update after the commit.

Signals are acceptable here as they are for a cache: the index is derived data, and no
business logic hangs on it. A hook never raises: a broken index never fails a write.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from hanse.core import searchable
from hanse.search.services import search_index_touch

logger = logging.getLogger(__name__)


def _touch(type_key: str, ids: Iterable[int]) -> None:
    try:
        ids = [i for i in ids if i is not None]
        if ids:
            search_index_touch(type_key=type_key, ids=ids)
    except Exception:
        logger.warning("Could not queue the search index update of %s", type_key, exc_info=True)


def _changed(
    instance: models.Model, update_fields: Any = None, *, follow_related: bool = True
) -> None:
    model = type(instance)
    for stype in searchable.for_model(model):
        if update_fields and set(update_fields) <= stype.ignore_fields:
            continue
        _touch(stype.key, [instance.pk])
    if not follow_related:
        return
    for stype in searchable.all_types():
        for related_model, ids_of in stype.related:
            if isinstance(instance, related_model):
                try:
                    ids = list(ids_of(instance))
                except Exception:
                    logger.warning("Related ids of %s failed", stype.key, exc_info=True)
                    continue
                _touch(stype.key, ids)


def on_save(
    sender: Any, instance: models.Model, raw: bool = False, created: bool = False, **kwargs: Any
) -> None:
    if not raw:
        # A row just created has nothing that depends on it yet (no comments under a new
        # post): reading its dependants would cost every write two queries for nothing.
        _changed(instance, kwargs.get("update_fields"), follow_related=not created)


def on_delete(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    # The task finds the object gone and removes its row. Related ids are read now, while
    # the rows still exist (a cascade has not reached them yet).
    _changed(instance)


def on_m2m(
    sender: Any, instance: models.Model, action: str, model: Any, pk_set: Any, **kwargs: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    for stype in searchable.for_model(type(instance)):
        _touch(stype.key, [instance.pk])
    if pk_set:
        for stype in searchable.for_model(model):
            _touch(stype.key, pk_set)


def connect() -> None:
    post_save.connect(on_save, dispatch_uid="search-index-save")
    post_delete.connect(on_delete, dispatch_uid="search-index-delete")
    m2m_changed.connect(on_m2m, dispatch_uid="search-index-m2m")


def disconnect() -> None:
    post_save.disconnect(dispatch_uid="search-index-save")
    post_delete.disconnect(dispatch_uid="search-index-delete")
    m2m_changed.disconnect(dispatch_uid="search-index-m2m")


@contextmanager
def paused() -> Iterator[None]:
    """No index updates for the writes inside (a bulk load that reindexes afterwards, a test
    that counts another app's queries); they are not queued later either."""
    disconnect()
    try:
        yield
    finally:
        connect()
