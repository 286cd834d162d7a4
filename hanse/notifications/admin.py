"""Administration of notifications: for looking into delivery, never into what people wrote.

There is no administrator exception for private chat and direct messages, in the admin
either: notifications about private conversations are not listed at all (the list would tell
who writes to whom), and no notification's ``data`` is shown, as it may carry an excerpt.
Notifications are read-only here; they are written by ``notify()`` alone.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from hanse.notifications import registry
from hanse.notifications.models import (
    CommunityNotificationSetting,
    DeliverySettings,
    Notification,
    NotificationPreference,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "recipient", "type", "actor", "count", "updated_at", "read_at"]
    list_filter = ["type", "email_state", "push_state"]
    search_fields = ["recipient__username", "type"]
    date_hierarchy = "created_at"
    # Everything but ``data`` (excerpts of messages live there).
    fields = [
        "recipient",
        "type",
        "actor",
        "count",
        "post",
        "comment",
        "community",
        "target_ct",
        "target_id",
        "in_app",
        "created_at",
        "updated_at",
        "read_at",
        "email_state",
        "emailed_at",
        "push_state",
        "pushed_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notification]:
        # Changelist, search, filters and the change page all start here.
        return (
            super()
            .get_queryset(request)
            .exclude(type__in=registry.private_conversation_keys())
            .select_related("recipient", "actor")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "channel", "enabled"]
    raw_id_fields = ["user"]


@admin.register(DeliverySettings)
class DeliverySettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "email_frequency", "quiet_hours_start", "quiet_hours_end", "timezone"]
    raw_id_fields = ["user"]


@admin.register(CommunityNotificationSetting)
class CommunityNotificationSettingAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "level"]
    raw_id_fields = ["user", "community"]
