from django.contrib import admin

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
    raw_id_fields = ["recipient", "actor", "post", "comment", "community"]
    search_fields = ["recipient__username", "type"]
    date_hierarchy = "created_at"


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
