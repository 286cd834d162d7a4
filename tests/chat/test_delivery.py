"""The after-commit side of posting a message: the live event is built from the stored message
without reading it back, and only messages that can notify somebody queue the notification
task."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.utils import translation

from hanse.chat import events, services
from hanse.chat.models import Channel, ChannelMember, ChannelQuerySet
from hanse.chat.rendering import render_message_html
from hanse.chat.selectors import message_queryset
from hanse.communities.models import Membership
from hanse.core.errors import ServiceError
from hanse.jobs.models import DeliveredEvent
from hanse.realtime.groups import topic_group
from hanse.search import hooks as search_hooks


@pytest.fixture(autouse=True)
def _own_layer_prefix(settings: Any) -> None:
    """On Redis, a channel-layer prefix of this test's own (parallel workers share Redis)."""
    layer = dict(settings.CHANNEL_LAYERS["default"])
    if "CONFIG" in layer:
        layer["CONFIG"] = {**layer["CONFIG"], "prefix": f"t-{uuid.uuid4().hex[:12]}"}
        settings.CHANNEL_LAYERS = {"default": layer}


def pushed(channel: Channel, count: int, action: Callable[[], Any]) -> tuple[Any, list[Any]]:
    """Run ``action`` (which posts and runs its after-commit effects) while listening to the
    channel's topic on the real channel layer; returns its result and the frames pushed.

    One event loop for all of it: the Redis layer keeps its subscriptions per event loop.
    ``action`` runs on this test's own thread and database connection (thread-sensitive)."""

    async def listen() -> tuple[Any, list[Any]]:
        layer = get_channel_layer()
        name = await layer.new_channel()
        await layer.group_add(topic_group(events.topic(channel.pk)), name)
        result = await sync_to_async(action)()
        frames = []
        for _ in range(count):
            message = await asyncio.wait_for(layer.receive(name), timeout=5)
            frames.append(json.loads(message["text"]))
        await layer.group_discard(topic_group(events.topic(channel.pk)), name)
        return result, frames

    return async_to_sync(listen)()


def test_live_event_equals_the_stored_message_rendered(
    people: dict[str, Any], private_channel: Channel, post: Any
) -> None:
    """The pushed frame is what rendering the stored message would give, with its topic."""
    message, (frame,) = pushed(
        private_channel,
        1,
        lambda: post(private_channel, people["ben"], "Hallo **@anna**, siehe https://example.org"),
    )
    stored = message_queryset().get(pk=message.pk)
    payload = events.message_payload(message.pk, "created")
    assert payload is not None
    assert frame == {**payload, "topic": f"chat:{private_channel.pk}"}
    assert frame["html"] == render_message_html(stored, None)
    # One rendering for every language: the labels are the source texts, which chat.js
    # translates from the JavaScript catalog (tests/chat/test_neutral_html.py).
    with translation.override("de"):
        assert render_message_html(stored, None) == frame["html"]
    assert "Reply in thread</a>" in frame["html"] and "data-i18n" in frame["html"]
    assert frame["client_id"] == str(stored.client_id)


def test_reply_pushes_itself_and_the_new_reply_count_of_its_thread(
    people: dict[str, Any], private_channel: Channel, post: Any
) -> None:
    """A reply is pushed, then its thread's first message with one reply more."""
    root = post(private_channel, people["anna"], "Frage")
    reply, (first, second) = pushed(
        private_channel, 2, lambda: post(private_channel, people["ben"], "Antwort", parent=root)
    )
    assert (first["op"], first["id"], first["parent"]) == ("created", reply.pk, root.pk)
    assert (second["op"], second["id"], second["reply_count"]) == ("edited", root.pk, 1)


def test_posting_reads_nothing_back_after_the_commit(
    people: dict[str, Any],
    public_channel: Channel,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A message in a channel: membership, insert, two updates (a resend is found by the
    insert that fails, not looked up before); the push after
    the commit costs no query (two more are the savepoint of the test's transaction)."""
    services.channel_join(channel=public_channel, user=people["ben"])
    with (
        # The search index's update is queued for every write and counted in tests/search.
        search_hooks.paused(),
        django_assert_num_queries(6),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        services.message_post(
            channel=public_channel, author=people["ben"], body="Moin", client_id=uuid.uuid4()
        )
    assert len(callbacks) == 1


def test_plain_message_queues_no_notification_task(
    people: dict[str, Any], private_channel: Channel, post: Any
) -> None:
    """Nobody to notify: the task is not run at all (it marks every message it handles)."""
    message = post(private_channel, people["anna"], "Moin zusammen")
    assert not DeliveredEvent.objects.filter(key=f"chat_message:{message.pk}").exists()


def test_mention_and_direct_message_run_the_notification_task(
    people: dict[str, Any], private_channel: Channel, post: Any
) -> None:
    """A mention, and any direct message, go through the notification task."""
    mention = post(private_channel, people["anna"], "Moin @ben")
    dm, _ = services.dm_open(by=people["anna"], people=[people["ben"]])
    direct = post(dm, people["anna"], "Hallo Ben")
    for message in (mention, direct):
        assert DeliveredEvent.objects.filter(key=f"chat_message:{message.pk}").exists()


@pytest.mark.parametrize("kind", ["public", "private", "direct", "group", "community"])
def test_membership_shortcut_agrees_with_readable_by(
    kind: str, people: dict[str, Any], make_community: Any
) -> None:
    """Wherever membership alone is taken as leave to read, readable_by says so too."""
    community = make_community("private", owner=people["anna"]) if kind == "community" else None
    channel = Channel.objects.create(
        kind=kind, name=f"K {kind}", slug=f"k-{kind}", community=community
    )
    ChannelMember.objects.create(channel=channel, user=people["ben"])
    ben = people["ben"]
    readable = Channel.objects.readable_by(ben).filter(pk=channel.pk).exists()
    assert ChannelQuerySet.member_may_read(channel, ben) is (kind != "community")
    if ChannelQuerySet.member_may_read(channel, ben):
        assert readable
    ben.is_active = False
    assert not ChannelQuerySet.member_may_read(channel, ben)


def test_member_row_left_in_a_private_community_channel_cannot_write(
    people: dict[str, Any], make_community: Any
) -> None:
    """Someone who left a private community keeps no leave to write in its channel."""
    community = make_community("private", owner=people["anna"])
    channel = Channel.objects.create(
        kind="community", name="Intern", slug="intern", community=community
    )
    ChannelMember.objects.create(channel=channel, user=people["ben"])
    assert not Membership.objects.filter(community=community, user=people["ben"]).exists()
    with pytest.raises(ServiceError) as refused:
        services.message_post(channel=channel, author=people["ben"], body="Noch da?")
    assert refused.value.code == "not_found"
    assert not channel.messages.exists()


def test_failed_notification_task_is_retried_and_rolled_back(
    people: dict[str, Any], post: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """A chat notification task that fails re-enqueues itself with attempt + 1 and leaves no
    ledger row, so the retry notifies (it used to be lost)."""
    from django_tasks import default_task_backend

    from hanse.chat import tasks

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["live", "default"],
        }
    }
    dm, _ = services.dm_open(by=people["anna"], people=[people["ben"]])
    message = post(dm, people["anna"], "Hallo Ben")
    default_task_backend.clear()  # type: ignore[attr-defined]

    def broken(**kwargs: Any) -> list[Any]:
        raise RuntimeError("database went away")

    monkeypatch.setattr(tasks, "notify", broken)
    tasks.notify_message_created.call(message.pk, [])
    assert not DeliveredEvent.objects.filter(key=f"chat_message:{message.pk}").exists()
    [retry] = default_task_backend.results  # type: ignore[attr-defined]
    assert retry.task.name == "notify_message_created"
    assert retry.kwargs == {"attempt": 2}
