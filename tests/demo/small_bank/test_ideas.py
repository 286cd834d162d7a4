"""The demo: the Connectoren's campaign with ideas in every status, three closed experiments
(one refuted, with lessons), one running, two decisions with objections and amendments (on
the bank this package shares, see conftest.py)."""

from __future__ import annotations

import pytest

from hanse.decisions.models import Amendment, Proposal, Response
from hanse.ideas.models import Campaign, Experiment, Idea, StatusChange
from tests.demo.support import SmallBank

pytestmark = pytest.mark.django_db


def test_small_demo_has_ideas_experiments_and_decisions(small_bank: SmallBank) -> None:
    campaign = Campaign.objects.get()
    assert campaign.community.name == "Connectoren"
    assert set(Idea.objects.filter(campaign=campaign).values_list("status", flat=True)) == set(
        Idea.Status.values
    )
    assert Idea.objects.filter(support_count__gt=0).count() >= 6
    assert all(c.reason for c in StatusChange.objects.all())
    closed = Experiment.objects.filter(status="closed")
    assert sorted(closed.values_list("result", flat=True)) == [
        "confirmed",
        "inconclusive",
        "refuted",
    ]
    assert all(e.lessons for e in closed)
    assert Experiment.objects.filter(status="running").count() == 1
    # Issue 17's later pieces: a co-authored idea and the refuted experiment as a story.
    assert Idea.objects.filter(coauthors__isnull=False).exists()
    refuted = closed.get(result="refuted")
    assert refuted.story_post is not None and refuted.story_post.author == refuted.owner
    decided = Proposal.objects.filter(status="decided", community__name="Connectoren")
    assert decided.count() == 2
    for proposal in decided:
        assert proposal.version == 2 and proposal.review_on is not None
        assert Amendment.objects.filter(proposal=proposal).count() == 1
        assert Response.objects.filter(proposal=proposal, kind="concern").exists()
        assert proposal.outcome in ("adopted", "adopted_with_changes")
