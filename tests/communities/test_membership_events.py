"""Membership ended is one event: communities announce it after commit; chat, notifications
and realtime subscribe (hanse/core/signals.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hanse.chat.models import ChannelMember
from hanse.chat.services import community_channel_ensure
from hanse.communities.models import Community
from hanse.communities.services import membership_leave, membership_remove
from hanse.core import signals


@pytest.fixture
def ended() -> Iterator[list[signals.MembershipEnded]]:
    received: list[signals.MembershipEnded] = []

    def receiver(sender: Any, event: signals.MembershipEnded, **kwargs: Any) -> None:
        received.append(event)

    signals.membership_ended.connect(receiver, dispatch_uid="test.membership_ended")
    yield received
    signals.membership_ended.disconnect(dispatch_uid="test.membership_ended")


def test_leaving_sends_membership_ended_once_after_the_commit(
    make_user: Callable,
    make_community: Callable,
    ended: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Leaving announces one MembershipEnded("left"), and only once the leave has committed."""
    owner, ben = make_user(), make_user()
    club = make_community(Community.Kind.PRIVATE, owner=owner, members=(ben,))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        membership_leave(community=club, user=ben)
    assert ended == []
    for callback in callbacks:
        callback()
    assert ended == [signals.MembershipEnded(community_id=club.pk, user_id=ben.pk, reason="left")]


def test_removing_sends_membership_ended_removed(
    make_user: Callable,
    make_community: Callable,
    ended: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Removing someone announces one MembershipEnded("removed")."""
    owner, ben = make_user(), make_user()
    club = make_community(Community.Kind.SECRET, owner=owner, members=(ben,))
    with django_capture_on_commit_callbacks(execute=True):
        membership_remove(community=club, user=ben, by=owner)
    assert ended == [
        signals.MembershipEnded(community_id=club.pk, user_id=ben.pk, reason="removed")
    ]


def test_chat_notifications_and_realtime_subscribe_to_membership_ended() -> None:
    """The three apps that follow memberships are subscribed from their ready()."""
    uids = {key[0] for key, *_rest in signals.membership_ended.receivers}
    assert {
        "hanse.chat.membership_ended",
        "hanse.notifications.membership_ended",
        "hanse.realtime.membership_ended",
    } <= uids


def test_leaving_leaves_the_community_chat(
    make_user: Callable, make_community: Callable, django_capture_on_commit_callbacks: Any
) -> None:
    """Through the event, a person who leaves is no longer in the community's channel."""
    owner, ben = make_user(), make_user()
    club = make_community(Community.Kind.PRIVATE, owner=owner, members=(ben,))
    channel = community_channel_ensure(community=club, user=ben)
    assert ChannelMember.objects.filter(channel=channel, user=ben).exists()
    with django_capture_on_commit_callbacks(execute=True):
        membership_leave(community=club, user=ben)
    assert not ChannelMember.objects.filter(channel=channel, user=ben).exists()
