"""The operator page: who sees it (anonymous, employee, staff, platform administrator), and
queued, running and failed tasks with retry and discard on both queue backends: the database
(what `make run` uses) and RQ on a real Redis, each with a real worker making the failure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import django_rq
import pytest
import redis
from django.test import Client, override_settings
from django_tasks.base import TaskResultStatus

from hanse.jobs import operator
from hanse.jobs.models import ScheduledJob
from tests.observability import sample
from tests.support.redis_db import for_this_worker, held

pytestmark = pytest.mark.django_db

DB_TASKS = {
    "default": {"BACKEND": "hanse.jobs.backends.DatabaseBackend", "QUEUES": ["live", "default"]}
}
RQ_TASKS = {"default": {"BACKEND": "hanse.jobs.backends.RQBackend", "QUEUES": ["live", "default"]}}
URL = "/operations/"
# The RQ test's own Redis database (and the next one for a second pytest-xdist worker).
OPERATOR_REDIS_URL = os.environ.get("HANSE_TEST_OPERATOR_REDIS_URL", "redis://127.0.0.1:6379/2")


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "anonymous": None,
        "employee": make_user("employee"),
        "staff": make_user("operator", is_staff=True),
        "superuser": make_user("root", is_staff=False, is_superuser=True),
        "inactive staff": make_user("gone", is_staff=True, is_active=False),
    }


# Every actor x what they get: the page, the retry and the discard.
TABLE = [
    ("anonymous", 302, 302),
    ("employee", 404, 404),
    ("inactive staff", 302, 302),
    ("staff", 200, 302),
    ("superuser", 200, 302),
]


@override_settings(TASKS=DB_TASKS)
@pytest.mark.parametrize(("actor", "page", "action"), TABLE)
def test_who_sees_the_operator_page(
    people: dict[str, Any], actor: str, page: int, action: int
) -> None:
    client = Client()
    if people[actor] is not None:
        client.force_login(people[actor])
    sample.always_fails.enqueue("x")
    (row,) = operator.overview().queued
    response = client.get(URL)
    assert response.status_code == page
    if page == 302:
        assert "/accounts/login/" in response["Location"]
    discard = client.post(f"{URL}tasks/{row.id}/discard/")
    assert discard.status_code == action
    still_there = [r.id for r in operator.overview().queued]
    assert still_there == ([] if actor in ("staff", "superuser") else [row.id])


def _run_db_worker() -> None:
    from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["live", "default"],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id="operator-test",
        excluded_queue_names=[],
    ).run()


# The worker runs in this process and closes its connections between tasks, as it does in
# production: outside a test transaction (PostgreSQL's pool refuses a new connection inside).
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_database_queue_failed_task_is_shown_retried_and_discarded(
    people: dict[str, Any],
) -> None:
    from django_tasks_db.models import DBTaskResult

    sample.always_fails.enqueue("first")
    _run_db_worker()
    sample.always_fails.enqueue("second")  # stays queued
    ScheduledJob.objects.create(name="jobs.outbox_relay", next_run_at="2026-01-01T00:00Z")
    client = Client()
    client.force_login(people["staff"])
    page = client.get(URL)
    text = page.content.decode()
    assert "Task queue: the database." in text
    view = page.context["overview"]
    assert [r.task for r in view.failed] == ["tests.observability.sample.always_fails"]
    assert view.failed[0].error == "RuntimeError"
    assert len(view.queued) == 1 and view.counts == {"queued": 1, "running": 0, "failed": 1}
    assert "jobs.outbox_relay" in text and "overdue" in text
    assert "/admin/notifications/emaildelivery/?state__exact=failed" in text

    failed_id = view.failed[0].id
    response = client.post(f"{URL}tasks/{failed_id}/retry/", follow=True)
    assert "The task was queued again." in response.content.decode()
    assert DBTaskResult.objects.get(id=failed_id).status == TaskResultStatus.READY
    # A task that is no longer failed cannot be retried twice: a message, not a 500.
    again = client.post(f"{URL}tasks/{failed_id}/retry/", follow=True)
    assert "no longer there" in again.content.decode()
    _run_db_worker()  # fails again: the retry really ran it
    assert DBTaskResult.objects.get(id=failed_id).status == TaskResultStatus.FAILED
    client.post(f"{URL}tasks/{failed_id}/discard/")
    assert not DBTaskResult.objects.filter(id=failed_id).exists()
    assert client.post(f"{URL}tasks/not-a-uuid/discard/", follow=True).status_code == 200
    assert client.post(f"{URL}tasks/{failed_id}/explode/").status_code == 404
    assert client.get(f"{URL}tasks/{failed_id}/retry/").status_code == 405


@pytest.fixture
def rq_queues(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The RQ queues on a Redis database of this test's own (tests/support/redis_db.py),
    emptied before and after: on the run's database, the workers of a `make run` that another
    pytest-xdist worker started at the same time (tests/jobs/test_embedded.py) would take its
    jobs, and emptying the queues would take theirs."""
    if not settings.REDIS_URL:
        pytest.skip("RQ needs REDIS_URL")
    import django_rq.settings

    url = for_this_worker(OPERATOR_REDIS_URL)
    queues = {name: {**config, "URL": url} for name, config in django_rq.settings.QUEUES.items()}
    monkeypatch.setattr(django_rq.settings, "QUEUES", queues)
    with held(url):
        connection = redis.Redis.from_url(url)
        connection.flushdb()
        try:
            yield
        finally:
            connection.flushdb()
            connection.close()


# Transactional: the worker is Hanse's own (hanse/jobs/rqworker.py), which closes the database
# connection around each job as a worker process must; inside a rolled-back test transaction that
# would end the transaction. RQ's plain SimpleWorker, used here before, waited up to a minute for
# its command channel's read whenever the read began before the burst ended (on a loaded
# machine: 60 s of this test in CI; tests/jobs/test_rqworker_stop.py).
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=RQ_TASKS)
def test_rq_failed_task_is_shown_retried_and_discarded(
    people: dict[str, Any], rq_queues: None
) -> None:
    from django_tasks_rq.backend import Job

    from hanse.jobs.rqworker import HanseWorker

    queue = django_rq.get_queue("default", job_class=Job)
    sample.always_fails.enqueue("first")
    HanseWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    sample.always_fails.enqueue("second")
    client = Client()
    client.force_login(people["superuser"])
    page = client.get(URL)
    assert "Task queue: Redis (RQ)." in page.content.decode()
    view = page.context["overview"]
    assert [r.task for r in view.failed] == ["tests.observability.sample.always_fails"]
    assert view.failed[0].error == "RuntimeError"
    assert [r.task for r in view.queued] == ["tests.observability.sample.always_fails"]
    failed_id, queued_id = view.failed[0].id, view.queued[0].id

    client.post(f"{URL}tasks/{failed_id}/retry/")
    assert failed_id in queue.get_job_ids()
    assert failed_id not in queue.failed_job_registry.get_job_ids()
    client.post(f"{URL}tasks/{queued_id}/discard/")
    assert queued_id not in queue.get_job_ids()
    assert queue.fetch_job(queued_id) is None
    response = client.post(f"{URL}tasks/{queued_id}/discard/", follow=True)
    assert "no longer there" in response.content.decode()
