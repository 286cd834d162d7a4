"""The demo bank's circles: a finished round with three circles, a running circle in week 5
with anna.schmidt, an open round with sign-ups, Connectoren in all but two branches."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hanse.circles import rules, selectors
from hanse.circles.models import Circle, CircleRound, Multiplier
from hanse.people.models import Location, User

pytestmark = pytest.mark.django_db


def test_small_demo_has_circles_and_connectoren() -> None:
    call_command("seed_demo", size="small", seed=1, verbosity=0)
    finished = CircleRound.objects.get(status=CircleRound.Status.FINISHED)
    assert finished.circles.filter(status=Circle.Status.FINISHED).count() == 3
    anna = User.objects.get(username="anna.schmidt")
    running = Circle.objects.get(members__user=anna)
    assert selectors.week_of(running) == 5
    assert running.event is not None and running.channel is not None
    open_round = CircleRound.objects.get(status=CircleRound.Status.OPEN)
    assert rules.signup_open(open_round) and open_round.signups.count() >= 4
    assert rules.is_coordinator(User.objects.get(username="clara.fischer"))
    coverage = selectors.coverage_for(viewer=User.objects.get(username="clara.fischer"))
    assert len(coverage.branches_without) == 2
    assert coverage.branches_total == Location.objects.filter(kind="branch").count()
    assert Multiplier.objects.filter(status="pending").count() == 1
    # Another demo account sees the meeting of Anna's circle nowhere.
    ben = User.objects.get(username="ben.weber")
    assert not Circle.objects.visible_to(ben).filter(pk=running.pk).exists()
