"""The daily computation: the periods with days completed since the last run (incrementally)
and those that got interactions late (in full), the adoption figure of the periods after a
late day, then the retention."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from hanse.analytics import services, state
from hanse.analytics.compute import compute_period, refresh_adoption
from hanse.analytics.models import LateDay, PeriodState
from hanse.analytics.org import load_org
from hanse.analytics.periods import month_start, periods_touching, week_start
from hanse.analytics.recording import is_enabled


def periods_due(today: date, late: set[date]) -> list[tuple[str, date]]:
    """The weeks and months to compute today: every one with a day from the last run's
    watermark (the latest day a period was computed up to) to yesterday (only yesterday's
    on the first run), and the week and month of each day that got interactions late, as
    long as their raw edges are kept. Complete periods computed before are not computed again
    (after a late day only their adoption figure is brought up to date: run_daily)."""
    yesterday = today - timedelta(days=1)
    watermark = PeriodState.objects.aggregate(last=Max("through"))["last"]
    first = min(watermark, yesterday) if watermark else yesterday
    horizon = services.retention_horizon(today)
    due = set(periods_touching(max(first, horizon), yesterday))
    for day in late:
        if horizon <= day < today:
            due |= {("week", week_start(day)), ("month", month_start(day))}
    return sorted(due, key=lambda p: (p[1], p[0] == "month"))


def run_daily(today: date | None = None) -> int:
    """Compute the periods due (see periods_due): from the state kept since the last run,
    adding only the days since, or in full where interactions came late; after a late day
    bring the adoption figure of the computed periods after it up to date (only that figure:
    compute.refresh_adoption). Fold and delete
    expired edges. Does nothing while analytics are off. Returns how many aggregate rows
    were written."""
    if not is_enabled():
        return 0
    today = today or timezone.localdate()
    marks = list(LateDay.objects.values_list("id", "day"))
    late = {day for _pk, day in marks}
    # The late days are read from their edges again (who was active, adoption).
    state.forget_days(late)
    settings_row = services.current()
    org = load_org()
    written = 0
    pairs: state.PairCache = {}
    due = periods_due(today, late)
    for period, start in due:
        written += compute_period(
            period,
            start,
            min_group=settings_row.min_group,
            org=org,
            today=today,
            incremental=True,
            late=late,
            pairs=pairs,
        )
    # Someone's first interaction may be among the late ones: the adoption figure of every
    # period after the earliest late day (not only of its week and month) changes with it.
    horizon = services.retention_horizon(today)
    counted = [day for day in late if horizon <= day < today]
    if counted:
        written += refresh_adoption(
            min(counted), today, min_group=settings_row.min_group, org=org, skip=set(due)
        )
    # Only the marks read: one recorded meanwhile is handled by the next run.
    LateDay.objects.filter(pk__in=[pk for pk, _day in marks]).delete()
    services.edges_expire(today=today)
    return written


@task()
def compute_daily_analytics() -> int:
    """The scheduled daily run (see run_daily)."""
    return run_daily()


@task()
def send_monthly_analytics() -> int:
    """The monthly summary for the analysts (runs daily; acts on the first of a month)."""
    # Only the monthly run needs the summary (and the notification registry it loads).
    from hanse.analytics.notifications import send_monthly_summary

    today = timezone.localdate()
    return send_monthly_summary(today) if today.day == 1 else 0
