"""Administration of notifications: for looking into delivery, never into what people wrote.

There is no administrator exception for private chat and direct messages, in the admin
either: notifications about private conversations are not listed at all (the list would tell
who writes to whom), and no notification's ``data`` is shown, as it may carry an excerpt.
Notifications are read-only here; they are written by ``notify()`` alone.

Failures are visible here: e-mails that ended ``unknown`` (interrupted while being handed to
the mail server) or ``gave_up`` (every attempt failed), and notifications whose push failed
for good (filter "push: failed for good"). The action "Send again" sends them once more on
purpose; who did it is kept in the admin's history of the row.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.notifications import registry
from hanse.notifications.delivery import RESENDABLE, email_delivery_resend, push_resend
from hanse.notifications.models import (
    CommunityNotificationSetting,
    DeliverySettings,
    DeliveryState,
    EmailDelivery,
    Notification,
    NotificationPreference,
)

SENT_AGAIN = "Sent again on purpose."


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

    actions = ["send_push_again"]

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("notifications.change_emaildelivery"))

    @admin.action(description=_("Send again"), permissions=["resend"])
    def send_push_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        """Push the selected notifications whose push failed for good once more."""
        failed = list(queryset.filter(push_state=DeliveryState.FAILED))
        count = push_resend(notification_ids=[n.pk for n in failed], by=request.user)
        for notification in failed:
            self.log_change(request, notification, SENT_AGAIN)
        _tell(request, count)


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


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    """Every e-mail's fate; filter by state for those that ended unknown or failed for good."""

    list_display = ["key", "user", "kind", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["key", "user__username"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user", "notification"]
    readonly_fields = [
        "key",
        "user",
        "kind",
        "notification",
        "state",
        "attempts",
        "message_id",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
    ]
    exclude = ["notification_ids"]
    actions = ["send_again"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EmailDelivery]:
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Send again"), permissions=["change"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[EmailDelivery]) -> None:
        """Send the selected e-mails that ended unknown or failed for good once more."""
        count = 0
        for delivery in queryset.filter(state__in=RESENDABLE):
            if email_delivery_resend(delivery=delivery, by=request.user):
                self.log_change(request, delivery, SENT_AGAIN)
                count += 1
        _tell(request, count)


def _tell(request: HttpRequest, count: int) -> None:
    if count:
        text = ngettext("%(count)d is sent again.", "%(count)d are sent again.", count)
        messages.success(request, text % {"count": count})
    else:
        messages.warning(
            request, _("None of the selected can be sent again (sent, or not failed).")
        )
