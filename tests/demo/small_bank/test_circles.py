"""The demo bank's circles: a finished round with three circles, a running circle in week 5 with
anna.schmidt, an open round with sign-ups, Connectoren in all but two branches (on the bank
this package shares, see conftest.py)."""

from __future__ import annotations

import pytest

from hanse.circles import rules, selectors
from hanse.circles.models import Circle, CircleRound, Multiplier
from hanse.people.models import Location, User
from tests.demo.support import SmallBank

pytestmark = pytest.mark.django_db


def test_small_demo_has_circles_and_connectoren(small_bank: SmallBank) -> None:
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


def test_small_demo_has_the_connectoren_programme(small_bank: SmallBank) -> None:
    """The Connectoren community is linked and holds every Connector; the checklist is partly
    ticked; stories exist and are company-wide posts."""
    from hanse.circles import selectors_programme as programme  # why: this test only
    from hanse.circles.models import ConnectorStory, OnboardingTick
    from hanse.communities.models import Membership

    community = programme.programme_community()
    assert community is not None and community.name == "Connectoren"
    approved = Multiplier.objects.filter(status="approved").values_list("user_id", flat=True)
    inside = Membership.objects.filter(community=community).values_list("user_id", flat=True)
    assert set(approved) <= set(inside)
    assert community.member_count == len(inside)
    anna = User.objects.get(username="anna.schmidt")
    assert all(s.done for s in programme.onboarding_for(viewer=anna))
    assert OnboardingTick.objects.exclude(user=anna).exists()
    assert ConnectorStory.objects.count() == 4
    ben = User.objects.get(username="ben.weber")
    assert programme.stories_for(viewer=ben).count() == 4
    assert programme.meetups_for(viewer=ben)
    clara = User.objects.get(username="clara.fischer")
    assert programme.onboarding_progress(viewer=clara).shown
