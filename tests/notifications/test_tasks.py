"""Tasks: idempotent event handling, retries, recovery of stuck tasks, retention."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import default_task_backend

from hanse.communities.models import Community
from hanse.core import retention_runs
from hanse.ideas import tasks as idea_tasks
from hanse.ideas.services import idea_create
from hanse.jobs.models import DeliveredEvent
from hanse.notifications import delivery, services, tasks
from hanse.notifications.models import Notification
from hanse.people.models import User
from hanse.posts import notifications as hooks
from hanse.posts import tasks as post_tasks
from hanse.posts.models import Announcement, Post

DUMMY_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["live", "default"],
    }
}


def test_running_an_event_task_twice_notifies_once(
    people: dict[str, Any], make_post: Callable[..., Post]
) -> None:
    """A retried or recovered task finds the event in the ledger and does nothing."""
    post = make_post(people["anna"], mentions=(people["ben"],))
    post_tasks.notify_post_created.call(post.pk)
    post_tasks.notify_post_created.call(post.pk)
    assert Notification.objects.filter(recipient=people["ben"], type="mention").count() == 1
    assert DeliveredEvent.objects.filter(key=f"post_created:{post.pk}").exists()


def test_gone_objects_are_skipped(db: None) -> None:
    """An object deleted before the task ran: nothing happens, nothing is recorded."""
    post_tasks.notify_post_created.call(999_999)
    post_tasks.notify_comment_created.call(999_999)
    post_tasks.notify_reaction_added.call(999_999)
    tasks.notify_community_event.call("join_request_created", 999_999)
    assert not DeliveredEvent.objects.exists()


def test_failing_task_is_retried_with_backoff_and_rolled_back(
    people: dict[str, Any],
    make_post: Callable[..., Post],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    """An error re-enqueues the task later with attempt + 1; the ledger row is undone."""
    settings.TASKS = DUMMY_TASKS
    post = make_post(people["anna"], mentions=(people["ben"],))

    def broken(post: Post) -> list[Notification]:
        raise RuntimeError("database went away")

    monkeypatch.setattr(hooks, "on_post_created", broken)
    before = timezone.now()
    post_tasks.notify_post_created.call(post.pk)
    assert not DeliveredEvent.objects.exists()
    [retry] = default_task_backend.results  # type: ignore[attr-defined]
    assert retry.task.name == "notify_post_created"
    assert retry.kwargs == {"attempt": 2}
    assert retry.task.run_after >= before + timedelta(minutes=1)
    with pytest.raises(RuntimeError):
        post_tasks.notify_post_created.call(post.pk, attempt=delivery.MAX_ATTEMPTS)
    assert len(default_task_backend.results) == 1  # type: ignore[attr-defined]


def test_a_task_of_several_events_resumes_after_the_one_that_failed(
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    """notify_or_retry: an event told before a later one failed stays told (its own ledger
    row); the retry, with the same arguments, tells the rest; a third run tells nobody."""
    settings.TASKS = DUMMY_TASKS
    author, eva, finn = make_user("autorin"), make_user("eva"), make_user("finn")
    community = make_community(owner=author, members=(eva, finn))
    idea = idea_create(
        author=author, community=community, title="T", description="D", coauthors=[eva, finn]
    )
    default_task_backend.clear()  # type: ignore[attr-defined]
    real = idea_tasks.notify

    def flaky(**kwargs: Any) -> list[Notification]:
        if kwargs["recipients"] == [finn]:
            raise RuntimeError("database went away")
        return real(**kwargs)

    def told() -> set[int]:
        asked = Notification.objects.filter(type="idea_coauthor_added")
        return set(asked.values_list("recipient_id", flat=True))

    monkeypatch.setattr(idea_tasks, "notify", flaky)
    args = [idea.pk, [eva.pk, finn.pk], author.pk]
    assert idea_tasks.notify_coauthors_added.call(*args) == 0
    assert told() == {eva.pk}
    [retry] = default_task_backend.results  # type: ignore[attr-defined]
    assert retry.task.name == "notify_coauthors_added"
    assert (retry.args, retry.kwargs) == (args, {"attempt": 2})
    monkeypatch.undo()
    assert idea_tasks.notify_coauthors_added.call(*retry.args, **retry.kwargs) == 1
    assert told() == {eva.pk, finn.pk}
    assert idea_tasks.notify_coauthors_added.call(*args) == 0
    assert Notification.objects.filter(type="idea_coauthor_added").count() == 2


def test_backoff_doubles() -> None:
    """1, 2, 4, 8 minutes between the five attempts."""
    assert [delivery.backoff(n) for n in range(1, 5)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8)
    ]


def test_scheduled_announcement_is_notified_once_when_due(
    people: dict[str, Any], make_user: Callable[..., User]
) -> None:
    """Publication in the future: nothing now; the minute job notifies it once when due."""
    author = people["anna"]
    announcement = Announcement.objects.create(
        author=author,
        title="Neue Arbeitszeitregelung",
        body="Bitte lesen",
        is_draft=False,
        must_read=True,
        publish_at=timezone.now() + timedelta(hours=1),
    )
    post_tasks.notify_announcement_published.call(announcement.pk)
    assert post_tasks.check_scheduled_announcements.call() == 0
    assert not Notification.objects.filter(type="must_read_announcement").exists()
    Announcement.objects.filter(pk=announcement.pk).update(
        publish_at=timezone.now() - timedelta(minutes=1)
    )
    assert post_tasks.check_scheduled_announcements.call() == 1
    assert post_tasks.check_scheduled_announcements.call() == 0
    told = Notification.objects.filter(type="must_read_announcement")
    assert set(told.values_list("recipient", flat=True)) == {
        p.pk for p in people.values() if p != author
    }


def test_retention_deletes_old_read_notifications_only(
    people: dict[str, Any], make_post: Callable[..., Post], settings: Any
) -> None:
    """Read and older than RETENTION_NOTIFICATIONS_DAYS: gone (once confirmed, through the
    retention registry). Unread or recent: kept."""
    settings.RETENTION_NOTIFICATIONS_DAYS = 30
    anna = people["anna"]
    made = [
        services.notify(type_key="mention", recipients=[anna], actor=people["ben"], post=p)[0]
        for p in (make_post(people["ben"]), make_post(people["ben"]), make_post(people["ben"]))
    ]
    old = timezone.now() - timedelta(days=31)
    Notification.objects.filter(pk=made[0].pk).update(read_at=old, updated_at=old)
    Notification.objects.filter(pk=made[1].pk).update(updated_at=old)  # unread
    Notification.objects.filter(pk=made[2].pk).update(read_at=timezone.now())
    retention_runs.confirm(by=None, keys=["notifications"])
    assert retention_runs.apply_retention.call()["notifications"] == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {made[1].pk, made[2].pk}
