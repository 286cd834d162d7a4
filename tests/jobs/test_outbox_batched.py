"""Outbox rows of derived data (the search index) are handed to the queue by a thread of the
process, many at once, with one task per type (issue 13: one hand-off per chat message in the
request was the largest part of the CPU of storing it, bench/chat_send_cost.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from hanse.jobs import outbox
from hanse.jobs.models import OutboxEvent
from hanse.people.models import User
from hanse.search.services import search_index_touch

DB_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["live", "default"]}
}
INDEX_TASK = "hanse.search.tasks.update_index"


@pytest.fixture
def by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    """No batch thread: the test hands the rows off itself, after looking at them."""
    monkeypatch.setattr(outbox._batcher, "threaded", False)


def _index_tasks() -> list[list[Any]]:
    return sorted(
        result.args_kwargs["args"] for result in DBTaskResult.objects.filter(task_path=INDEX_TASK)
    )


@pytest.mark.django_db
def test_rows_wait_for_the_batch_and_go_as_one_task_per_type(
    by_hand: None,
    settings: Any,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Three writes' index updates: nothing is claimed in the writes' commits; the batch
    claims all three rows and queues one update per type with every id."""
    settings.TASKS = DB_QUEUE
    settings.OUTBOX_BATCH_MS = 50
    make_user("anna")
    before = OutboxEvent.objects.count()
    for type_key, ids in (("person", [3, 1]), ("person", [2, 3]), ("community", [7])):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            search_index_touch(type_key=type_key, ids=ids)
    rows = list(OutboxEvent.objects.order_by("pk")[before:])
    assert len(rows) == 3 and all(row.enqueued_at is None for row in rows)
    assert _index_tasks() == []

    assert outbox.flush_batched() == 3
    tasks = _index_tasks()
    assert [(args[0], args[1]) for args in tasks] == [("community", [7]), ("person", [1, 2, 3])]
    # Dated by the oldest write of the type: the lag the health check reports.
    assert tasks[1][2] == min(row.args[2] for row in rows if row.args[0] == "person")
    assert all(
        row.enqueued_at and row.attempts == 1
        for row in OutboxEvent.objects.filter(pk__in=[row.pk for row in rows])
    )
    assert outbox.flush_batched() == 0  # nothing twice


@pytest.mark.django_db
def test_a_row_rolled_back_is_never_handed_off(
    by_hand: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = DB_QUEUE
    settings.OUTBOX_BATCH_MS = 50
    before = OutboxEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        search_index_touch(type_key="person", ids=[1])
        try:
            with transaction.atomic():
                search_index_touch(type_key="person", ids=[99])
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert OutboxEvent.objects.count() == before + 1
    assert outbox.flush_batched() == 1
    assert [args[1] for args in _index_tasks()] == [[1]]


@pytest.mark.django_db
def test_without_a_batch_the_row_is_handed_off_in_the_commit(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """OUTBOX_BATCH_MS = 0 (the tests' default): as every other outbox row."""
    settings.TASKS = DB_QUEUE
    settings.OUTBOX_BATCH_MS = 0
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        search_index_touch(type_key="person", ids=[5])
    assert [args[1] for args in _index_tasks()] == [[5]]
    assert outbox.flush_batched() == 0


@pytest.mark.django_db(transaction=True)
def test_the_thread_hands_off_a_moment_after_the_commit(settings: Any) -> None:
    """The real thing: the process's batch thread claims the committed row by itself."""
    settings.TASKS = DB_QUEUE
    settings.OUTBOX_BATCH_MS = 20
    with transaction.atomic():
        search_index_touch(type_key="person", ids=[11])
    row = OutboxEvent.objects.get(task_path=INDEX_TASK)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.enqueued_at is not None:
            break
        time.sleep(0.05)
    assert row.enqueued_at is not None
    assert [args[1] for args in _index_tasks()] == [[11]]
