"""What a person may do in the chat: the one place it is decided.

Whether a person may *read* a channel is ``Channel.objects.visible_to`` (and a message's
``Message.objects.visible_to``); these predicates decide what they may do there. Services
check them before writing, views before offering a control. Most take the person's
membership row when the caller has it already (``member``), so a page asks once.

A community's roles are the community's business: "a member of the community" and "a
moderator of the community" come from ``hanse.communities.rules``. Platform administrators
are not channel admins: private conversations are not moderation material.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hanse.chat.models import Channel, ChannelMember
from hanse.communities.rules import is_member, is_moderator
from hanse.core.rules import is_active_user
from hanse.people.guests import is_guest, shares_space_with

if TYPE_CHECKING:
    from hanse.chat.models import Message
    from hanse.communities.models import Community

DM_KINDS = (Channel.Kind.DIRECT, Channel.Kind.GROUP)
_UNSET: Any = object()

# Channels whose membership another app owns (a WOL circle's chat follows the circle): nobody
# joins, invites or removes people there through the chat. Registered from the owning app's
# AppConfig.ready(); chat imports no app above it.
MembershipLock = Callable[[Channel], bool]
_membership_locks: list[MembershipLock] = []


def register_membership_lock(lock: MembershipLock) -> None:
    """Add a predicate "this channel's members are managed elsewhere" (idempotent)."""
    if lock not in _membership_locks:
        _membership_locks.append(lock)


def membership_locked(channel: Channel) -> bool:
    """Whether another app owns this channel's membership."""
    return channel.kind not in DM_KINDS and any(lock(channel) for lock in _membership_locks)


def _member(user: Any, channel: Channel, member: ChannelMember | None) -> ChannelMember | None:
    if member is _UNSET:
        return ChannelMember.objects.filter(channel=channel, user=user).first()
    return member


def in_channel_community(user: Any, channel: Channel) -> bool:
    """For a community channel: whether the person is a member of its community."""
    community = channel.community if channel.community_id is not None else None
    return community is not None and bool(is_member(user, community))


def is_channel_admin(user: Any, channel: Channel, member: ChannelMember | None = _UNSET) -> bool:
    """Channel admins; for a community channel also the community's owners and moderators."""
    if not is_active_user(user):
        return False
    member = _member(user, channel, member)
    if member is not None and member.role == ChannelMember.Role.ADMIN:
        return True
    if channel.kind == Channel.Kind.COMMUNITY and channel.community_id is not None:
        return bool(is_moderator(user, channel.community))
    return False


def may_create_channel(user: Any) -> bool:
    """Employees open public and private channels; guests take part where they were invited."""
    return is_active_user(user) and not is_guest(user)


def may_message_person(user: Any, person: Any) -> bool:
    """Whom a direct or group message may include: anyone for employees; for a guest only
    people they share a community or channel with (hanse/people/guests.py)."""
    return is_active_user(user) and shares_space_with(user, person)


def may_add_community_channel(user: Any, community: Community) -> bool:
    """The community's owners and moderators add further channels to it."""
    return is_active_user(user) and bool(is_moderator(user, community))


def may_join(user: Any, channel: Channel, member: ChannelMember | None = _UNSET) -> bool:
    """Public channels everybody; a community's channels the members of the community."""
    if not is_active_user(user) or _member(user, channel, member) is not None:
        return False
    if membership_locked(channel):
        return False
    if channel.kind == Channel.Kind.PUBLIC:
        return not is_guest(user)
    return channel.kind == Channel.Kind.COMMUNITY and in_channel_community(user, channel)


def may_write(user: Any, channel: Channel, member: ChannelMember | None = _UNSET) -> bool:
    """Members write in channels that are not archived."""
    member = _member(user, channel, member)
    return member is not None and channel.archived_at is None


def may_set_topic(user: Any, channel: Channel, member: ChannelMember | None = _UNSET) -> bool:
    """Channel admins; in public channels and group messages every member. A direct message
    has no topic."""
    if channel.kind == Channel.Kind.DIRECT or not is_active_user(user):
        return False
    member = _member(user, channel, member)
    if member is not None and channel.kind in (Channel.Kind.PUBLIC, Channel.Kind.GROUP):
        return True
    return is_channel_admin(user, channel, member)


def may_invite(user: Any, channel: Channel, member: ChannelMember | None = _UNSET) -> bool:
    """Anyone in a public or community channel (and its admins); channel admins in a private
    one. Nobody adds people to a direct or group message (a new one is started instead)."""
    if channel.kind in DM_KINDS or not is_active_user(user) or membership_locked(channel):
        return False
    member = _member(user, channel, member)
    if channel.kind == Channel.Kind.PRIVATE or member is None:
        return is_channel_admin(user, channel, member)
    return True


def may_manage_members(user: Any, channel: Channel, member: ChannelMember | None = _UNSET) -> bool:
    """Channel admins remove people and change roles; not in direct or group messages."""
    return (
        channel.kind not in DM_KINDS
        and not membership_locked(channel)
        and is_channel_admin(user, channel, member)
    )


def may_edit_message(user: Any, message: Message) -> bool:
    """The author, while the message is not deleted."""
    return is_active_user(user) and message.deleted_at is None and message.author_id == user.pk


def message_flags(user: Any, message: Message, *, channel_admin: bool) -> tuple[bool, bool]:
    """(may edit, may delete) one message as a page shows it: the author edits and deletes,
    channel admins delete; a deleted message offers nothing. ``channel_admin`` is asked once
    per page, so a page of messages costs no query here."""
    own = may_edit_message(user, message)
    return own, own or (channel_admin and message.deleted_at is None)


def may_delete_message(user: Any, message: Message) -> bool:
    """The author or a channel admin (the single form of ``message_flags``)."""
    own = is_active_user(user) and message.author_id == user.pk
    return own or is_channel_admin(user, message.channel)


def channel_admins(channel: Channel) -> Any:
    """The channel's admin rows (by role): a named channel keeps at least one."""
    return ChannelMember.objects.filter(channel=channel, role=ChannelMember.Role.ADMIN)
