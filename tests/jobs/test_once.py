"""The "done once" ledger every app's tasks use (hanse/jobs/once.py), and their retries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend

from hanse.jobs import once
from hanse.jobs.models import DeliveredEvent
from hanse.notifications.models import Notification
from hanse.people.models import User

DUMMY_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["live", "default"],
    }
}


def test_work_runs_the_first_time_only(db: None) -> None:
    """The first run claims the key; a second run finds it and is told so."""
    with once.run_once("test:1") as first:
        assert first
    with once.run_once("test:1") as again:
        assert not again
    assert list(DeliveredEvent.objects.values_list("key", flat=True)) == ["test:1"]


def test_a_failed_body_undoes_the_claim(db: None) -> None:
    """An error in the work rolls the ledger row back with it, so a retry does the work."""
    with pytest.raises(RuntimeError), once.run_once("test:2") as first:
        assert first
        raise RuntimeError("database went away")
    assert not DeliveredEvent.objects.exists()
    with once.run_once("test:2") as retried:
        assert retried


def test_claim_outside_a_transaction_is_refused(transactional_db: None) -> None:
    """A claim that would commit on its own (and outlive failed work) is a programming error."""
    with pytest.raises(RuntimeError):
        once.claim("test:3")
    with transaction.atomic():
        assert once.claim("test:3")
        assert not once.claim("test:3")


def test_done_and_retention(db: None) -> None:
    """done() names the claimed keys; the daily job forgets keys older than 30 days."""
    with once.run_once("old"):
        pass
    with once.run_once("new"):
        pass
    DeliveredEvent.objects.filter(key="old").update(
        created_at=timezone.now() - once.LEDGER_KEEP - timedelta(days=1)
    )
    assert once.done(["old", "new", "never"]) == {"old", "new"}
    assert once.forget_old_entries.call() == 1
    assert once.done(["old", "new"]) == {"new"}


def test_failed_event_notification_is_retried_and_rolled_back(
    make_user: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """An events notification task that fails re-enqueues itself with attempt + 1 and leaves
    no ledger row, as every app's tasks do."""
    from hanse.events import tasks
    from tests.events.helpers import make_event

    settings.TASKS = DUMMY_TASKS
    anna: User = make_user("anna")
    ben: User = make_user("ben")
    event = make_event(anna)
    default_task_backend.clear()  # type: ignore[attr-defined]

    def broken(**kwargs: Any) -> list[Notification]:
        raise RuntimeError("database went away")

    monkeypatch.setattr(tasks, "notify", broken)
    assert tasks.notify_event.call("event_changed", event.pk, [ben.pk], anna.pk, {}, key="k") == 0
    assert not DeliveredEvent.objects.exists()
    [retry] = default_task_backend.results  # type: ignore[attr-defined]
    assert retry.task.name == "notify_event"
    assert retry.args == ["event_changed", event.pk, [ben.pk], anna.pk, {}, "k"]
    assert retry.kwargs == {"attempt": 2}
