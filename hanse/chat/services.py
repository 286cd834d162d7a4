"""Writes of the chat: channels, members, direct messages, messages, reactions, read cursors.

Every function validates, checks permission against ``Channel.objects.visible_to`` and the
person's membership, writes inside one transaction and queues its side effects (live pushes,
notifications, revocation of live subscriptions) with ``transaction.on_commit`` through
hanse/chat/events.py.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from hanse.chat import events
from hanse.chat import rules as chat_rules
from hanse.chat.models import (
    MAX_GROUP_DM_MEMBERS,
    MAX_MESSAGE_CHARS,
    Channel,
    ChannelMember,
    ChannelQuerySet,
    Message,
    MessageAttachment,
    MessageReaction,
)
from hanse.chat.rules import in_channel_community
from hanse.chat.tasks import notify_message_created
from hanse.chat.uploads import CHAT_FILES
from hanse.communities import rules as community_rules
from hanse.core import uploads
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.core.text import ParsedText, parse_text
from hanse.jobs.outbox import enqueue_on_commit
from hanse.realtime.ratelimit import allow

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.core.signals import MembershipEnded
    from hanse.core.uploads import ValidatedFile
    from hanse.people.models import User

logger = logging.getLogger(__name__)

MAX_NAME_CHARS = 80
MAX_TOPIC_CHARS = 250
DM_KINDS = (Channel.Kind.DIRECT, Channel.Kind.GROUP)
NAMED_KINDS = (Channel.Kind.PUBLIC, Channel.Kind.PRIVATE, Channel.Kind.COMMUNITY)


# --- helpers -------------------------------------------------------------------------------


def _not_found() -> ServiceError:
    return ServiceError(_("This conversation does not exist."), code="not_found", status=404)


def _readable(channel: Channel, user: User) -> bool:
    return Channel.objects.visible_to(user).filter(pk=channel.pk).exists()


def _membership(channel: Channel, user: User) -> ChannelMember | None:
    return ChannelMember.objects.filter(channel=channel, user=user).first()


def _require_readable(channel: Channel, user: User) -> None:
    if not _readable(channel, user):
        raise _not_found()


def _require_reader(channel: Channel, user: User) -> ChannelMember | None:
    """404 unless the person may read the channel; their membership row, if any."""
    member = _membership(channel, user)
    # A member of a channel that is not a community channel may read it (visible_to's own
    # rule, ChannelQuerySet.member_may_read): the visible_to query is needed otherwise.
    if member is None or not ChannelQuerySet.member_may_read(channel, user):
        _require_readable(channel, user)
    return member


def _require_writer(channel: Channel, user: User, member: ChannelMember | None) -> ChannelMember:
    """The membership of a reader (``_require_reader``) who may write, joining a community
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


def _recheck_on_commit(user_ids: Iterable[int]) -> None:
    ids = list(user_ids)
    if ids:
        transaction.on_commit(lambda: events.members_changed(ids))


# --- channels ------------------------------------------------------------------------------


def channel_create(
    *,
    by: User,
    name: str,
    kind: str = Channel.Kind.PUBLIC,
    topic: str = "",
    members: Sequence[User] = (),
) -> Channel:
    """Create a public or private channel; the creator becomes its admin."""
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
    from hanse.communities.models import Community as CommunityModel

    if not CommunityModel.objects.content_visible_to(user).filter(pk=community.pk).exists():
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


def channel_join(*, channel: Channel, user: User) -> ChannelMember:
    """Join a public channel, or a community's channel as a member of the community."""
    _require_readable(channel, user)
    member = _membership(channel, user)
    if member is not None:
        return member
    if channel.kind == Channel.Kind.COMMUNITY:
        if not in_channel_community(user, channel):
            raise PermissionRefused(
                _("Only members of the community can join its channel. Join the community first.")
            )
    elif channel.kind != Channel.Kind.PUBLIC:
        raise _not_found()
    if channel.archived_at is not None:
        raise PermissionRefused(_("This channel is archived; it cannot be joined."))
    member, _created = ChannelMember.objects.get_or_create(channel=channel, user=user)
    return member


def _promote_if_orphaned(channel: Channel) -> None:
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
        _promote_if_orphaned(channel)
        _recheck_on_commit([user.pk])


def member_invite(*, channel: Channel, by: User, people: Sequence[User]) -> list[ChannelMember]:
    """Add people to a channel: anyone in it may add to a public channel, channel admins to
    a private one; a community channel takes only members of the community."""
    _require_readable(channel, by)
    if channel.kind in DM_KINDS:
        raise ServiceError(
            _("People cannot be added to a direct message. Start a new group message instead."),
            code="cannot_invite_dm",
        )
    member = _membership(channel, by)
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
        from hanse.communities.models import Membership

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
    _require_readable(channel, by)
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
        _promote_if_orphaned(channel)
        _recheck_on_commit([user.pk])


def member_set_role(*, channel: Channel, by: User, user: User, role: str) -> ChannelMember:
    """A channel admin makes someone an admin or a plain member."""
    if role not in ChannelMember.Role.values:
        raise ServiceError(_("Choose a valid role."), code="invalid_role")
    _require_readable(channel, by)
    if not chat_rules.may_manage_members(by, channel):
        raise PermissionRefused(_("Only channel admins can change roles."))
    member = _membership(channel, user)
    if member is None:
        raise ServiceError(
            _("%(name)s is not a member of this channel.") % {"name": user.display_name},
            code="not_member",
        )
    with transaction.atomic():
        member.role = role
        member.save(update_fields=["role"])
        _promote_if_orphaned(channel)
    return member


def channel_set_topic(*, channel: Channel, by: User, topic: str) -> Channel:
    """Change the topic: channel admins; in public channels every member."""
    _require_readable(channel, by)
    if channel.kind == Channel.Kind.DIRECT:
        raise ServiceError(_("A direct message has no topic."), code="no_topic")
    if not chat_rules.may_set_topic(by, channel, _membership(channel, by)):
        raise PermissionRefused(_("Only channel admins can change the topic of this channel."))
    channel.topic = _clean_topic(topic)
    with transaction.atomic():
        channel.save(update_fields=["topic"])
        cid, new_topic = channel.pk, channel.topic
        transaction.on_commit(lambda: events.topic_changed(cid, new_topic))
    return channel


def channel_set_muted(*, channel: Channel, user: User, muted: bool) -> ChannelMember:
    """Mute or unmute: a muted channel counts for no badge and notifies nobody."""
    member = _membership(channel, user)
    if member is None or not _readable(channel, user):
        raise ServiceError(_("You are not a member of this channel."), code="not_member")
    member.muted = muted
    member.save(update_fields=["muted"])
    return member


def channel_mark_read(*, channel: Channel, user: User, last_read_id: int) -> int:
    """Move the person's read cursor forward (never back, never past the newest message);
    returns the cursor."""
    member = _membership(channel, user)
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


# --- messages ------------------------------------------------------------------------------


def _mentioned_members(channel: Channel, parsed: ParsedText) -> dict[str, Any]:
    """Members of the channel mentioned in the text: {username: user}."""
    from hanse.people.models import User as UserModel

    names = parsed.mentions[:50]
    if not names:
        return {}
    match = Q()
    for name in names:
        match |= Q(username__iexact=name)
    people = UserModel.objects.filter(match, chat_memberships__channel=channel, is_active=True)
    return {p.username: p for p in people}


def _render(channel: Channel, body: str) -> tuple[str, list[int]]:
    # One Markdown parse for the names and the HTML.
    parsed = parse_text(body, tags=False)
    mentioned = _mentioned_members(channel, parsed)
    html = parsed.render(mentions={name: p.display_name for name, p in mentioned.items()})
    return html, [p.pk for p in mentioned.values()]


def _clean_body(body: str, *, has_files: bool) -> str:
    body = (body or "").strip()
    if len(body) > MAX_MESSAGE_CHARS:
        raise ServiceError(
            _(
                "A message can have at most %(max)s characters; this one has %(count)s. "
                "Please shorten it or send it in parts."
            )
            % {"max": f"{MAX_MESSAGE_CHARS:,}", "count": f"{len(body):,}"},
            code="message_too_long",
        )
    if not body and not has_files:
        raise ServiceError(_("Please write a message."), code="empty")
    return body


def _store_files(message: Message, validated: Sequence[ValidatedFile]) -> list[MessageAttachment]:
    return uploads.store(
        validated,
        CHAT_FILES,
        lambda item: MessageAttachment(message=message, **uploads.row_fields(item)),
    )


def _as_stored(message: Message, attachments: Sequence[MessageAttachment]) -> Message:
    """A copy of a message just saved, with what selectors.message_queryset() prefetches
    (its attachments, no reactions yet) filled in from memory: the live event is rendered
    from it after the commit without reading the message back. The caller's object is left
    without these caches, so later changes to it are never hidden by them."""
    shown: Any = copy.copy(message)
    shown._prefetched_objects_cache = {}
    if any(row.pk is None for row in attachments):
        return shown  # a database that does not return ids from bulk inserts: read them
    for name, rows in (("attachments", list(attachments)), ("reactions", [])):
        # As Django's prefetch_related fills a related manager's cache.
        queryset = getattr(shown, name).get_queryset()
        queryset._result_cache, queryset._prefetch_done = rows, True
        shown._prefetched_objects_cache[name] = queryset
    return shown


def _require_send_rate(author: User) -> None:
    """One policy for every way a message comes in (page, API, WebSocket): at most
    ``CHAT_SEND_RATE_LIMIT`` messages per person per window, counted across processes."""

    limit, seconds = settings.CHAT_SEND_RATE_LIMIT
    if not allow(author.pk, "chat.send", limit=limit, per_seconds=seconds):
        raise ServiceError(
            _("You are sending messages too fast. Please wait a moment."),
            code="rate_limited",
            status=429,
        )


def _existing_for(author: User, client_id: uuid.UUID, channel: Channel) -> Message | None:
    existing = Message.objects.filter(author=author, client_id=client_id).first()
    if existing is not None and existing.channel_id != channel.pk:
        raise ServiceError(
            _("This message id was already used in another conversation."),
            code="client_id_reused",
        )
    return existing


def message_post(
    *,
    channel: Channel,
    author: User,
    body: str,
    client_id: uuid.UUID | None = None,
    parent: Message | None = None,
    files: Sequence[UploadedFile] = (),
) -> tuple[Message, bool]:
    """Store a message (or a reply in a thread) and announce it after commit. Sending the
    same ``client_id`` again returns the stored message and False: a resend is harmless."""
    # Whether the person may read the channel comes first: an unknown channel and one they
    # may not see must answer alike, whatever the body or the client_id.
    reader = _require_reader(channel, author)
    if client_id is not None:
        existing = _existing_for(author, client_id, channel)
        if existing is not None:
            return existing, False
    # After the resend check: a resend stores nothing and must not count against the limit.
    _require_send_rate(author)
    body = _clean_body(body, has_files=bool(files))
    validated: list[ValidatedFile] = []
    if files:
        # Decoding and re-encoding images is slow: done before the transaction; thumbnails
        # are made by the task queue after the commit (_store_files).
        validated = uploads.validate(files, CHAT_FILES, thumbnails=False)
    member = _require_writer(channel, author, reader)
    if parent is not None:
        if parent.channel_id != channel.pk:
            raise ServiceError(
                _("A reply must be in the same conversation as its message."), code="bad_parent"
            )
        # Threads have one level: a reply to a reply joins the thread of the first message.
        if parent.parent_id is not None:
            parent = Message.objects.get(pk=parent.parent_id)
        if parent.deleted_at is not None:
            raise ServiceError(_("This message was deleted; it cannot be replied to."))
    html, mentioned_ids = _render(channel, body)
    now = timezone.now()
    try:
        # A failure after the files were stored (a resend racing this one) removes them.
        with uploads.removed_on_error(), transaction.atomic():
            message = Message(
                channel=channel,
                author=author,
                parent=parent,
                body=body,
                body_html=html,
                created_at=now,
            )
            if client_id is not None:
                message.client_id = client_id
            message.save()
            stored = _store_files(message, validated)
            if parent is None:
                Channel.objects.filter(pk=channel.pk).update(
                    last_message_id=message.pk, last_message_at=now
                )
                channel.last_message_id, channel.last_message_at = message.pk, now
                # Your own message is read: the cursor moves past it.
                ChannelMember.objects.filter(pk=member.pk, last_read_id__lt=message.pk).update(
                    last_read_id=message.pk
                )
            else:
                Message.objects.filter(pk=parent.pk).update(
                    reply_count=F("reply_count") + 1, last_reply_at=now
                )
            shown = _as_stored(message, stored)
            # The task notifies the people of a direct or group message and mentioned
            # members; in any other message it has nobody to tell, so it is not queued.
            if channel.kind in (Channel.Kind.DIRECT, Channel.Kind.GROUP) or mentioned_ids:
                enqueue_on_commit(notify_message_created, message.pk, list(mentioned_ids))
            transaction.on_commit(lambda: events.message_created(shown, mentioned_ids))
    except IntegrityError:
        if client_id is None:
            raise
        # The same message arrived twice at once (two tabs, a resend racing the first).
        existing = _existing_for(author, client_id, channel)
        if existing is None:
            raise
        return existing, False
    return message, True


def _require_author(message: Message, user: User) -> None:
    if not chat_rules.may_edit_message(user, message):
        raise PermissionRefused(_("Only the author can edit a message."))


def message_edit(*, message: Message, by: User, body: str) -> Message:
    """The author changes the text of a message."""
    channel = message.channel
    _require_readable(channel, by)
    if message.deleted_at is not None:
        raise ServiceError(_("This message was deleted; it cannot be edited."), code="deleted")
    _require_author(message, by)
    body = _clean_body(body, has_files=message.attachments.exists())
    html, _mentioned = _render(channel, body)
    with transaction.atomic():
        message.body, message.body_html, message.edited_at = body, html, timezone.now()
        message.save(update_fields=["body", "body_html", "edited_at"])
        mid = message.pk
        transaction.on_commit(lambda: events.message_changed(mid, "edited"))
    return message


def message_delete(*, message: Message, by: User) -> Message:
    """The author or a channel admin deletes a message; "This message was deleted" stays in
    its place (and its thread, if any, stays readable)."""
    channel = message.channel
    _require_readable(channel, by)
    if message.deleted_at is not None:
        return message
    if not chat_rules.may_delete_message(by, message):
        raise PermissionRefused(_("Only the author or a channel admin can delete a message."))
    attachments = list(message.attachments.all())
    with transaction.atomic():
        message.body, message.body_html, message.deleted_at = "", "", timezone.now()
        message.save(update_fields=["body", "body_html", "deleted_at"])
        MessageAttachment.objects.filter(message=message).delete()
        MessageReaction.objects.filter(message=message).delete()
        mid = message.pk
        uploads.delete_files_on_commit(attachments)
        transaction.on_commit(lambda: events.message_changed(mid, "deleted"))
    return message


def reaction_toggle(*, message: Message, user: User, kind: str) -> tuple[bool, int]:
    """Add the person's reaction of this kind, or take it back; returns (reacted, count of
    this kind on the message)."""
    from hanse.posts.models import ReactionKind

    reader = _require_reader(message.channel, user)
    if kind not in ReactionKind.values:
        raise ServiceError(_("Choose one of the offered reactions."), code="invalid_reaction")
    _require_writer(message.channel, user, reader)
    if message.deleted_at is not None:
        raise ServiceError(_("This message was deleted."), code="deleted")
    with transaction.atomic():
        deleted, _rows = MessageReaction.objects.filter(
            message=message, user=user, kind=kind
        ).delete()
        reacted = not deleted
        if reacted:
            MessageReaction.objects.get_or_create(message=message, user=user, kind=kind)
        count = MessageReaction.objects.filter(message=message, kind=kind).count()
        mid = message.pk
        transaction.on_commit(lambda: events.message_changed(mid, "reactions"))
    return reacted, count


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
