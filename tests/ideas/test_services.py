"""Support, comments, merging duplicates, campaigns and experiments: what is written, what
is refused, and that a refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.ideas.models import Experiment, ExperimentUpdate, Idea, IdeaComment, IdeaSupport
from hanse.ideas.services import (
    campaign_create,
    experiment_create,
    experiment_update_post,
    idea_comment,
    idea_create,
    idea_merge,
    idea_status_change,
    idea_support,
    idea_unsupport,
)


def test_support_once_and_withdraw(place, make_idea):
    idea = make_idea(place["member"], community=place["community"])
    assert idea_support(idea=idea, user=place["other"]) is True
    assert idea_support(idea=idea, user=place["other"]) is False
    assert Idea.objects.get().support_count == 1
    assert idea_unsupport(idea=idea, user=place["other"]) is True
    assert idea_unsupport(idea=idea, user=place["other"]) is False
    assert Idea.objects.get().support_count == 0


def test_author_cannot_support_own_idea(place, make_idea):
    idea = make_idea(place["member"], community=place["community"])
    with pytest.raises(ServiceError) as refused:
        idea_support(idea=idea, user=place["member"])
    assert refused.value.code == "not_supportable"
    assert not IdeaSupport.objects.exists()


@pytest.mark.parametrize("status", ["adopted", "not_adopted"])
def test_decided_ideas_take_no_support(place, make_idea, status):
    idea = make_idea(place["member"], community=place["community"])
    idea_status_change(idea=idea, by=place["moderator"], to_status=status, reason="Entschieden.")
    with pytest.raises(ServiceError):
        idea_support(idea=idea, user=place["other"])


def test_invisible_idea_is_not_found(make_user, make_community, make_idea):
    owner, outsider = make_user(), make_user()
    secret = make_community("secret", owner=owner)
    idea = make_idea(owner, community=secret)
    with pytest.raises(ServiceError) as refused:
        idea_support(idea=idea, user=outsider)
    assert refused.value.status == 404


def test_only_members_post_ideas_in_a_community(place):
    with pytest.raises(PermissionRefused):
        idea_create(
            author=place["outsider"], community=place["community"], title="x", description="y"
        )
    assert not Idea.objects.exists()


@pytest.mark.parametrize(("title", "description"), [("", "text"), ("Titel", ""), ("x" * 201, "y")])
def test_idea_needs_title_and_description(place, title, description):
    with pytest.raises(ServiceError):
        idea_create(author=place["member"], title=title, description=description)
    assert not Idea.objects.exists()


def test_comment_counts(place, make_idea):
    idea = make_idea(place["member"], community=place["community"])
    idea_comment(idea=idea, author=place["other"], body="Ja!")
    assert Idea.objects.get().comment_count == 1
    with pytest.raises(PermissionRefused):
        idea_comment(idea=idea, author=place["outsider"], body="Ich auch")
    with pytest.raises(ServiceError):
        idea_comment(idea=idea, author=place["other"], body="  ")
    assert IdeaComment.objects.count() == 1


def test_merge_keeps_supporters_once(place, make_idea, make_user):
    a = make_idea(place["member"], community=place["community"])
    b = make_idea(place["other"], community=place["community"], title="Auch Tablets")
    both, only_b = make_user(), make_user()
    for person in (both, only_b):
        from hanse.communities.services import membership_add

        membership_add(community=place["community"], user=person)
    idea_support(idea=a, user=both)
    idea_support(idea=b, user=both)
    idea_support(idea=b, user=only_b)
    idea_merge(duplicate=b, into=a, by=place["moderator"])
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.merged_into == a
    assert set(IdeaSupport.objects.filter(idea=a).values_list("user_id", flat=True)) == {
        both.pk,
        only_b.pk,
        place["other"].pk,  # the duplicate's author backs the idea it joined
    }
    assert a.support_count == 3
    with pytest.raises(ServiceError):
        idea_support(idea=b, user=place["owner"])
    with pytest.raises(ServiceError) as again:
        idea_merge(duplicate=b, into=a, by=place["moderator"])
    assert again.value.code == "merge_refused"


def test_merge_only_by_reviewers_and_same_place(place, make_idea):
    a = make_idea(place["member"], community=place["community"])
    b = make_idea(place["other"], community=place["community"])
    elsewhere = make_idea(place["other"])
    with pytest.raises(ServiceError):
        idea_merge(duplicate=b, into=a, by=place["member"])
    with pytest.raises(ServiceError):
        idea_merge(duplicate=b, into=elsewhere, by=place["moderator"])
    assert not Idea.objects.filter(merged_into__isnull=False).exists()


def test_campaign_by_moderators_and_ideas_while_open(place):
    with pytest.raises(PermissionRefused):
        campaign_create(by=place["member"], community=place["community"], question="Wie?")
    with pytest.raises(PermissionRefused):
        campaign_create(by=place["moderator"], community=None, question="Wie?")
    campaign = campaign_create(
        by=place["moderator"],
        community=place["community"],
        question="Wie sparen wir Papier?",
        categories="Filiale, Zentrale",
    )
    idea = idea_create(
        author=place["member"], campaign=campaign, title="A", description="B", category="Filiale"
    )
    assert idea.community == place["community"]
    with pytest.raises(ServiceError):
        idea_create(
            author=place["member"], campaign=campaign, title="A", description="B", category="X"
        )
    campaign.ends_on = timezone.localdate() - timedelta(days=1)
    campaign.starts_on = timezone.localdate() - timedelta(days=10)
    campaign.save()
    with pytest.raises(PermissionRefused):
        idea_create(author=place["member"], campaign=campaign, title="A", description="B")


def test_campaign_reviewer_reviews_its_ideas(place, make_user):
    reviewer = make_user()
    campaign = campaign_create(
        by=place["moderator"], community=place["community"], question="Q", reviewers=[reviewer]
    )
    idea = idea_create(author=place["member"], campaign=campaign, title="A", description="B")
    idea_status_change(idea=idea, by=reviewer, to_status="under_review", reason="Schaue ich an.")
    assert Idea.objects.get().status == "under_review"


def test_standalone_experiment_and_updates(place):
    with pytest.raises(PermissionRefused):
        experiment_create(
            owner=place["outsider"], community=place["community"], title="T", hypothesis="H"
        )
    experiment = experiment_create(
        owner=place["member"],
        community=place["community"],
        title="Stehtische",
        hypothesis="Wenn wir im Stehen tagen, werden Meetings kürzer.",
        team=[place["other"]],
    )
    experiment_update_post(experiment=experiment, author=place["other"], body="Woche 1: 20 Min.")
    with pytest.raises(PermissionRefused):
        experiment_update_post(experiment=experiment, author=place["outsider"], body="x")
    assert ExperimentUpdate.objects.count() == 1
    with pytest.raises(ServiceError):
        experiment_create(
            owner=place["member"],
            community=None,
            title="T",
            hypothesis="H",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() - timedelta(days=1),
        )
    assert Experiment.objects.count() == 1
