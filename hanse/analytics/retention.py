"""Retention of raw interaction edges (hanse/core/retention.py), registered from ready().

The period is the one the analytics administrator sets on the analytics settings (changed with
a reason in the audit log), not an environment variable: one source of truth. The daily
analytics run (hanse/analytics/tasks.py) expires edges on its own as before, because that
deletion is part of what analytics promise the staff council; this policy shows them in the
preview and deletes them in batches when confirmed. Either way a period is folded into its
aggregates before its edges go, and the cut-off moves back to a week's and month's start."""

from __future__ import annotations

from datetime import date, datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.analytics import services
from hanse.analytics.models import InteractionEdge
from hanse.analytics.periods import month_start, week_start
from hanse.core import retention


def _horizon(cutoff: datetime) -> date:
    day = timezone.localdate(cutoff)
    return min(week_start(day), month_start(day))


def _expired(cutoff: datetime) -> models.QuerySet[InteractionEdge]:
    return InteractionEdge.objects.filter(day__lt=_horizon(cutoff))


def _delete(ids: list[int]) -> int:
    horizon = services.retention_horizon()
    services.edges_fold(horizon)
    with transaction.atomic():
        deleted, _rows = InteractionEdge.objects.filter(pk__in=ids, day__lt=horizon).delete()
        services.state_expire(horizon)
    return deleted


def register() -> None:
    retention.register(
        retention.RetentionPolicy(
            key="analytics_edges",
            label=_("Raw analytics interactions"),
            setting="analytics settings: retention_days",
            days=lambda: services.current().retention_days,
            expired=_expired,
            delete=_delete,
            batch_size=5000,
            order=30,
        )
    )
