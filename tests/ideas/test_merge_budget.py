"""Merging a duplicate in campaigns with a vote budget: the supports on the duplicate are
released, carried over once each and never take anyone over the target campaign's budget
(the rule in docs/ideas.md, "Merging duplicates and the vote budget")."""

from __future__ import annotations

import pytest

from hanse.ideas.models import Idea, IdeaSupport
from hanse.ideas.selectors import budget_for
from hanse.ideas.services import (
    campaign_create,
    idea_merge,
    idea_support,
    idea_unsupport,
    supports_used,
)


@pytest.fixture
def campaign(place):
    return campaign_create(
        by=place["moderator"], community=place["community"], question="Papier?", support_budget=2
    )


def _supporters(idea: Idea) -> set[int]:
    return set(IdeaSupport.objects.filter(idea=idea).values_list("user_id", flat=True))


def test_supported_both_counts_once_and_gets_one_back(place, campaign, make_idea):
    """Who supported both keeps one support (on the target) and has one more left."""
    target = make_idea(place["member"], campaign=campaign, title="A")
    dup = make_idea(place["other"], campaign=campaign, title="A auch")
    voter = place["owner"]
    idea_support(idea=target, user=voter)
    idea_support(idea=dup, user=voter)
    assert supports_used(user=voter, campaign=campaign) == 2
    result = idea_merge(duplicate=dup, into=target, by=place["moderator"])
    target.refresh_from_db()
    dup.refresh_from_db()
    assert _supporters(target) == {voter.pk}
    assert target.support_count == 1
    assert not IdeaSupport.objects.filter(idea=dup).exists()
    assert dup.support_count == 0
    assert result.released == [voter.pk]
    assert result.carried == []
    assert supports_used(user=voter, campaign=campaign) == 1
    assert budget_for(viewer=voter, campaign=campaign).left == 1


def test_supported_only_the_duplicate_moves_without_cost(place, campaign, make_idea):
    target = make_idea(place["member"], campaign=campaign, title="A")
    dup = make_idea(place["other"], campaign=campaign, title="A auch")
    voter = place["owner"]
    idea_support(idea=dup, user=voter)
    result = idea_merge(duplicate=dup, into=target, by=place["moderator"])
    assert _supporters(target) == {voter.pk}
    assert result.carried == [voter.pk]
    assert supports_used(user=voter, campaign=campaign) == 1
    # The duplicate's author does not have a support of theirs spent for them in a budget.
    assert place["other"].pk not in _supporters(target)
    # Withdrawing the carried support gives it back like any other.
    assert idea_unsupport(idea=target, user=voter) is True
    assert supports_used(user=voter, campaign=campaign) == 0


def test_at_the_budget_limit_in_the_same_campaign_the_support_moves(place, campaign, make_idea):
    """At the limit (2 of 2), the released support pays for the carried one: still 2 of 2."""
    target = make_idea(place["member"], campaign=campaign, title="A")
    dup = make_idea(place["other"], campaign=campaign, title="A auch")
    third = make_idea(place["member"], campaign=campaign, title="B")
    voter = place["owner"]
    idea_support(idea=dup, user=voter)
    idea_support(idea=third, user=voter)
    assert budget_for(viewer=voter, campaign=campaign).left == 0
    idea_merge(duplicate=dup, into=target, by=place["moderator"])
    assert voter.pk in _supporters(target)
    assert supports_used(user=voter, campaign=campaign) == 2
    assert budget_for(viewer=voter, campaign=campaign).left == 0


def test_different_campaigns_carry_only_within_the_target_budget(place, campaign, make_idea):
    """A support from campaign A is returned to A; it joins B's idea only while the person
    has a support left in B. Nobody ends over B's budget."""
    other_campaign = campaign_create(
        by=place["moderator"], community=place["community"], question="Wege?", support_budget=1
    )
    target = make_idea(place["member"], campaign=other_campaign, title="B1")
    elsewhere = make_idea(place["member"], campaign=other_campaign, title="B2")
    dup = make_idea(place["other"], campaign=campaign, title="A1")
    full, free = place["owner"], place["moderator"]
    for person in (full, free):
        idea_support(idea=dup, user=person)
    idea_support(idea=elsewhere, user=full)  # B's budget of 1 is spent
    result = idea_merge(duplicate=dup, into=target, by=place["moderator"])
    target.refresh_from_db()
    assert _supporters(target) == {free.pk}
    assert target.support_count == 1
    assert result.not_carried == [full.pk]
    for person in (full, free):
        assert supports_used(user=person, campaign=campaign) == 0  # returned to A
        assert supports_used(user=person, campaign=other_campaign) <= 1


def test_merge_without_budget_keeps_everyone(place, make_idea):
    """Outside a budget nothing is capped: carried supporters and the duplicate's author."""
    target = make_idea(place["member"], community=place["community"], title="A")
    dup = make_idea(place["other"], community=place["community"], title="A auch")
    idea_support(idea=dup, user=place["owner"])
    idea_merge(duplicate=dup, into=target, by=place["moderator"])
    assert _supporters(target) == {place["owner"].pk, place["other"].pk}


def test_target_authors_are_not_carried(place, campaign, make_idea):
    """The target's author supported the duplicate: released, not carried (authors back
    their idea anyway)."""
    target = make_idea(place["member"], campaign=campaign, title="A")
    dup = make_idea(place["other"], campaign=campaign, title="A auch")
    idea_support(idea=dup, user=place["member"])
    result = idea_merge(duplicate=dup, into=target, by=place["moderator"])
    assert _supporters(target) == set()
    assert result.released == [place["member"].pk]
    assert supports_used(user=place["member"], campaign=campaign) == 0


def test_old_supports_left_on_a_merged_idea_do_not_count(place, campaign, make_idea):
    """Rows a merge before this rule left on a duplicate are not held against the budget."""
    target = make_idea(place["member"], campaign=campaign, title="A")
    dup = make_idea(place["other"], campaign=campaign, title="A auch")
    voter = place["owner"]
    IdeaSupport.objects.create(idea=dup, user=voter)
    IdeaSupport.objects.create(idea=target, user=voter)
    Idea.objects.filter(pk=dup.pk).update(merged_into=target)
    assert supports_used(user=voter, campaign=campaign) == 1
    assert budget_for(viewer=voter, campaign=campaign).left == 1
