"""What notifications store about a person: the notifications they received (type, times and
state; not who caused them, nor the text of others' content) and their preferences."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.notifications.models import (
    CommunityNotificationSetting,
    DeliverySettings,
    Notification,
    NotificationPreference,
    PushSubscription,
)

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    records += rows(
        Notification.objects.filter(recipient=user).order_by("created_at"),
        "id",
        "type",
        "post_id",
        "comment_id",
        "community_id",
        "target_id",
        "count",
        "created_at",
        "updated_at",
        "read_at",
        "email_state",
        "emailed_at",
        "push_state",
        "pushed_at",
        kind="notification",
    )
    records += rows(
        NotificationPreference.objects.filter(user=user).order_by("type", "channel"),
        "type",
        "channel",
        "enabled",
        kind="preference",
    )
    records += rows(
        DeliverySettings.objects.filter(user=user),
        "email_frequency",
        "quiet_hours_start",
        "quiet_hours_end",
        "timezone",
        "updated_at",
        kind="delivery_settings",
    )
    records += rows(
        CommunityNotificationSetting.objects.filter(user=user),
        "community__name",
        "level",
        "updated_at",
        kind="community_setting",
    )
    records += rows(
        PushSubscription.objects.filter(user=user),
        "user_agent",
        "created_at",
        "last_pushed_at",
        kind="push_subscription",
    )
    return personal_data.Export(records)


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Notifications one received go with the account; those one caused go too (for everyone
    who received them), and so does any whose stored data names the person."""
    named = Q(actor=user) | Q(actors=user)
    for needle in erasure.needles:
        named |= Q(data__icontains=needle)
    ids = list(Notification.objects.filter(named).values_list("pk", flat=True).distinct())
    return {"notifications_caused": Notification.objects.filter(pk__in=ids).delete()[0]}


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="notifications",
            label=_("Notifications"),
            description=_(
                "Notifications you received (type, time, state; who caused them is left "
                "out), your notification preferences and the devices that receive push."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_(
                    "Notifications the person received go with the account; those the person "
                    "caused are deleted for everyone who received them, and so is any whose "
                    "stored text names them."
                ),
            ),
            order=50,
        )
    )
