"""Retention of read notifications (hanse/core/retention.py), registered from ready().
Unread notifications are kept whatever their age: nobody has seen them yet."""

from __future__ import annotations

from datetime import datetime

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from hanse.core import retention
from hanse.notifications.maintenance import retention_days
from hanse.notifications.models import Notification


def _expired(cutoff: datetime) -> models.QuerySet[Notification]:
    return Notification.objects.filter(read_at__isnull=False, updated_at__lt=cutoff)


def _delete(ids: list[int]) -> int:
    # Only read ones: the unread counts and their caches do not change.
    with transaction.atomic():
        deleted, _rows = Notification.objects.filter(pk__in=ids, read_at__isnull=False).delete()
    return deleted


def register() -> None:
    retention.register(
        retention.RetentionPolicy(
            key="notifications",
            label=_("Read notifications"),
            setting="RETENTION_NOTIFICATIONS_DAYS",
            days=retention_days,
            expired=_expired,
            delete=_delete,
            batch_size=2000,
            order=20,
        )
    )
