"""Chat: channels (public, private, of a community), direct messages, threads, read cursors."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core import moderation
from hanse.people.guests import is_guest

if TYPE_CHECKING:
    from hanse.people.models import User

MAX_MESSAGE_CHARS = 8000
MAX_GROUP_DM_MEMBERS = 15


class ChannelQuerySet(models.QuerySet["Channel"]):
    def visible_to(self, user: User | None) -> ChannelQuerySet:
        """The one home of "may this person see this channel and read its messages": public
        channels (archived ones too), community channels of communities whose content they
        may read, every other channel they are a member of. Private channels and direct
        messages: members only. No administrator exception: private conversations are not
        moderation material."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()

        member = ChannelMember.objects.filter(channel=OuterRef("pk"), user=user)
        readable_communities = Community.objects.content_visible_to(user).values("id")
        if is_guest(user):
            # Guests: the channels they were invited into and their communities' channels.
            return self.filter(
                Q(kind=Channel.Kind.COMMUNITY, community_id__in=readable_communities)
                | (~Q(kind=Channel.Kind.COMMUNITY) & Exists(member))
            )
        # A community channel follows its community: a member row left behind by someone
        # who has since left a private community must not keep its messages readable.
        return self.filter(
            Q(kind=Channel.Kind.PUBLIC)
            | Q(kind=Channel.Kind.COMMUNITY, community_id__in=readable_communities)
            | (~Q(kind=Channel.Kind.COMMUNITY) & Exists(member))
        )

    def readable_by(self, user: User | None) -> ChannelQuerySet:
        """The same rule as ``visible_to``: knowing that a channel exists and reading its
        messages go together (lists that hide archived channels filter them themselves)."""
        return self.visible_to(user)

    @staticmethod
    def decided_by_kind(channel: Channel, user: User, member: ChannelMember | None) -> bool | None:
        """``visible_to``'s answer for one channel loaded with the person's membership row
        (None: not a member), where the channel's kind decides without a query: public
        channels are readable by every active employee, private channels and direct messages
        by their members. None for a community channel: its community decides (ask
        ``visible_to``)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if channel.kind == Channel.Kind.PUBLIC:
            return member is not None if is_guest(user) else True
        if channel.kind == Channel.Kind.COMMUNITY:
            return None
        return member is not None

    @staticmethod
    def member_may_read(channel: Channel, user: User) -> bool:
        """Whether being a member is enough to read ``channel`` (the last branch of
        visible_to): for every kind but community channels, which follow their community.
        A writer check that has already found the person's membership needs no visible_to
        query then (hanse/chat/services/access.py ``require_reader``)."""
        return bool(
            user is not None
            and user.is_authenticated
            and user.is_active
            and channel.kind != Channel.Kind.COMMUNITY
        )


class Channel(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public channel")
        PRIVATE = "private", _("Private channel")
        COMMUNITY = "community", _("Community channel")
        DIRECT = "direct", _("Direct message")
        GROUP = "group", _("Group message")

    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    name = models.CharField(_("name"), max_length=80, blank=True)
    slug = models.SlugField(max_length=80, blank=True, verbose_name=_("address"))
    topic = models.CharField(_("topic"), max_length=250, blank=True)
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_channels",
        verbose_name=_("community"),
    )
    # For direct messages: the two user ids "12:34" (smaller first), so one pair has one channel.
    dm_key = models.CharField(
        max_length=40, null=True, blank=True, unique=True, verbose_name=_("direct message key")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    archived_at = models.DateTimeField(null=True, blank=True, verbose_name=_("archived at"))
    last_message_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last message at"))
    last_message_id = models.BigIntegerField(
        null=True, blank=True, verbose_name=_("last message id")
    )

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(kind__in=["public", "private", "community"]),
                name="chat_channel_slug_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.pk}"


class ChannelMember(models.Model):
    """Membership with the read cursor: the id of the newest message the person has seen."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Channel admin")
        MEMBER = "member", _("Member")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chat_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(
        max_length=10, choices=Role.choices, default=Role.MEMBER, verbose_name=_("role")
    )
    last_read_id = models.BigIntegerField(default=0)
    muted = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now, verbose_name=_("joined at"))

    class Meta:
        verbose_name = _("channel member")
        verbose_name_plural = _("channel members")
        constraints = [
            models.UniqueConstraint(fields=["channel", "user"], name="chat_member_unique")
        ]
        indexes = [models.Index(fields=["user", "channel"], name="chat_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.channel_id}"


class MessageQuerySet(models.QuerySet["Message"]):
    def visible_to(self, user: User | None) -> MessageQuerySet:
        """The one home of "may this person read this message": its channel is readable."""
        readable = self.filter(channel__in=Channel.objects.visible_to(user).values("id"))
        # Messages moderation hid (hanse/core/moderation.py).
        return moderation.exclude_hidden(readable, "chat_message", user)


class Message(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A reply in a thread points to the thread's first message (one level).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=MAX_MESSAGE_CHARS)
    body_html = models.TextField(default="", editable=False)
    # Chosen by the sending client; a resend after a lost acknowledgement finds the stored
    # message instead of storing it twice.
    client_id = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    reply_count = models.PositiveIntegerField(default=0)
    last_reply_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        indexes = [
            # History and catch-up page by id within a channel.
            models.Index(fields=["channel", "id"], name="chat_message_channel_idx"),
            models.Index(fields=["parent", "id"], name="chat_message_thread_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"], name="chat_message_client_id_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}/{self.pk}: {self.body[:40]}"


class MessageReaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)  # hanse.posts.models.ReactionKind values
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message reaction")
        verbose_name_plural = _("message reactions")
        constraints = [
            models.UniqueConstraint(fields=["message", "user", "kind"], name="chat_reaction_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.message_id}"


def _chat_file_path(instance: MessageAttachment, filename: str) -> str:
    # A random name, like post attachments: the path says nothing about channel or person.
    return f"chat/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def _chat_thumb_path(instance: MessageAttachment, filename: str) -> str:
    return f"chat/thumbs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.webp"


class MessageAttachmentQuerySet(models.QuerySet["MessageAttachment"]):
    def visible_to(self, user: User | None) -> MessageAttachmentQuerySet:
        """The one home of "may this person download this chat file": its message is
        readable (``Message.objects.visible_to``) and not deleted."""
        readable = Message.objects.visible_to(user).filter(deleted_at__isnull=True)
        return self.filter(message__in=readable.values("id"))


class MessageAttachment(models.Model):
    """A file in a chat message; validated and stored like post attachments, served through
    chat's own permission-checked view."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=8)  # image | file
    file = models.FileField(upload_to=_chat_file_path, max_length=255)
    thumbnail = models.FileField(upload_to=_chat_thumb_path, max_length=255, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    objects = MessageAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("chat file")
        verbose_name_plural = _("chat files")

    def __str__(self) -> str:
        return self.original_name
