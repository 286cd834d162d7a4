"""Chat writes: channels (named, community, direct and group conversations), their topic,
muting and read cursors."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from hanse.chat import events
from hanse.chat import rules as chat_rules
from hanse.chat.models import MAX_GROUP_DM_MEMBERS, Channel, ChannelMember
from hanse.chat.services.access import (
    MAX_NAME_CHARS,
    MAX_TOPIC_CHARS,
    NAMED_KINDS,
    membership,
    readable,
    require_readable,
)
from hanse.communities import rules as community_rules
from hanse.communities.models import Community
from hanse.core.errors import PermissionRefused, ServiceError

if TYPE_CHECKING:
    from hanse.people.models import User


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_("Please give the channel a name."), code="name_required")
    if len(name) > MAX_NAME_CHARS:
        raise ServiceError(_("A channel name can have at most 80 characters."), code="name_long")
    return name


def _clean_topic(topic: str) -> str:
    topic = " ".join((topic or "").split())
    if len(topic) > MAX_TOPIC_CHARS:
        raise ServiceError(_("A topic can have at most 250 characters."), code="topic_long")
    return topic


def _unique_slug(name: str) -> str:
    base = (slugify(name) or "channel")[:70]
    slug, n = base, 2
    while Channel.objects.filter(slug=slug, kind__in=NAMED_KINDS).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def channel_create(
    *,
    by: User,
    name: str,
    kind: str = Channel.Kind.PUBLIC,
    topic: str = "",
    members: Sequence[User] = (),
) -> Channel:
    """Create a public or private channel; the creator becomes its admin."""
    if not chat_rules.may_create_channel(by):
        raise PermissionRefused(_("Guests cannot create channels."))
    if kind not in (Channel.Kind.PUBLIC, Channel.Kind.PRIVATE):
        raise ServiceError(_("Choose a public or a private channel."), code="invalid_kind")
    name = _clean_name(name)
    topic = _clean_topic(topic)
    with transaction.atomic():
        channel = Channel.objects.create(
            kind=kind, name=name, slug=_unique_slug(name), topic=topic, created_by=by
        )
        ChannelMember.objects.create(channel=channel, user=by, role=ChannelMember.Role.ADMIN)
        others = {p.pk: p for p in members if p.pk != by.pk and p.is_active}
        ChannelMember.objects.bulk_create(
            [ChannelMember(channel=channel, user=p) for p in others.values()]
        )
    return channel


def community_channel_ensure(*, community: Community, user: User) -> Channel:
    """The community's default channel, created the first time one of its members opens the
    community's chat; a member of the community is added to it on the way."""
    if not Community.objects.content_visible_to(user).filter(pk=community.pk).exists():
        raise ServiceError(_("This community does not exist."), code="not_found", status=404)
    is_member = bool(community_rules.is_member(user, community))
    with transaction.atomic():
        channel = (
            Channel.objects.filter(kind=Channel.Kind.COMMUNITY, community=community)
            .order_by("id")
            .first()
        )
        if channel is None:
            if not is_member:
                raise PermissionRefused(
                    _("The community has no chat yet. Its members can start it."),
                    code="no_channel",
                )
            channel = Channel.objects.create(
                kind=Channel.Kind.COMMUNITY,
                name=community.name[:MAX_NAME_CHARS],
                slug=_unique_slug(f"c-{community.slug}"),
                community=community,
                created_by=user,
            )
        if is_member:
            ChannelMember.objects.get_or_create(channel=channel, user=user)
    return channel


def community_channel_create(
    *, community: Community, by: User, name: str, topic: str = ""
) -> Channel:
    """A further channel of a community, created on demand by its owners and moderators."""
    if not chat_rules.may_add_community_channel(by, community):
        raise PermissionRefused(
            _("Only the community's owners and moderators can add channels to it.")
        )
    name = _clean_name(name)
    topic = _clean_topic(topic)
    with transaction.atomic():
        channel = Channel.objects.create(
            kind=Channel.Kind.COMMUNITY,
            name=name,
            slug=_unique_slug(f"c-{community.slug}-{name}"),
            topic=topic,
            community=community,
            created_by=by,
        )
        ChannelMember.objects.create(channel=channel, user=by, role=ChannelMember.Role.ADMIN)
    return channel


def _dm_key(ids: Sequence[int]) -> str:
    """One key per set of people: "12:34" for two (or "12:12", a note to oneself), a hash
    of the sorted ids for a group."""
    ordered = sorted(set(ids))
    if len(ordered) == 1:
        return f"{ordered[0]}:{ordered[0]}"
    if len(ordered) == 2:
        return f"{ordered[0]}:{ordered[1]}"
    digest = hashlib.sha256(",".join(str(i) for i in ordered).encode()).hexdigest()[:32]
    return f"g:{digest}"


def dm_open(*, by: User, people: Sequence[User]) -> tuple[Channel, bool]:
    """The direct conversation of ``by`` with these people: one person, a direct message;
    more, a group message (at most 15 people in all). The same people always get the same
    conversation back; the bool says whether it was created now."""
    others = {p.pk: p for p in people if p.pk != by.pk}
    inactive = [p for p in others.values() if not p.is_active]
    if inactive:
        raise ServiceError(
            _("%(name)s can no longer receive messages.") % {"name": inactive[0].display_name},
            code="inactive",
        )
    strangers = [p for p in others.values() if not chat_rules.may_message_person(by, p)]
    if strangers:
        # Answered like an unknown person: a guest learns nothing about who exists.
        raise ServiceError(_("This person does not exist."), code="not_found", status=404)
    total = len(others) + 1
    if total > MAX_GROUP_DM_MEMBERS:
        raise ServiceError(
            _(
                "A group message can have at most %(max)d people including you; you chose "
                "%(count)d. Create a private channel for a larger group."
            )
            % {"max": MAX_GROUP_DM_MEMBERS, "count": total},
            code="too_many_people",
        )
    ids = [by.pk, *others]
    key = _dm_key(ids)
    kind = Channel.Kind.GROUP if len(others) >= 2 else Channel.Kind.DIRECT
    existing = Channel.objects.filter(dm_key=key).first()
    if existing is not None:
        # Someone who left a group message comes back when the same group is opened again.
        ChannelMember.objects.get_or_create(channel=existing, user=by)
        return existing, False
    try:
        with transaction.atomic():
            channel = Channel.objects.create(kind=kind, dm_key=key, created_by=by)
            ChannelMember.objects.bulk_create(
                [ChannelMember(channel=channel, user_id=pk) for pk in sorted(set(ids))]
            )
    except IntegrityError:
        # The other person opened the same conversation at the same moment.
        return Channel.objects.get(dm_key=key), False
    return channel, True


def channel_set_topic(*, channel: Channel, by: User, topic: str) -> Channel:
    """Change the topic: channel admins; in public channels every member."""
    require_readable(channel, by)
    if channel.kind == Channel.Kind.DIRECT:
        raise ServiceError(_("A direct message has no topic."), code="no_topic")
    if not chat_rules.may_set_topic(by, channel, membership(channel, by)):
        raise PermissionRefused(_("Only channel admins can change the topic of this channel."))
    channel.topic = _clean_topic(topic)
    with transaction.atomic():
        channel.save(update_fields=["topic"])
        cid, new_topic = channel.pk, channel.topic
        transaction.on_commit(lambda: events.topic_changed(cid, new_topic))
    return channel


def channel_set_muted(*, channel: Channel, user: User, muted: bool) -> ChannelMember:
    """Mute or unmute: a muted channel counts for no badge and notifies nobody."""
    member = membership(channel, user)
    if member is None or not readable(channel, user):
        raise ServiceError(_("You are not a member of this channel."), code="not_member")
    member.muted = muted
    member.save(update_fields=["muted"])
    return member


def channel_mark_read(*, channel: Channel, user: User, last_read_id: int) -> int:
    """Move the person's read cursor forward (never back, never past the newest message);
    returns the cursor."""
    member = membership(channel, user)
    if member is None:
        return 0
    target = min(int(last_read_id), channel.last_message_id or 0)
    if target <= member.last_read_id:
        return member.last_read_id
    with transaction.atomic():
        moved = ChannelMember.objects.filter(pk=member.pk, last_read_id__lt=target).update(
            last_read_id=target
        )
        if moved:
            cid, uid = channel.pk, user.pk
            transaction.on_commit(lambda: events.read_moved(cid, uid, target))
    return max(target, member.last_read_id)
