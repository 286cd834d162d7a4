"""The demo's polls: named and anonymous, open and closed, with votes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from hanse.participation.models import Poll, PollOption, PollVote

pytestmark = pytest.mark.django_db


def test_small_demo_has_named_and_anonymous_polls() -> None:
    call_command("seed_demo", size="small", seed=1, stdout=io.StringIO(), stderr=io.StringIO())
    polls = list(Poll.objects.all())
    kinds = {(p.anonymous, p.is_closed()) for p in polls}
    assert kinds == {(False, False), (True, False), (False, True), (True, True)}
    assert Poll.objects.filter(post__community__isnull=False).count() == 2
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
