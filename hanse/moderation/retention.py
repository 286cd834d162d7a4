"""Retention of removed content (hanse/core/retention.py), registered from ready().

A *removed* object is kept for moderation (restorable, docs/moderation.md) until its removal
is older than RETENTION_REMOVED_CONTENT_DAYS; then the object goes through its type's own
purge (files, index, caches) and its ``Hiding`` row with it. The decisions and the audit log
keep the record that it was removed. Types without a purge keep their removed objects.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from hanse.core import moderation, retention
from hanse.moderation.models import Hiding


def _purgeable() -> list[str]:
    return [t.key for t in moderation.all_types() if t.purge is not None]


def _expired(cutoff: datetime) -> models.QuerySet[Hiding]:
    return Hiding.objects.filter(state=Hiding.State.REMOVED, at__lt=cutoff, kind__in=_purgeable())


def _delete(ids: list[int]) -> int:
    deleted = 0
    with transaction.atomic():
        for hiding in Hiding.objects.select_for_update().filter(
            pk__in=ids, state=Hiding.State.REMOVED
        ):
            mtype = moderation.get(hiding.kind)
            if mtype is None or mtype.purge is None:
                continue
            obj = mtype.model._default_manager.filter(pk=hiding.object_id).first()
            if obj is not None:
                mtype.purge(obj)
            hiding.delete()
            deleted += 1
    return deleted


def register() -> None:
    retention.register(
        retention.RetentionPolicy(
            key="removed_content",
            label=_("Content removed by moderation"),
            setting="RETENTION_REMOVED_CONTENT_DAYS",
            days=lambda: settings.RETENTION_REMOVED_CONTENT_DAYS,
            expired=_expired,
            delete=_delete,
            batch_size=100,
            order=40,
        )
    )
