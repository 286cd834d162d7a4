"""Chat writes: joining and leaving, invitations, removals, roles, and leaving a
community's channels with the community."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hanse.chat import rules as chat_rules
from hanse.chat.models import Channel, ChannelMember
from hanse.chat.rules import in_channel_community
from hanse.chat.services.access import (
    DM_KINDS,
    membership,
    not_found,
    recheck_on_commit,
    require_readable,
)
from hanse.communities.models import Membership
from hanse.core.errors import PermissionRefused, ServiceError

if TYPE_CHECKING:
    from hanse.core.signals import MembershipEnded
    from hanse.people.models import User


def channel_join(*, channel: Channel, user: User) -> ChannelMember:
    """Join a public channel, or a community's channel as a member of the community."""
    require_readable(channel, user)
    member = membership(channel, user)
    if member is not None:
        return member
    if channel.kind == Channel.Kind.COMMUNITY:
        if not in_channel_community(user, channel):
            raise PermissionRefused(
                _("Only members of the community can join its channel. Join the community first.")
            )
    elif channel.kind != Channel.Kind.PUBLIC:
        raise not_found()
    if channel.archived_at is not None:
        raise PermissionRefused(_("This channel is archived; it cannot be joined."))
    member, _created = ChannelMember.objects.get_or_create(channel=channel, user=user)
    return member


def promote_if_orphaned(channel: Channel) -> None:
    """A named channel keeps an admin: when the last one leaves, the longest member becomes one."""
    if channel.kind in DM_KINDS:
        return
    members = ChannelMember.objects.filter(channel=channel)
    if chat_rules.channel_admins(channel).exists():
        return
    oldest = members.order_by("joined_at", "id").first()
    if oldest is not None:
        oldest.role = ChannelMember.Role.ADMIN
        oldest.save(update_fields=["role"])


def channel_leave(*, channel: Channel, user: User) -> None:
    """Leave a channel or group message; a one-to-one message can only be muted."""
    if channel.kind == Channel.Kind.DIRECT:
        raise ServiceError(
            _("You cannot leave a direct message. Mute it if you do not want to be notified."),
            code="cannot_leave_direct",
        )
    with transaction.atomic():
        deleted, _rows = ChannelMember.objects.filter(channel=channel, user=user).delete()
        if not deleted:
            raise ServiceError(_("You are not a member of this channel."), code="not_member")
        promote_if_orphaned(channel)
        recheck_on_commit([user.pk])


def member_invite(*, channel: Channel, by: User, people: Sequence[User]) -> list[ChannelMember]:
    """Add people to a channel: anyone in it may add to a public channel, channel admins to
    a private one; a community channel takes only members of the community."""
    require_readable(channel, by)
    if channel.kind in DM_KINDS:
        raise ServiceError(
            _("People cannot be added to a direct message. Start a new group message instead."),
            code="cannot_invite_dm",
        )
    member = membership(channel, by)
    if not chat_rules.may_invite(by, channel, member):
        if member is None:
            raise PermissionRefused(_("Join the channel to add people to it."))
        raise PermissionRefused(_("Only channel admins can add people to a private channel."))
    wanted = {p.pk: p for p in people}
    inactive = [p for p in wanted.values() if not p.is_active]
    if inactive:
        raise ServiceError(
            _("%(name)s can no longer be added.") % {"name": inactive[0].display_name},
            code="inactive",
        )
    if channel.kind == Channel.Kind.COMMUNITY:
        in_community = set(
            Membership.objects.filter(
                community_id=channel.community_id or 0, user_id__in=list(wanted)
            ).values_list("user_id", flat=True)
        )
        outsiders = [p for pk, p in wanted.items() if pk not in in_community]
        if outsiders:
            raise ServiceError(
                _("%(name)s is not a member of the community and cannot join its channel.")
                % {"name": outsiders[0].display_name},
                code="not_in_community",
            )
    with transaction.atomic():
        present = set(
            ChannelMember.objects.filter(channel=channel, user_id__in=list(wanted)).values_list(
                "user_id", flat=True
            )
        )
        new = [ChannelMember(channel=channel, user_id=pk) for pk in wanted if pk not in present]
        ChannelMember.objects.bulk_create(new)
    return new


def member_remove(*, channel: Channel, by: User, user: User) -> None:
    """A channel admin removes someone; their open connections stop receiving at once."""
    require_readable(channel, by)
    if channel.kind in DM_KINDS:
        raise ServiceError(
            _("Nobody can be removed from a direct message."), code="cannot_remove_dm"
        )
    if user.pk == by.pk:
        channel_leave(channel=channel, user=user)
        return
    if not chat_rules.may_manage_members(by, channel):
        raise PermissionRefused(_("Only channel admins can remove people from a channel."))
    with transaction.atomic():
        deleted, _rows = ChannelMember.objects.filter(channel=channel, user=user).delete()
        if not deleted:
            raise ServiceError(
                _("%(name)s is not a member of this channel.") % {"name": user.display_name},
                code="not_member",
            )
        promote_if_orphaned(channel)
        recheck_on_commit([user.pk])


def member_set_role(*, channel: Channel, by: User, user: User, role: str) -> ChannelMember:
    """A channel admin makes someone an admin or a plain member."""
    if role not in ChannelMember.Role.values:
        raise ServiceError(_("Choose a valid role."), code="invalid_role")
    require_readable(channel, by)
    if not chat_rules.may_manage_members(by, channel):
        raise PermissionRefused(_("Only channel admins can change roles."))
    member = membership(channel, user)
    if member is None:
        raise ServiceError(
            _("%(name)s is not a member of this channel.") % {"name": user.display_name},
            code="not_member",
        )
    with transaction.atomic():
        member.role = role
        member.save(update_fields=["role"])
        promote_if_orphaned(channel)
    return member


def on_membership_ended(sender: Any, event: MembershipEnded, **kwargs: Any) -> None:
    """Receiver of hanse.core.signals.membership_ended (connected in ChatConfig.ready)."""
    community_membership_ended(community_id=event.community_id, user_id=event.user_id)


def community_membership_ended(*, community_id: int, user_id: int) -> None:
    """Someone left or was removed from a community: they leave its chat channels. Runs after
    commit; hanse.realtime re-checks the person's open connections on the same event (a
    community channel follows its community, member row or not)."""
    ChannelMember.objects.filter(
        user_id=user_id,
        channel__kind=Channel.Kind.COMMUNITY,
        channel__community_id=community_id,
    ).delete()
