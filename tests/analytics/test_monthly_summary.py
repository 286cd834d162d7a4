"""The monthly summary for analysts: once a month, only to the role, only visible aggregates
of the organisation, in the recipient's language; nothing while analytics are off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hanse.analytics.compute import compute_period
from hanse.analytics.models import AnalyticsSettings, InteractionEdge
from hanse.analytics.notifications import KEY, send_monthly_summary
from hanse.analytics.tasks import send_monthly_analytics
from hanse.notifications.models import Notification
from hanse.notifications.registry import render_for
from hanse.people.models import User

MONTH = dt.date(2026, 11, 1)
FIRST = dt.date(2026, 12, 1)


def _month_of_activity(make_user: Callable[..., User], org: dict[str, Any]) -> list[User]:
    people = [make_user(f"p{i}", org_unit=org["it_ops"]) for i in range(6)]
    people.append(make_user("alone", org_unit=org["moelln"]))  # a unit of one
    for i, a in enumerate(people):
        b = people[(i + 1) % len(people)]
        InteractionEdge.objects.create(
            kind="dm", a_id=min(a.pk, b.pk), b_id=max(a.pk, b.pk), day=dt.date(2026, 11, 10)
        )
    compute_period("month", MONTH, min_group=5)
    return people


def test_the_analysts_get_the_months_figures_once(
    make_user: Callable[..., User],
    org: dict[str, Any],
    analyst: User,
    enabled: AnalyticsSettings,
) -> None:
    people = _month_of_activity(make_user, org)
    assert send_monthly_summary(FIRST) == 1
    assert send_monthly_summary(FIRST) == 0  # a second run sends nothing
    (note,) = Notification.objects.filter(type=KEY)
    assert note.recipient_id == analyst.pk
    assert note.data["figures"]["active"] == 7
    # Only organisation-wide figures: nothing keyed by a unit, nothing about a person.
    assert set(note.data) == {"month", "figures"}
    assert not {str(p.pk) for p in people} & {str(v) for v in note.data["figures"].values()}
    User.objects.filter(pk=analyst.pk).update(ui_language="de")
    note.refresh_from_db()
    text = render_for(note)
    assert text.title == "Netzwerkanalyse für November 2026"
    assert "Aktive Personen: 7" in text.body
    User.objects.filter(pk=analyst.pk).update(ui_language="en")
    note.refresh_from_db()
    assert render_for(note).title == "Network analytics for November 2026"


def test_nobody_without_the_role_and_nothing_while_off(
    make_user: Callable[..., User], org: dict[str, Any], enabled: AnalyticsSettings
) -> None:
    _month_of_activity(make_user, org)
    assert send_monthly_summary(FIRST) == 0  # nobody has the role
    AnalyticsSettings.objects.filter(pk=1).update(enabled=False)
    assert send_monthly_summary(FIRST) == 0
    assert send_monthly_analytics.call() == 0  # the scheduled task
    assert not Notification.objects.filter(type=KEY).exists()
