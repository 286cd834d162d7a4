"""The transactional outbox: notification work is written with the write and relayed when
the commit hook did not queue it (the process died, the queue was away)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hanse.chat import services as chat_services
from hanse.jobs import outbox
from hanse.jobs.models import OutboxEvent
from hanse.notifications.models import Notification
from hanse.people.models import User
from hanse.posts.models import Post
from hanse.posts.services import comments as comment_services
from hanse.posts.services import posts as post_services
from hanse.posts.services import reactions as reaction_services
from tests.jobs import sample_tasks

LATER = timedelta(minutes=5)


@pytest.fixture
def anna_ben(make_user: Callable[..., User]) -> tuple[User, User]:
    return make_user("anna"), make_user("ben")


# Every write also queues the search index's update (hanse/search/hooks.py); these tests are
# about the stream's and chat's own side effects.
SEARCH_TASKS = "hanse.search."


def _waiting() -> list[str]:
    return sorted(
        OutboxEvent.objects.filter(enqueued_at__isnull=True)
        .exclude(task_path__startswith=SEARCH_TASKS)
        .values_list("task_path", flat=True)
    )


def test_post_is_queued_through_the_outbox_and_marked(anna_ben, django_capture_on_commit_callbacks):
    """The commit hook queues the work and marks the row; nothing waits for the relay."""
    anna, ben = anna_ben
    with django_capture_on_commit_callbacks(execute=True):
        post = post_services.post_create(author=anna, body="Moin @ben")
    rows = OutboxEvent.objects.exclude(task_path__startswith=SEARCH_TASKS).order_by("pk")
    assert [r.task_path for r in rows] == [
        "hanse.posts.tasks.announce_post_created",
        "hanse.posts.tasks.notify_post_created",
        # The mention's e-mail and push, queued by the task's own commit.
        "hanse.notifications.delivery.queue_delivery_task",
    ]
    assert all(r.enqueued_at is not None and r.attempts == 1 for r in rows)
    assert Notification.objects.filter(recipient=ben, post=post, type="mention").count() == 1


def test_relay_queues_what_a_dead_process_left_once(anna_ben, django_capture_on_commit_callbacks):
    """Committed but never queued (the commit hooks never ran): the relay queues it, a
    second relay and a second run of the task change nothing."""
    anna, ben = anna_ben
    with django_capture_on_commit_callbacks(execute=False):
        post = post_services.post_create(author=anna, body="Moin @ben")
    assert _waiting() == ["hanse.posts.tasks.announce_post_created"]
    assert not Notification.objects.exists()
    # Too young: left to the hook of the process that wrote it.
    assert outbox.relay()["relayed"] == 0
    # The post's side effects, and the search index updates of the post and the people.
    everything = OutboxEvent.objects.filter(enqueued_at__isnull=True).count()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.relay(now=timezone.now() + LATER)["relayed"] == everything
    assert _waiting() == []
    assert outbox.relay(now=timezone.now() + LATER)["relayed"] == 0
    from hanse.posts.tasks import notify_post_created

    notify_post_created.call(post.pk)
    assert Notification.objects.filter(recipient=ben, post=post).count() == 1


def test_rolled_back_write_leaves_no_outbox_row(anna_ben):
    """The row commits with the write or not at all."""
    anna, _ben = anna_ben
    with pytest.raises(RuntimeError), transaction.atomic():
        post_services.post_create(author=anna, body="Moin @ben")
        raise RuntimeError("the request failed after the post was written")
    assert not Post.objects.exists()
    assert not OutboxEvent.objects.exclude(task_path__startswith=SEARCH_TASKS).exists()
    assert not OutboxEvent.objects.filter(args__0="post").exists()


def test_relay_keeps_a_row_it_cannot_queue(db):
    """A task that cannot be loaded stays, counted and explained, and does not stop others."""
    bad = OutboxEvent.objects.create(task_path="hanse.nowhere.task", args=[1])
    good = OutboxEvent.objects.create(
        task_path="hanse.posts.tasks.notify_post_created", args=[999_999]
    )
    result = outbox.relay(now=timezone.now() + LATER)
    assert result == {"relayed": 1, "failed": 1, "deleted": 0}
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.enqueued_at is None
    assert bad.attempts == 1
    assert "No module named" in bad.last_error
    assert good.enqueued_at is not None


def test_relay_deletes_rows_queued_long_ago(db):
    """Queued rows are kept two days for the record."""
    now = timezone.now()
    OutboxEvent.objects.create(task_path="x.y", enqueued_at=now - timedelta(days=3))
    OutboxEvent.objects.create(task_path="x.y", enqueued_at=now - timedelta(hours=1))
    assert outbox.relay(now=now)["deleted"] == 1
    assert OutboxEvent.objects.count() == 1


def _write_comment(anna: User, ben: User) -> Any:
    post = post_services.post_create(author=ben, body="Frage")
    OutboxEvent.objects.all().delete()
    return comment_services.comment_create(post=post, author=anna, body="Antwort")


def _write_reaction(anna: User, ben: User) -> Any:
    post = post_services.post_create(author=ben, body="Frage")
    OutboxEvent.objects.all().delete()
    return reaction_services.reaction_add(user=anna, kind="like", post=post)


def _write_direct_message(anna: User, ben: User) -> Any:
    channel, _created = chat_services.dm_open(by=anna, people=[ben])
    return chat_services.message_post(channel=channel, author=anna, body="Hallo Ben")


@pytest.mark.parametrize(
    ("write", "task_path"),
    [
        (_write_comment, "hanse.posts.tasks.notify_comment_created"),
        (_write_reaction, "hanse.posts.tasks.notify_reaction_added"),
        (_write_direct_message, "hanse.chat.tasks.notify_message_created"),
    ],
)
def test_each_write_puts_its_notifications_in_the_outbox(
    anna_ben, django_capture_on_commit_callbacks, write, task_path
):
    """Comments, reactions and direct messages: the row is there before any commit hook."""
    anna, ben = anna_ben
    with django_capture_on_commit_callbacks(execute=False):
        write(anna, ben)
    assert _waiting() == [task_path]
    outbox.relay(now=timezone.now() + LATER)
    assert Notification.objects.filter(recipient=ben).count() == 1


def test_admin_lists_rows_that_wait(db, admin_user, client_for):
    """An operator sees what the queue did not take, and why."""
    OutboxEvent.objects.create(task_path="hanse.nowhere.task", last_error="ImportError: gone")
    page = client_for(admin_user).get("/admin/jobs/outboxevent/", {"enqueued_at__isempty": "1"})
    assert page.status_code == 200
    assert "hanse.nowhere.task" in page.content.decode()


def test_one_commit_is_handed_off_once_and_a_rolled_back_row_never(
    db: None, tmp_path: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The rows of one commit are claimed and queued together by its first hook; a row of a
    savepoint that rolled back, and a row of a transaction that rolled back before, are not
    queued (the table decides, not the list the process kept)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    out = str(tmp_path / "out")
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue_on_commit(sample_tasks.plain, "rolled back with its transaction")
        raise RuntimeError
    with django_capture_on_commit_callbacks() as hooks, transaction.atomic():
        outbox.enqueue_on_commit(sample_tasks.plain, out)
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue_on_commit(sample_tasks.delayed, "rolled back with its savepoint")
            raise RuntimeError
        outbox.enqueue_on_commit(sample_tasks.delayed, out)
    assert len(hooks) == 2  # Django dropped the rolled-back row's hook
    before = DBTaskResult.objects.count()
    for hook in hooks:
        hook()
    queued = DBTaskResult.objects.order_by("enqueued_at")[before:]
    assert [(t.task_path, t.args_kwargs["args"]) for t in queued] == [
        ("tests.jobs.sample_tasks.plain", [out]),
        ("tests.jobs.sample_tasks.delayed", [out]),
    ]
    assert OutboxEvent.objects.filter(enqueued_at__isnull=True).count() == 0
    assert set(OutboxEvent.objects.values_list("attempts", flat=True)) == {1}
