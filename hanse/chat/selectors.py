"""Reads of the chat. Visibility comes from ``Channel.objects.visible_to``,
``Message.objects.visible_to`` and ``MessageAttachment.objects.visible_to`` only; every
list runs a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from hanse.chat.models import (
    Channel,
    ChannelMember,
    ChannelQuerySet,
    Message,
    MessageAttachment,
    MessageQuerySet,
    MessageReaction,
)
from hanse.people.models import User as UserModel

if TYPE_CHECKING:
    from hanse.people.models import User

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SEARCH_PAGE_SIZE = 20


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --- messages ------------------------------------------------------------------------------


def message_queryset() -> MessageQuerySet:
    """The one base queryset of messages as they are shown: author, attachments, reactions."""
    return Message.objects.select_related("author", "channel").prefetch_related(
        Prefetch("attachments", queryset=MessageAttachment.objects.order_by("id")),
        Prefetch("reactions", queryset=MessageReaction.objects.order_by("id")),
    )


def find_channel_for(*, viewer: User, channel_id: int) -> Channel | None:
    """A channel whose messages the person may read, else None (the WebSocket's form).

    One query for the common case, a member sending to their channel: the membership row with
    its channel. The channel's kind then decides as ``visible_to`` would
    (``ChannelQuerySet.decided_by_kind``); only a community channel asks ``visible_to`` itself.
    The membership found is remembered on the channel for this request's services
    (``remember_membership``), so a message sent next does not read it again. (Building the
    ``visible_to`` query alone cost about 1 ms of CPU per chat message.)"""
    if not _active(viewer):
        return None
    member = (
        ChannelMember.objects.select_related("channel", "channel__community")
        .filter(channel_id=channel_id, user=viewer)
        .first()
    )
    channel = (
        member.channel
        if member is not None
        else Channel.objects.select_related("community").filter(pk=channel_id).first()
    )
    if channel is None:
        return None
    decided = ChannelQuerySet.decided_by_kind(channel, viewer, member)
    if decided is None:
        decided = Channel.objects.visible_to(viewer).filter(pk=channel.pk).exists()
    if not decided:
        return None
    remember_membership(channel, viewer, member)
    return channel


# The membership row read with a channel, kept on that Channel object for the request that
# loaded it: (user id, row or None).
_MEMBERSHIP_ATTR = "_hanse_viewer_membership"


def remember_membership(channel: Channel, user: User, member: ChannelMember | None) -> None:
    setattr(channel, _MEMBERSHIP_ATTR, (user.pk, member))


def remembered_membership(channel: Channel, user: User) -> tuple[bool, ChannelMember | None]:
    """(known, row): the person's membership as read with this channel object, if it was."""
    found = getattr(channel, _MEMBERSHIP_ATTR, None)
    if found is None or found[0] != user.pk:
        return False, None
    return True, found[1]


def get_channel_for(*, viewer: User, channel_id: int) -> Channel:
    """A channel whose messages the person may read, else 404."""
    channel = find_channel_for(viewer=viewer, channel_id=channel_id)
    if channel is None:
        raise Http404
    return channel


def find_message_for(*, viewer: User, channel: Channel, message_id: int) -> Message | None:
    """A message of this channel that the person may read, else None."""
    return (
        message_queryset().filter(channel=channel).visible_to(viewer).filter(pk=message_id).first()
    )


def get_message_for(*, viewer: User, channel: Channel, message_id: int) -> Message:
    """A message of this channel that the person may read, else 404."""
    message = find_message_for(viewer=viewer, channel=channel, message_id=message_id)
    if message is None:
        raise Http404
    return message


def get_attachment_for(*, viewer: User | None, attachment_id: int) -> MessageAttachment:
    """A file of a message the person may read (and that is not deleted), else 404: the
    download and thumbnail views serve nothing else."""
    attachment = MessageAttachment.objects.visible_to(viewer).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment


def membership_of(*, channel: Channel, user: User) -> ChannelMember | None:
    return ChannelMember.objects.filter(channel=channel, user=user).first()


@dataclass
class HistoryPage:
    messages: list[Message]
    has_older: bool
    has_newer: bool

    @property
    def oldest_id(self) -> int | None:
        return self.messages[0].pk if self.messages else None

    @property
    def newest_id(self) -> int | None:
        return self.messages[-1].pk if self.messages else None


def history(
    *,
    channel: Channel,
    viewer: User,
    before: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
) -> HistoryPage:
    """A window of a channel's messages (threads excluded), oldest first: the newest ones,
    those older than ``before`` or those newer than ``after`` (keyset by id)."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    base = message_queryset().visible_to(viewer).filter(channel=channel, parent__isnull=True)
    if after is not None:
        rows = list(base.filter(pk__gt=after).order_by("id")[: limit + 1])
        has_newer = len(rows) > limit
        return HistoryPage(rows[:limit], has_older=True, has_newer=has_newer)
    if before is not None:
        base = base.filter(pk__lt=before)
    rows = list(base.order_by("-id")[: limit + 1])
    has_older = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    return HistoryPage(rows, has_older=has_older, has_newer=before is not None)


def thread(*, root: Message, viewer: User) -> list[Message]:
    """The replies to a message, oldest first."""
    return list(message_queryset().visible_to(viewer).filter(parent=root).order_by("id"))


def first_unread_id(*, channel: Channel, viewer: User, last_read_id: int) -> int | None:
    """The oldest message after the read cursor that someone else wrote (threads excluded)."""
    return (
        Message.objects.filter(
            channel=channel, parent__isnull=True, deleted_at__isnull=True, pk__gt=last_read_id
        )
        .exclude(author=viewer)
        .order_by("id")
        .values_list("pk", flat=True)
        .first()
    )


def search(*, channel: Channel, viewer: User, q: str) -> QuerySet[Message]:
    """Messages of the channel (threads included) whose text contains ``q``, newest first."""
    q = (q or "").strip()
    if not q:
        return Message.objects.none()
    return (
        message_queryset()
        .visible_to(viewer)
        .filter(channel=channel, deleted_at__isnull=True, body__icontains=q)
        .order_by("-id")
    )


# --- unread --------------------------------------------------------------------------------


def _unread_subquery(user: User) -> Subquery:
    unread = (
        Message.objects.filter(
            channel=OuterRef("channel_id"),
            parent__isnull=True,
            deleted_at__isnull=True,
            pk__gt=OuterRef("last_read_id"),
        )
        .exclude(author=user)
        .order_by()
        .values("channel")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Subquery(unread, output_field=IntegerField())


def global_unread_count(*, user: User) -> int:
    """Unread messages in all the person's conversations that are not muted: one query."""
    if not _active(user):
        return 0
    return (
        Message.objects.filter(
            channel__members__user=user,
            channel__members__muted=False,
            # The same join as channel__members__user: one membership row per message.
            pk__gt=F("channel__members__last_read_id"),
            parent__isnull=True,
            deleted_at__isnull=True,
            channel__in=Channel.objects.visible_to(user).values("id"),
        )
        .exclude(author=user)
        .count()
    )


@dataclass
class SidebarEntry:
    channel: Channel
    member: ChannelMember
    unread: int
    title: str
    people: list[Any] = field(default_factory=list)

    @property
    def muted(self) -> bool:
        return self.member.muted


@dataclass
class Sidebar:
    channels: list[SidebarEntry]
    communities: list[SidebarEntry]
    direct: list[SidebarEntry]

    @property
    def total_unread(self) -> int:
        return sum(
            e.unread
            for g in (self.channels, self.communities, self.direct)
            for e in g
            if not e.muted
        )

    def entries(self) -> list[SidebarEntry]:
        return [*self.channels, *self.communities, *self.direct]


def dm_title(people: list[Any]) -> str:
    from django.utils.translation import gettext as _g

    if not people:
        return _g("Notes to yourself")
    return ", ".join(p.display_name for p in people)


def sidebar(*, user: User) -> Sidebar:
    """The person's conversations grouped for the sidebar, with unread counts: two queries
    (memberships with counts, then the people of direct messages)."""
    members = list(
        ChannelMember.objects.filter(
            user=user, channel__in=Channel.objects.visible_to(user).values("id")
        )
        .select_related("channel", "channel__community")
        .annotate(unread=Coalesce(_unread_subquery(user), 0))
        .order_by("channel__name", "-channel__last_message_id")
    )
    dm_ids = [
        m.channel_id for m in members if m.channel.kind in (Channel.Kind.DIRECT, Channel.Kind.GROUP)
    ]
    people: dict[int, list[Any]] = defaultdict(list)
    if dm_ids:
        for other in (
            ChannelMember.objects.filter(channel_id__in=dm_ids)
            .exclude(user=user)
            .select_related("user")
            .order_by("user__first_name", "user__last_name")
        ):
            people[other.channel_id].append(other.user)
    result = Sidebar([], [], [])
    for m in members:
        channel = m.channel
        if channel.kind in (Channel.Kind.DIRECT, Channel.Kind.GROUP):
            ps = people[channel.pk]
            entry = SidebarEntry(channel, m, m.unread, dm_title(ps), ps)
            result.direct.append(entry)
        elif channel.kind == Channel.Kind.COMMUNITY:
            result.communities.append(SidebarEntry(channel, m, m.unread, channel.name))
        else:
            result.channels.append(SidebarEntry(channel, m, m.unread, channel.name))
    result.direct.sort(key=lambda e: -(e.channel.last_message_id or 0))
    return result


def channel_title(*, channel: Channel, viewer: User) -> str:
    """A channel's name, or for a direct message the other people's names."""
    if channel.kind not in (Channel.Kind.DIRECT, Channel.Kind.GROUP):
        return channel.name
    others = [
        m.user
        for m in ChannelMember.objects.filter(channel=channel)
        .exclude(user=viewer)
        .select_related("user")
        .order_by("user__first_name")
    ]
    return dm_title(others)


# --- channels ------------------------------------------------------------------------------


def browse(*, viewer: User, q: str = "") -> QuerySet[Channel]:
    """Public channels and the channels of communities the person may read, with member
    counts and whether the person is in them."""
    mine = ChannelMember.objects.filter(channel=OuterRef("pk"), user=viewer)
    qs = (
        Channel.objects.visible_to(viewer)
        .filter(
            Q(kind=Channel.Kind.PUBLIC) | Q(kind=Channel.Kind.COMMUNITY),
            archived_at__isnull=True,
        )
        .select_related("community")
        .annotate(member_count=Count("members", distinct=True), joined=Exists(mine))
        .order_by("kind", "name")
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(topic__icontains=q))
    return qs


def members_of(*, channel: Channel) -> QuerySet[ChannelMember]:
    return (
        ChannelMember.objects.filter(channel=channel)
        .select_related("user")
        .order_by("-role", "user__first_name", "user__last_name")
    )


def people_search(*, viewer: User, q: str, limit: int = 20) -> list[Any]:
    """Active people by name or username, for the direct-message picker and invitations."""

    q = (q or "").strip()
    qs = UserModel.objects.filter(is_active=True).exclude(pk=viewer.pk)
    if q:
        for word in q.split()[:4]:
            qs = qs.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
            )
    return list(qs.order_by("first_name", "last_name")[:limit])
