"""Sending a chat message: the channel and the sender's membership in one read, decided as
``Channel.objects.visible_to`` decides, and a fixed number of queries per message (issue 13)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from hanse.analytics.recording import recording_enabled
from hanse.chat import selectors, services
from hanse.chat.models import Channel, ChannelMember
from hanse.jobs.models import OutboxEvent
from hanse.people.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(people: dict[str, User], make_community: Callable[..., Any]) -> dict[str, Channel]:
    anna, ben = people["anna"], people["ben"]
    open_community = make_community("open", owner=anna)
    private_community = make_community("private", owner=anna, members=(ben,))
    archived = services.channel_create(by=anna, name="Alt", kind="public")
    Channel.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    channels = {
        "public": services.channel_create(by=anna, name="Kaffeeküche", kind="public"),
        "private": services.channel_create(by=anna, name="Intern", kind="private", members=[ben]),
        "direct": services.dm_open(by=anna, people=[ben])[0],
        "open community": services.community_channel_ensure(community=open_community, user=anna),
        "private community": services.community_channel_ensure(
            community=private_community, user=ben
        ),
        "archived": archived,
    }
    # A member row left behind in a private community's channel by someone who is no longer
    # a member of the community (the row must give no access).
    ChannelMember.objects.create(channel=channels["private community"], user=people["cara"])
    return channels


def test_find_channel_for_decides_as_visible_to(
    people: dict[str, User], world: dict[str, Channel]
) -> None:
    """For every kind of channel and every kind of person, the one-read lookup answers as
    the one visibility rule does."""
    people["dora"].is_active = False
    people["dora"].save(update_fields=["is_active"])
    for person in people.values():
        for name, channel in world.items():
            expected = Channel.objects.visible_to(person).filter(pk=channel.pk).exists()
            found = selectors.find_channel_for(viewer=person, channel_id=channel.pk)
            assert (found is not None) is expected, (person.username, name)
            assert found is None or found.pk == channel.pk
        assert selectors.find_channel_for(viewer=person, channel_id=10**9) is None


def test_a_member_sends_in_a_fixed_number_of_queries(
    people: dict[str, User],
    world: dict[str, Channel],
    django_assert_num_queries: Any,
) -> None:
    """The channel with the sender's membership, the mentioned member,
    the message, the channel's and the sender's cursors and the mention's notification in the
    outbox, the message's search index update in the outbox: the lookup's membership is not
    read a second time."""
    ben = people["ben"]
    services.channel_join(channel=world["public"], user=ben)
    with django_assert_num_queries(9):
        channel = selectors.find_channel_for(viewer=ben, channel_id=world["public"].pk)
        assert channel is not None
        message, created = services.message_post(
            channel=channel, author=ben, body="Moin @anna", client_id=uuid.uuid4()
        )
    assert created and message.channel_id == world["public"].pk
    assert ChannelMember.objects.get(channel=world["public"], user=ben).last_read_id == message.pk


def test_the_hand_off_after_the_commit_is_one_claim(
    people: dict[str, User],
    world: dict[str, Channel],
    settings: Any,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """After the commit, the message's two outbox rows (the mention's notification and the
    search index update) are handed to the queue together: one claim of both rows and the
    two queued tasks, in one transaction (a savepoint here); the live push reads nothing.
    Each row alone cost a transaction, a mark and its task: 8 statements."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["live", "default"]}
    }
    ben = people["ben"]
    services.channel_join(channel=world["public"], user=ben)
    channel = selectors.find_channel_for(viewer=ben, channel_id=world["public"].pk)
    assert channel is not None
    before = OutboxEvent.objects.count()
    # Network analytics' switch, as a running server holds it (read at most every 30 s).
    recording_enabled()
    with django_capture_on_commit_callbacks() as hooks:
        services.message_post(channel=channel, author=ben, body="Moin @anna")
    relaxed = connection.vendor == "postgresql"  # SET LOCAL synchronous_commit
    with django_assert_num_queries(5 + relaxed):
        for hook in hooks:
            hook()
    rows = OutboxEvent.objects.order_by("pk")[before:]
    assert len(rows) == 2 and all(row.enqueued_at and row.attempts == 1 for row in rows)


def test_a_non_member_of_a_public_channel_is_told_to_join(
    people: dict[str, User], world: dict[str, Channel]
) -> None:
    """The lookup remembers that cara is no member: she may read, not write."""
    from hanse.core.errors import PermissionRefused

    cara = people["cara"]
    channel = selectors.find_channel_for(viewer=cara, channel_id=world["public"].pk)
    assert channel is not None
    with pytest.raises(PermissionRefused, match="Join the channel"):
        services.message_post(channel=channel, author=cara, body="Hallo")
