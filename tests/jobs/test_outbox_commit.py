"""The outbox's mark is written without waiting for the disk on PostgreSQL; the write it
belongs to is not (issue 13: a second synchronous commit per post doubled its cost)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hanse.jobs.models import OutboxEvent
from hanse.people.models import User
from hanse.posts.services import posts as post_services

RELAXED = "SET LOCAL synchronous_commit TO OFF"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_only_the_mark_skips_the_wait_for_the_disk(
    make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    """The post and its outbox row commit as usual; the mark after the commit is relaxed, and
    the row is marked all the same."""
    anna = make_user("anna")
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks() as hooks:
        post_services.post_create(author=anna, body="Moin")
    assert not any(RELAXED in q["sql"] for q in ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        for hook in hooks:
            hook()
    statements = [q["sql"] for q in ctx.captured_queries]
    assert RELAXED in statements
    # Relaxed before anything of the mark's transaction is written.
    assert statements.index(RELAXED) < min(
        i for i, sql in enumerate(statements) if sql.startswith("UPDATE")
    )
    announced = OutboxEvent.objects.get(task_path="hanse.posts.tasks.announce_post_created")
    assert announced.enqueued_at is not None and announced.attempts == 1
