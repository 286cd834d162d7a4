"""Retention of chat messages (hanse/core/retention.py), registered from ChatConfig.ready().
A thread goes as a whole: its first message stays while any reply is newer than the cut-off."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hanse.chat.models import Message
from hanse.chat.services import messages_purge
from hanse.core import retention


def _expired(cutoff: datetime) -> models.QuerySet[Message]:
    newer_replies = Message.objects.filter(parent=models.OuterRef("pk"), created_at__gte=cutoff)
    return Message.objects.filter(created_at__lt=cutoff).exclude(models.Exists(newer_replies))


def register() -> None:
    retention.register(
        retention.RetentionPolicy(
            key="chat",
            label=_("Chat messages"),
            setting="RETENTION_CHAT_DAYS",
            days=lambda: settings.RETENTION_CHAT_DAYS,
            expired=_expired,
            delete=lambda ids: messages_purge(ids=ids),
            order=10,
        )
    )
