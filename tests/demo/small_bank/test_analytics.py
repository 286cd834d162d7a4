"""The demo organisation has network analytics on the first day: switched on with a reason in
the audit log, the role given to the HR account, edges from the demo's content, the last
weeks and months computed, and the dashboard shows figures (on the bank this package shares,
see conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hanse.analytics.models import Aggregate, AnalyticsSettings, InteractionEdge
from hanse.audit.models import AuditEntry
from hanse.demo.analytics import ANALYST, MONTHS, WEEKS
from hanse.people.models import User
from tests.demo.support import SmallBank

pytestmark = pytest.mark.django_db


def test_the_demo_shows_analytics_on_the_first_day(small_bank: SmallBank, client_for: Any) -> None:
    row = AnalyticsSettings.objects.get(pk=1)
    assert row.enabled and "fiktiv" in row.reason
    assert AuditEntry.objects.filter(action="analytics.enabled").exists()
    assert InteractionEdge.objects.exists()
    assert Aggregate.objects.filter(period="month").values("start").distinct().count() == MONTHS
    assert Aggregate.objects.filter(period="week").values("start").distinct().count() == WEEKS
    # Aggregates only, and something to see: the organisation's active people of a month.
    assert Aggregate.objects.filter(measure="active", dimension="org", hidden=False).exists()
    analyst = User.objects.get(username=ANALYST)
    page = client_for(analyst).get(reverse("analytics:dashboard"))
    assert page.status_code == 200
    assert "Nothing has been computed yet" not in page.content.decode()
    # Nobody else got the role.
    others = User.objects.exclude(pk=analyst.pk)
    assert (
        client_for(others.filter(is_superuser=False).first())
        .get(reverse("analytics:dashboard"))
        .status_code
        == 404
    )
