"""The daily computation: yesterday's week and month, then the retention."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django_tasks import task

from hanse.analytics import services
from hanse.analytics.compute import compute_period
from hanse.analytics.org import load_org
from hanse.analytics.periods import month_start, week_start
from hanse.analytics.recording import is_enabled


def run_daily(today: date | None = None) -> int:
    """Recompute the week and month holding yesterday; fold and delete expired edges. Does
    nothing while analytics are off. Returns how many aggregate rows were written."""
    if not is_enabled():
        return 0
    day = (today or timezone.localdate()) - timedelta(days=1)
    settings_row = services.current()
    org = load_org()
    written = compute_period("week", week_start(day), min_group=settings_row.min_group, org=org)
    written += compute_period("month", month_start(day), min_group=settings_row.min_group, org=org)
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
