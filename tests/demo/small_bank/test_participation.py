"""The demo's polls: named and anonymous, open and closed, with votes (on the bank this package
shares, see conftest.py)."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from hanse.participation.models import Poll, PollOption, PollVote
from tests.demo.support import SmallBank

pytestmark = pytest.mark.django_db


def test_small_demo_has_named_and_anonymous_polls(small_bank: SmallBank) -> None:
    polls = list(Poll.objects.all())
    kinds = {(p.anonymous, p.is_closed()) for p in polls}
    assert kinds == {(False, False), (True, False), (False, True), (True, True)}
    assert Poll.objects.filter(post__community__isnull=False).count() == 2
    # One in a chat message, voted on by the channel's members.
    in_chat = Poll.objects.get(message__isnull=False)
    assert in_chat.post_id is None and in_chat.voter_count > 0
    for poll in polls:
        assert poll.voter_count > 0
        if poll.anonymous:
            counted = PollOption.objects.filter(poll=poll).aggregate(n=Sum("anonymous_count"))
            assert counted["n"] == poll.voter_count
            assert not PollVote.objects.filter(poll=poll).exists()
        else:
            assert PollVote.objects.filter(poll=poll).values("user").distinct().count() == (
                poll.voter_count
            )


def test_small_demo_has_questions_and_praise(small_bank: SmallBank) -> None:
    from hanse.participation.models import Praise, PraiseValue, Question

    assert set(PraiseValue.objects.values_list("name", flat=True)) == {
        "Mut",
        "Neugier",
        "Offenheit",
    }
    assert Praise.objects.count() >= 3
    questions = Question.objects.all()
    assert questions.filter(solved_at__isnull=False).exists()
    assert questions.filter(post__comment_count=0).exists()
    assert questions.values("community").distinct().count() >= 2


def test_small_demo_has_a_past_and_an_upcoming_town_hall(small_bank: SmallBank) -> None:
    """One past town hall with answered questions, one upcoming with questions (some
    anonymous: no author stored)."""
    from django.utils import timezone

    from hanse.participation.models import TownHall, TownHallQuestion

    now = timezone.now()
    past = TownHall.objects.get(ends_at__lt=now)
    upcoming = TownHall.objects.get(starts_at__gt=now)
    assert past.questions.filter(status="answered").exclude(answer="").count() >= 3
    assert upcoming.questions.filter(status="approved").count() >= 3
    assert upcoming.event_id is not None
    anonymous = TownHallQuestion.objects.filter(anonymous=True)
    assert anonymous.exists()
    assert not anonymous.filter(author__isnull=False).exists()
    assert TownHallQuestion.objects.filter(vote_count__gt=0).exists()
