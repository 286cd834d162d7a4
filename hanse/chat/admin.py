"""Administration of chat channels. Message bodies never appear here: private conversations
are not moderation material (data protection), so lists show counts only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hanse.chat.models import Channel, ChannelMember


def _members_only(channel: Channel | None) -> bool:
    """Whether membership is what lets a person read the channel (no admin exception)."""
    return channel is not None and channel.kind in CLOSED_KINDS


# Kinds read by their members alone. Community channels follow their community, public ones
# are open to everyone, so editing who is in those grants nobody anything.
CLOSED_KINDS = (Channel.Kind.PRIVATE, Channel.Kind.DIRECT, Channel.Kind.GROUP)


class ChannelMemberInline(admin.TabularInline):
    """Who is in a channel. Read-only for private channels: adding oneself here would give an
    administrator the whole history unnoticed, which the chat refuses them."""

    model = ChannelMember
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _members_only(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _members_only(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _members_only(obj) and super().has_delete_permission(request, obj)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "community",
        "members_count",
        "messages_count",
        "created_at",
        "last_message_at",
        "archived_at",
    ]
    list_filter = ["kind", "archived_at"]
    search_fields = ["name", "slug", "topic"]
    readonly_fields = [
        "kind",
        "dm_key",
        "created_by",
        "created_at",
        "last_message_at",
        "last_message_id",
    ]
    fields = [
        "kind",
        "name",
        "slug",
        "topic",
        "community",
        "archived_at",
        "dm_key",
        "created_by",
        "created_at",
        "last_message_at",
        "last_message_id",
    ]
    raw_id_fields = ["community"]
    inlines = [ChannelMemberInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Channel]:
        return (
            super()
            .get_queryset(request)
            .select_related("community")
            .annotate(
                n_members=Count("members", distinct=True),
                n_messages=Count("messages", distinct=True),
            )
        )

    @admin.display(description=_("members"), ordering="n_members")
    def members_count(self, obj: Channel) -> int:
        return int(getattr(obj, "n_members", 0))

    @admin.display(description=_("messages"), ordering="n_messages")
    def messages_count(self, obj: Channel) -> int:
        return int(getattr(obj, "n_messages", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Channels are created by people in the chat; direct messages must not be forged.
        return False

    def get_inlines(self, request: HttpRequest, obj: Channel | None = None) -> list[Any]:
        # Who talks to whom in a direct message is private too.
        if obj is not None and obj.kind in (Channel.Kind.DIRECT, Channel.Kind.GROUP):
            return []
        return list(self.inlines)
