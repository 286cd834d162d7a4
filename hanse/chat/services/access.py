"""Chat writes: who may read and write a channel (404 for what a person may not see), and
the re-check of live subscriptions when memberships change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hanse.chat import events
from hanse.chat.models import Channel, ChannelMember, ChannelQuerySet
from hanse.chat.rules import in_channel_community
from hanse.chat.selectors import remembered_membership
from hanse.core.errors import PermissionRefused, ServiceError

if TYPE_CHECKING:
    from hanse.people.models import User


MAX_NAME_CHARS = 80
MAX_TOPIC_CHARS = 250
DM_KINDS = (Channel.Kind.DIRECT, Channel.Kind.GROUP)
NAMED_KINDS = (Channel.Kind.PUBLIC, Channel.Kind.PRIVATE, Channel.Kind.COMMUNITY)


def not_found() -> ServiceError:
    return ServiceError(_("This conversation does not exist."), code="not_found", status=404)


def readable(channel: Channel, user: User) -> bool:
    return Channel.objects.visible_to(user).filter(pk=channel.pk).exists()


def membership(channel: Channel, user: User) -> ChannelMember | None:
    return ChannelMember.objects.filter(channel=channel, user=user).first()


def require_readable(channel: Channel, user: User) -> None:
    if not readable(channel, user):
        raise not_found()


def require_reader(channel: Channel, user: User) -> ChannelMember | None:
    """404 unless the person may read the channel; their membership row, if any."""
    known, member = remembered_membership(channel, user)
    if known:
        # The channel was found through selectors.find_channel_for for this person, which
        # decided that they may read it, with this row: no second query for either.
        return member
    member = membership(channel, user)
    # A member of a channel that is not a community channel may read it (visible_to's own
    # rule, ChannelQuerySet.member_may_read): the visible_to query is needed otherwise.
    if member is None or not ChannelQuerySet.member_may_read(channel, user):
        require_readable(channel, user)
    return member


def require_writer(channel: Channel, user: User, member: ChannelMember | None) -> ChannelMember:
    """The membership of a reader (``require_reader``) who may write, joining a community
    channel on the way for its members."""
    if channel.archived_at is not None:
        raise PermissionRefused(_("This channel is archived; no new messages can be written."))
    if (
        member is None
        and channel.kind == Channel.Kind.COMMUNITY
        and in_channel_community(user, channel)
    ):
        member, _created = ChannelMember.objects.get_or_create(channel=channel, user=user)
    if member is None:
        raise PermissionRefused(_("Join the channel to write in it."), code="not_member")
    return member


def recheck_on_commit(user_ids: Iterable[int]) -> None:
    ids = list(user_ids)
    if ids:
        transaction.on_commit(lambda: events.members_changed(ids))
