"""The demo shows the first-day checklist: a new starter with every step open, the long-time
demo accounts with most of them done (on the bank this package shares, see conftest.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from hanse.demo.data import DEMO_USERNAMES
from hanse.onboarding import selectors
from hanse.people.models import User
from tests.demo.support import SmallBank

pytestmark = pytest.mark.django_db


def test_new_starter_sees_every_step_and_anna_most_done(small_bank: SmallBank):
    """lea.neumann starts today with nothing done; anna.schmidt has done most steps."""
    assert "lea.neumann" in DEMO_USERNAMES
    assert User.objects.count() == 40  # the size's head count includes her
    lea = authenticate(username="lea.neumann", password="hanse-demo")
    assert lea is not None
    assert lea.org_unit is not None and lea.org_unit.kind == "branch"
    first_day = selectors.first_day_of(user=lea)
    assert first_day is not None
    assert first_day.done_count == 0
    assert first_day.suggested_people and first_day.suggested_communities

    anna = User.objects.get(username="anna.schmidt")
    anna_day = selectors.first_day_of(user=anna)
    assert anna_day is not None
    assert anna_day.done_count >= anna_day.total // 2
    assert anna_day.step("profile").done and anna_day.step("communities").done
