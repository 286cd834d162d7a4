"""A task that failed because the database or Redis was away is queued again (its outbox row
is already marked queued, so nothing else would bring it back); a task that failed because of
a bug is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hanse.jobs import retry
from tests.jobs import sample_tasks

DB_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["live", "default"]}
}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DB_QUEUE
    settings.TASK_RETRY_BASE_SECONDS = 60


def _work() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_task_failed_for_an_unreachable_database_is_queued_again_later(database_queue, tmp_path):
    """One failed run, and the same call queued again after the backoff, not at once."""
    out = tmp_path / "ran.txt"
    sample_tasks.database_away.enqueue(str(out))
    before = timezone.now()
    _work()
    assert out.read_text().split()[0] == "database-away"
    rows = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [row.status for row in rows] == ["FAILED", "READY"]
    again = rows[1]
    assert again.task_path == sample_tasks.database_away.module_path
    assert again.args_kwargs == {"args": [str(out)], "kwargs": {}}
    assert (again.run_after - before).total_seconds() >= 59


@pytest.mark.django_db(transaction=True)
def test_requeue_gives_up_after_its_limit(database_queue, tmp_path, settings):
    """The same call failing again and again is queued MAX_UNAVAILABLE_ATTEMPTS times."""
    settings.TASK_RETRY_BASE_SECONDS = 0  # each new attempt is due at once
    out = tmp_path / "ran.txt"
    sample_tasks.database_away.enqueue(str(out))
    for _ in range(retry.MAX_UNAVAILABLE_ATTEMPTS + 3):
        _work()
    runs = out.read_text().splitlines()
    assert len(runs) == retry.MAX_UNAVAILABLE_ATTEMPTS + 1
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db(transaction=True)
def test_task_failed_because_of_a_bug_is_not_queued_again(database_queue, tmp_path: Path):
    out = tmp_path / "ran.txt"
    sample_tasks.broken.enqueue(str(out))
    _work()
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]
