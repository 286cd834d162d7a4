"""Person-visible work has a queue of its own, and every set-up has a worker for it alone
(hanse/jobs/queues.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django_tasks.signals import task_enqueued

from hanse.chat.tasks import notify_message_created
from hanse.events.tasks import notify_event
from hanse.jobs import embedded, queues
from hanse.notifications.delivery import deliver_emails, deliver_push, queue_delivery_task
from hanse.notifications.tasks import notify_community_event
from hanse.posts.tasks import (
    announce_post_created,
    fetch_link_preview,
    notify_comment_created,
    notify_post_created,
    notify_reaction_added,
)
from hanse.search.files import extract_files
from hanse.search.tasks import update_index
from tests.support.processes import makefile_redis_commands


def test_settings_list_the_queues_in_the_order_workers_take_them() -> None:
    """settings.TASK_QUEUES and every backend's QUEUES are hanse.jobs.queues.ALL."""
    assert tuple(settings.TASK_QUEUES) == queues.ALL == ("live", "default")
    assert tuple(settings.TASKS["default"]["QUEUES"]) == queues.ALL


def test_notifications_go_on_the_live_queue_and_slow_work_does_not() -> None:
    """What a person waits to see is live; index updates, extraction, previews and e-mail are
    not."""
    live = [
        announce_post_created,
        notify_post_created,
        notify_comment_created,
        notify_reaction_added,
        notify_message_created,
        notify_event,
        notify_community_event,
        queue_delivery_task,
        deliver_push,
    ]
    slow = [fetch_link_preview, update_index, extract_files, deliver_emails]
    assert {t.queue_name for t in live} == {queues.LIVE}
    assert {t.queue_name for t in slow} == {queues.DEFAULT}


def test_make_run_with_redis_starts_a_worker_for_the_live_queue_alone() -> None:
    """Beside the worker for every queue, `make run` with Redis starts one for "live" only."""
    commands = makefile_redis_commands()
    assert ["hanse_worker"] in commands
    assert ["hanse_worker", "--queue", "live"] in commands
    assert ["hanse_scheduler"] in commands


def test_embedded_set_up_runs_a_worker_thread_for_the_live_queue_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The embedded server starts one worker thread on "live" and one on both queues."""
    started: list[tuple[str, tuple[Any, ...]]] = []

    class FakeThread:
        def __init__(
            self, *, target: Any, name: str, daemon: bool, args: tuple[Any, ...] = ()
        ) -> None:
            started.append((name, args))

        def start(self) -> None:
            pass

    monkeypatch.setattr(embedded, "_started", False)
    monkeypatch.setattr(embedded, "_wakes", [])
    monkeypatch.setattr(embedded.threading, "Thread", FakeThread)
    try:
        assert embedded.start() is True
    finally:
        task_enqueued.disconnect(dispatch_uid="hanse.jobs.embedded")
    queues_by_thread = {name: args[0] for name, args in started if args}
    assert queues_by_thread == {
        "hanse-worker-live": [queues.LIVE],
        "hanse-worker": list(queues.ALL),
    }
    assert "hanse-scheduler" in {name for name, _args in started}
