"""Retention policies: what Hanse deletes after a period, registered by the apps that own it.

Like the searchable and moderatable types, this is machinery only: it imports no app. Each app
declares its policies in ``<app>/retention.py`` and registers them from ``AppConfig.ready()``::

    from hanse.core import retention

    retention.register(retention.RetentionPolicy(
        key="chat",
        label=_("Chat messages"),
        setting="RETENTION_CHAT_DAYS",
        days=lambda: settings.RETENTION_CHAT_DAYS,      # 0 = keep forever
        expired=lambda cutoff: Message.objects.filter(created_at__lt=cutoff),
        delete=_delete_messages,                        # (ids) -> how many were deleted
    ))

``expired(cutoff)`` is the queryset of what is older than the cut-off (the preview counts it);
``delete(ids)`` deletes one batch of those ids for good, in one short transaction, with their
files, index entries and caches (the app's own delete code). The runner, the confirmation
gate and the scheduled job live in :mod:`hanse.core.retention_runs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.utils.functional import Promise


class RetentionRefused(Exception):  # a refusal, not a bug
    """The database refused the deletion (the audit log on PostgreSQL): say why, go on."""


@dataclass(frozen=True)
class RetentionPolicy:
    key: str
    label: str | Promise
    # Where the period is set (an environment variable, or a page): shown with the preview.
    setting: str
    # The period in days; 0 keeps everything forever.
    days: Callable[[], int]
    # What is older than the cut-off (a datetime): counted by the preview, deleted in batches.
    expired: Callable[[datetime], models.QuerySet[Any]]
    # Deletes one batch of ids from ``expired`` completely; returns how many it deleted.
    delete: Callable[[list[int]], int]
    batch_size: int = 500
    order: int = 100


_policies: dict[str, RetentionPolicy] = {}


def register(policy: RetentionPolicy) -> None:
    """Register a policy; registering the same key again replaces it (autoreload, tests)."""
    _policies[policy.key] = policy


def get(key: str) -> RetentionPolicy | None:
    return _policies.get(key)


def all_policies() -> list[RetentionPolicy]:
    return sorted(_policies.values(), key=lambda p: (p.order, p.key))


def cutoff_for(policy: RetentionPolicy, now: datetime) -> datetime | None:
    """What is older than this goes; None when the type is kept forever."""
    days = int(policy.days())
    return None if days <= 0 else now - timedelta(days=days)
