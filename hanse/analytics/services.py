"""Switching network analytics on and off, raising the minimum group, retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.analytics.models import (
    Aggregate,
    AnalyticsSettings,
    EdgeDay,
    InteractionEdge,
    MissedSearch,
    PeriodState,
)
from hanse.analytics.periods import month_start, period_end, periods_touching, week_start
from hanse.analytics.rules import may_manage_analytics
from hanse.audit.services import record
from hanse.core.errors import PermissionRefused, ServiceError

MAX_MIN_GROUP = 100


def current() -> AnalyticsSettings:
    return AnalyticsSettings.objects.get_or_create(pk=1)[0]


def analytics_enable(
    *, by: Any, reason: str, min_group: int | None = None, request: HttpRequest | None = None
) -> AnalyticsSettings:
    """Switch analytics on with a recorded reason (e.g. the staff council agreement)."""
    if not may_manage_analytics(by):
        raise PermissionRefused(_("Only administrators can switch analytics on."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ServiceError(
            _("Give the reason, for example the staff council agreement's reference."),
            code="reason_required",
        )
    if len(reason) > 300:
        raise ServiceError(_("The reason may have at most 300 characters."), code="too_long")
    with transaction.atomic():
        row = AnalyticsSettings.objects.select_for_update().get_or_create(pk=1)[0]
        raised = min_group is not None and min_group != row.min_group
        if min_group is not None:
            _check_min_group(row, min_group)
            row.min_group = min_group
        row.enabled = True
        row.reason = reason
        row.changed_at = timezone.now()
        row.changed_by = by
        row.save()
        record(
            "analytics.enabled",
            actor=by,
            request=request,
            target=row,
            data={"reason": reason, "min_group": row.min_group},
        )
        if raised:
            _resuppress(row.min_group)
    return row


def analytics_disable(*, by: Any, request: HttpRequest | None = None) -> AnalyticsSettings:
    """Switch analytics off: nothing more is recorded or computed."""
    if not may_manage_analytics(by):
        raise PermissionRefused(_("Only administrators can switch analytics off."))
    with transaction.atomic():
        row = AnalyticsSettings.objects.select_for_update().get_or_create(pk=1)[0]
        row.enabled = False
        row.changed_at = timezone.now()
        row.changed_by = by
        row.save(update_fields=["enabled", "changed_at", "changed_by"])
        record("analytics.disabled", actor=by, request=request, target=row)
    return row


def _check_min_group(row: AnalyticsSettings, value: int) -> None:
    if value < row.min_group:
        raise ServiceError(
            _("The minimum group can only be raised (it is %(n)d).") % {"n": row.min_group},
            code="min_group_lowered",
        )
    if value > MAX_MIN_GROUP:
        raise ServiceError(
            _("The minimum group may be at most %(n)d.") % {"n": MAX_MIN_GROUP},
            code="min_group_too_big",
        )


def min_group_raise(
    *, by: Any, value: int, request: HttpRequest | None = None
) -> AnalyticsSettings:
    """Raise the minimum group size (never lower: published figures must stay safe)."""
    if not may_manage_analytics(by):
        raise PermissionRefused(_("Only administrators can change the minimum group."))
    with transaction.atomic():
        row = AnalyticsSettings.objects.select_for_update().get_or_create(pk=1)[0]
        _check_min_group(row, value)
        row.min_group = value
        row.save(update_fields=["min_group"])
        record("analytics.min_group", actor=by, request=request, target=row, data={"n": value})
        _resuppress(value)
    return row


def _resuppress(min_group: int) -> None:
    """Withhold, in the same transaction, what the raised minimum group no longer allows."""
    from hanse.analytics.compute import refresh_all_suppression  # reads every content app

    refresh_all_suppression(min_group=min_group)


def retention_horizon(today: Any = None) -> Any:
    """The first day whose raw edges are kept: the retention's cut-off moved back to the start
    of its week and month, so that no period is ever half deleted (and later recomputed with
    half its edges)."""
    row = current()
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=row.retention_days)
    return min(week_start(cutoff), month_start(cutoff))


def edges_expire(*, today: Any = None) -> int:
    """Fold raw edges older than the retention into aggregates, then delete them: a period
    wholly before the horizon without aggregates is computed first."""
    horizon = retention_horizon(today)
    missed_searches_expire(horizon)
    if not edges_fold(horizon):
        state_expire(horizon)
        return 0
    deleted, _ = InteractionEdge.objects.filter(day__lt=horizon).delete()
    state_expire(horizon)
    return deleted


def state_expire(horizon: Any) -> None:
    """What the daily computation keeps about days and periods before the horizon goes with
    their raw edges (hanse/analytics/state.py)."""
    EdgeDay.objects.filter(day__lt=horizon).delete()
    PeriodState.objects.filter(start__lt=horizon).delete()


def missed_searches_expire(horizon: Any) -> int:
    """Searches without results of months wholly before the horizon: folded into their
    month's aggregates (computed first if it has none), then deleted."""
    from hanse.analytics.compute import compute_period  # reads every content app

    old = MissedSearch.objects.filter(month__lt=month_start(horizon))
    for month in old.values_list("month", flat=True).distinct():
        if not Aggregate.objects.filter(period="month", start=month).exists():
            compute_period("month", month, min_group=current().min_group)
    deleted, _ = old.delete()
    return deleted


def edges_fold(horizon: Any) -> bool:
    """Compute the aggregates of every period wholly before the horizon that has none yet;
    False when no edge is older than the horizon."""
    # Imported here: compute reads every content app; services are imported by views early.
    from hanse.analytics.compute import compute_period

    oldest = InteractionEdge.objects.filter(day__lt=horizon).order_by("day").first()
    if oldest is None:
        return False
    row = current()
    for period, start in periods_touching(oldest.day, horizon - timedelta(days=1)):
        if period_end(period, start) > horizon:
            continue
        if not Aggregate.objects.filter(period=period, start=start).exists():
            compute_period(period, start, min_group=row.min_group)
    return True
