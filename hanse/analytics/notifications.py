"""The monthly summary for people with the analytics role (issue 19), imported from
``AnalyticsConfig.ready()``.

On the first of each month, after the nightly run has computed the month just ended, each
person with the analytics role gets one notification (in the app and by e-mail, in their own
language) with the organisation's figures of that month: the same visible aggregates the
dashboard shows (suppressed below the minimum group, shares only where part and rest come
from enough people), never a figure about a unit smaller than that or about a person. The
notification's target is the analytics switch: while analytics are off, or once the role is
taken away, it is neither shown nor sent.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from hanse.analytics import rules, selectors
from hanse.analytics.models import Aggregate, AnalyticsSettings
from hanse.analytics.periods import month_start
from hanse.analytics.recording import is_enabled
from hanse.core.rules import is_active_user
from hanse.notifications.registry import NotificationType, RenderedText, register

if TYPE_CHECKING:
    from hanse.notifications.models import Notification
    from hanse.people.models import User

KEY = "analytics_monthly"
# The figures of the summary, in this order (keys of selectors.KPI_LABELS).
SUMMARY = (
    "active",
    "daily_active",
    "adopted",
    "share_cross_department",
    "share_cross_branch",
    "share_posters",
    "silo_index",
)


def _visible(user: User) -> QuerySet[Any]:
    """The switch while it is on, for people with the role: one subquery, no query of its own
    (it runs inside every unread count)."""
    if not is_active_user(user):
        return AnalyticsSettings.objects.none()
    return AnalyticsSettings.objects.filter(pk=1, enabled=True).filter(
        rules.analytics_role_held(user)
    )


def _render(n: Notification) -> RenderedText:
    month = date.fromisoformat(str(n.data.get("month")))
    title = _g("Network analytics for %(month)s") % {"month": date_format(month, "F Y")}
    lines = []
    figures = n.data.get("figures", {})
    for key in SUMMARY:
        if figures.get(key) is not None and key in selectors.KPI_LABELS:
            value = number_format(figures[key], decimal_pos=None, use_l10n=True)
            lines.append(f"{selectors.KPI_LABELS[key]}: {value}")
    if not lines:
        lines.append(_g("No figure of this month comes from enough people."))
    url = reverse("analytics:dashboard") + f"?period=month&start={month.isoformat()}"
    return RenderedText(title=title, body="\n".join(lines), url=url)


MONTHLY = register(
    NotificationType(
        key=KEY,
        label=_("Monthly network analytics"),
        description=_(
            "For people with the analytics role: the organisation's figures of the past month."
        ),
        channels={"in_app": True, "email": "immediate", "push": False},
        target_visible=_visible,
        render=_render,
        community_access="none",
        mutable=False,
    )
)


def analysts() -> QuerySet[User]:
    """People given the analytics role (themselves or through a group), active."""
    from django.contrib.auth.models import Permission

    # At call time: this module is imported from AnalyticsConfig.ready(), before models.
    from hanse.people.models import User

    role = Permission.objects.filter(content_type__app_label="analytics", codename="view_analytics")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(user_permissions__in=role) | Q(groups__permissions__in=role))
        .distinct()
    )


def send_monthly_summary(today: date | None = None) -> int:
    """Tell the analysts about the month before ``today`` (once: a second run sends nothing).
    Returns how many were told. Nothing while analytics are off or the month has no figures."""
    # At call time: this module is imported from AnalyticsConfig.ready(), before models.
    from hanse.notifications.models import Notification
    from hanse.notifications.services import notify

    if not is_enabled():
        return 0
    month = month_start((today or timezone.localdate()) - timedelta(days=1))
    if not Aggregate.objects.filter(period="month", start=month, dimension="org").exists():
        return 0
    group_key = f"analytics-monthly:{month.isoformat()}"
    if Notification.objects.filter(type=KEY, group_key=group_key).exists():
        return 0
    figures = selectors.org_figures("month", month)
    data = {
        "month": month.isoformat(),
        "figures": {k: figures.get(k) for k in SUMMARY if figures.get(k) is not None},
    }
    target = AnalyticsSettings.objects.get(pk=1)
    sent = notify(
        type_key=KEY, recipients=analysts(), target=target, group_key=group_key, data=data
    )
    return len(sent)
