"""Co-authors, files on ideas, vote budgets, editing and sharing experiments, and the shared
"notify once per due date" helper: what is written, what is refused (and that a refusal
writes nothing), who is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.ideas import tasks
from hanse.ideas.models import Experiment, ExperimentUpdate, Idea, IdeaAttachment, IdeaSupport
from hanse.ideas.services import (
    campaign_create,
    experiment_close,
    experiment_create,
    experiment_edit,
    experiment_share,
    idea_coauthor_respond,
    idea_coauthors_set,
    idea_create,
    idea_edit,
    idea_status_change,
    idea_support,
    idea_unsupport,
)
from hanse.notifications.models import Notification
from hanse.posts.models import Post


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf")


# --- co-authors ---------------------------------------------------------------------------


def test_coauthors_invited_told_once_and_may_edit(
    place, make_idea, django_capture_on_commit_callbacks
):
    """The author invites a colleague: told once; once they accept they are named on the
    idea, may edit, may not support (they back it as an author), and hear "you said, we
    did"."""
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_create(
            author=place["member"],
            community=place["community"],
            title="Papierlos",
            description="Tablets.",
            coauthors=[place["other"]],
        )
    assert not idea.coauthors.exists()  # invited, not a co-author until they accept
    note = Notification.objects.get(type="idea_coauthor_added")
    assert note.recipient == place["other"] and note.actor == place["member"]
    tasks.notify_coauthors_added.call(idea.pk, [place["other"].pk], place["member"].pk)
    assert Notification.objects.filter(type="idea_coauthor_added").count() == 1
    assert idea_coauthor_respond(idea=idea, user=place["other"], accept=True) is True
    assert list(idea.coauthors.all()) == [place["other"]]

    idea_edit(idea=idea, by=place["other"], title="Papierlos 2", description="Mehr Tablets.")
    idea.refresh_from_db()
    assert idea.title == "Papierlos 2" and idea.edited_at is not None
    with pytest.raises(ServiceError) as refused:
        idea_support(idea=idea, user=place["other"])
    assert refused.value.code == "not_supportable"
    with django_capture_on_commit_callbacks(execute=True):
        idea_status_change(
            idea=idea, by=place["moderator"], to_status="under_review", reason="Prüfen."
        )
    told = Notification.objects.filter(type="idea_status_changed")
    assert {n.recipient.username for n in told} == {"max", "mia"}


def test_only_the_author_sets_coauthors(place, make_idea):
    idea = make_idea(place["member"], community=place["community"])
    idea_coauthors_set(idea=idea, by=place["member"], coauthors=[place["other"]])
    idea_coauthor_respond(idea=idea, user=place["other"], accept=True)
    with pytest.raises(PermissionRefused):
        idea_coauthors_set(idea=idea, by=place["other"], coauthors=[])
    assert list(Idea.objects.get().coauthors.all()) == [place["other"]]
    idea_coauthors_set(idea=idea, by=place["member"], coauthors=[])
    assert not Idea.objects.get().coauthors.exists()


def test_coauthor_must_see_the_idea(make_user, make_community, make_idea):
    owner, member, outsider = make_user(), make_user(), make_user("fremd", first_name="Fremd")
    secret = make_community("secret", owner=owner, members=(member,))
    idea = make_idea(member, community=secret)
    with pytest.raises(ServiceError) as refused:
        idea_coauthors_set(idea=idea, by=member, coauthors=[outsider])
    assert refused.value.code == "coauthor_cannot_see"
    assert not Idea.objects.get().coauthors.exists()


def test_others_may_not_edit_and_decided_ideas_stay(place, make_idea):
    idea = make_idea(place["member"], community=place["community"])
    for person in (place["other"], place["moderator"]):
        with pytest.raises(PermissionRefused):
            idea_edit(idea=idea, by=person, title="Anders", description="Anders.")
    idea_status_change(idea=idea, by=place["moderator"], to_status="adopted", reason="Ja.")
    with pytest.raises(PermissionRefused):
        idea_edit(idea=idea, by=place["member"], title="Anders", description="Anders.")
    assert Idea.objects.get().title == "Papierlose Kontoeröffnung"


# --- files --------------------------------------------------------------------------------


def test_files_on_an_idea_are_downloaded_only_by_who_sees_it(
    make_user, make_community, make_idea, client_for
):
    owner, member, outsider = make_user(), make_user(), make_user()
    private = make_community("private", owner=owner, members=(member,))
    idea = idea_create(
        author=member, community=private, title="Mit Plan", description="Siehe PDF.", files=[pdf()]
    )
    attachment = IdeaAttachment.objects.get()
    assert attachment.original_name == "plan.pdf" and attachment.content_type == "application/pdf"
    url = attachment.get_absolute_url()
    response = client_for(owner).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(owner).get(url.replace("plan.pdf", "other.pdf")).status_code == 404
    page = client_for(owner).get(reverse("ideas:idea", args=[idea.pk])).content.decode()
    assert "plan.pdf" in page


def test_a_refused_file_writes_nothing(place):
    bad = SimpleUploadedFile("x.html", b"<html><script>alert(1)</script></html>", "text/html")
    with pytest.raises(ServiceError) as refused:
        idea_create(
            author=place["member"],
            community=place["community"],
            title="T",
            description="D",
            files=[bad],
        )
    assert refused.value.code == "file_type_not_allowed"
    assert not Idea.objects.exists() and not IdeaAttachment.objects.exists()


def test_edit_adds_and_removes_files(place, make_idea):
    idea = make_idea(place["member"], community=place["community"])
    idea_edit(idea=idea, by=place["member"], title=idea.title, description="D", files=[pdf()])
    first = IdeaAttachment.objects.get()
    idea_edit(
        idea=idea,
        by=place["member"],
        title=idea.title,
        description="D",
        files=[pdf("neu.pdf")],
        remove_files=[first.pk],
    )
    assert [a.original_name for a in IdeaAttachment.objects.all()] == ["neu.pdf"]


# --- vote budgets -------------------------------------------------------------------------


def _budget_campaign(place, budget=2):
    return campaign_create(
        by=place["moderator"],
        community=place["community"],
        question="Papier sparen?",
        support_budget=budget,
    )


def test_vote_budget_is_enforced_and_withdrawing_gives_it_back(place, client_for):
    campaign = _budget_campaign(place)
    ideas = [
        idea_create(author=place["member"], campaign=campaign, title=f"Idee {i}", description="D")
        for i in range(3)
    ]
    fan = place["other"]
    assert idea_support(idea=ideas[0], user=fan) and idea_support(idea=ideas[1], user=fan)
    page = client_for(fan).get(reverse("ideas:campaign", args=[campaign.pk])).content.decode()
    assert "0 of 2 supports left" in page
    with pytest.raises(ServiceError) as refused:
        idea_support(idea=ideas[2], user=fan)
    assert refused.value.code == "budget_spent"
    assert "2 supports" in str(refused.value.message)
    assert Idea.objects.get(pk=ideas[2].pk).support_count == 0
    # Supporting an idea one supports already is no new support (and not refused).
    assert idea_support(idea=ideas[0], user=fan) is False
    idea_unsupport(idea=ideas[0], user=fan)
    page = client_for(fan).get(reverse("ideas:idea", args=[ideas[2].pk])).content.decode()
    assert "1 of 2 supports left" in page
    assert idea_support(idea=ideas[2], user=fan) is True
    assert IdeaSupport.objects.filter(user=fan).count() == 2


def test_budget_must_be_sensible(place):
    with pytest.raises(ServiceError) as refused:
        _budget_campaign(place, budget=0)
    assert refused.value.code == "budget"


def test_budget_in_the_api(place, client_for):
    campaign = _budget_campaign(place, budget=3)
    idea = idea_create(author=place["member"], campaign=campaign, title="I", description="D")
    client = client_for(place["other"])
    data = client.get(f"/api/v1/ideas/{idea.pk}").json()
    assert data["supports_left"] == 3
    assert client.post(f"/api/v1/ideas/{idea.pk}/support").status_code == 200
    assert client.get(f"/api/v1/ideas/{idea.pk}").json()["supports_left"] == 2
    assert client.get(f"/api/v1/ideas/campaigns/{campaign.pk}").json()["support_budget"] == 3


# --- experiments: editing and sharing -----------------------------------------------------


def _running(place, **fields):
    fields.setdefault("starts_on", timezone.localdate())
    return experiment_create(
        owner=place["member"],
        community=place["community"],
        title="QR-Codes statt Flyer",
        hypothesis="Wenn wir QR-Codes nutzen, drucken wir weniger.",
        **fields,
    )


def test_edit_a_running_experiment_is_recorded(place):
    experiment = _running(place, ends_on=timezone.localdate() + timedelta(days=30))
    new_end = timezone.localdate() + timedelta(days=60)
    experiment_edit(
        experiment=experiment,
        by=place["member"],
        plan="Zwei Filialen statt einer.",
        starts_on=None,
        ends_on=new_end,
        team=[place["other"]],
    )
    experiment.refresh_from_db()
    assert experiment.plan == "Zwei Filialen statt einer." and experiment.ends_on == new_end
    assert list(experiment.team.all()) == [place["other"]]
    change = ExperimentUpdate.objects.get(kind="change")
    assert "The plan was changed." in change.body
    assert "Joined the team: Mia" in change.body
    assert change.author == place["member"]


def test_start_date_stays_once_started_and_nothing_changed_is_refused(place):
    experiment = _running(place)
    with pytest.raises(ServiceError) as refused:
        experiment_edit(
            experiment=experiment,
            by=place["member"],
            plan="",
            starts_on=timezone.localdate() + timedelta(days=3),
            ends_on=None,
            team=[],
        )
    assert refused.value.code == "started"
    with pytest.raises(ServiceError) as refused:
        experiment_edit(
            experiment=experiment, by=place["member"], plan="", starts_on=None, ends_on=None,
            team=[],
        )  # fmt: skip
    assert refused.value.code == "unchanged"
    assert not ExperimentUpdate.objects.exists()


def test_a_future_start_moves(place):
    experiment = _running(place, starts_on=timezone.localdate() + timedelta(days=5))
    later = timezone.localdate() + timedelta(days=9)
    experiment_edit(
        experiment=experiment, by=place["member"], plan="", starts_on=later, ends_on=None, team=[]
    )
    assert Experiment.objects.get().starts_on == later


@pytest.mark.parametrize("who", ["other", "outsider", "owner"])
def test_who_may_not_edit(place, who):
    """The team (mia, once on it), an outsider, a plain member may not; "owner" here is the
    community's owner, who may (a moderator)."""
    experiment = _running(place)
    experiment.team.add(place["other"])
    call = lambda: experiment_edit(  # noqa: E731
        experiment=experiment, by=place[who], plan="X", starts_on=None, ends_on=None, team=[]
    )
    if who == "owner":
        call()
        return
    with pytest.raises(ServiceError):
        call()
    assert Experiment.objects.get().plan == ""


def test_closed_experiment_is_not_edited(place):
    experiment = _running(place)
    experiment_close(experiment=experiment, by=place["member"], result="refuted", lessons="L")
    with pytest.raises(PermissionRefused):
        experiment_edit(
            experiment=experiment, by=place["member"], plan="X", starts_on=None, ends_on=None,
            team=[],
        )  # fmt: skip


def test_moving_the_end_date_reminds_again(place):
    """The shared helper tells once per end date: moved later, it is owed again."""
    experiment = _running(place, starts_on=timezone.localdate() - timedelta(days=10))
    Experiment.objects.filter(pk=experiment.pk).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    assert tasks.send_experiment_due_reminders.call() == 1
    assert tasks.send_experiment_due_reminders.call() == 0
    experiment_edit(
        experiment=Experiment.objects.get(),
        by=place["member"],
        plan="",
        starts_on=None,
        ends_on=timezone.localdate(),
        team=[],
    )
    assert tasks.send_experiment_due_reminders.call() == 1
    assert Notification.objects.filter(type="experiment_due").count() == 2


def test_share_a_closed_experiment_as_a_story(place, client_for):
    experiment = _running(place)
    experiment.team.add(place["other"])
    with pytest.raises(ServiceError) as refused:
        experiment_share(experiment=experiment, by=place["member"])
    assert refused.value.code == "running"
    experiment_close(
        experiment=experiment, by=place["member"], result="refuted", lessons="Kaum jemand scannte."
    )
    with pytest.raises(PermissionRefused):
        experiment_share(experiment=experiment, by=place["outsider"])
    post = experiment_share(experiment=experiment, by=place["other"], note="Ehrlich gesagt:")
    assert post.community == place["community"] and post.author == place["other"]
    assert "Kaum jemand scannte." in post.body and "Refuted" in post.body
    assert reverse("ideas:experiment", args=[experiment.pk]) in post.body_html
    assert Experiment.objects.get().story_post == post
    with pytest.raises(ServiceError) as refused:
        experiment_share(experiment=experiment, by=place["member"])
    assert refused.value.code == "shared"
    assert Post.objects.count() == 1
    page = client_for(place["member"]).get(reverse("ideas:experiment", args=[experiment.pk]))
    assert "Open the story" in page.content.decode()


def test_company_wide_experiment_shares_to_the_company_stream(place):
    experiment = experiment_create(
        owner=place["member"], community=None, title="Firmenweit", hypothesis="Wenn …"
    )
    experiment_close(experiment=experiment, by=place["member"], result="confirmed", lessons="L")
    post = experiment_share(experiment=experiment, by=place["member"])
    assert post.community is None and post.scope == Post.Scope.COMPANY


def test_edit_and_share_through_the_api(place, client_for):
    experiment = _running(place)
    client = client_for(place["member"])
    response = client.patch(
        f"/api/v1/ideas/experiments/{experiment.pk}",
        {"plan": "Neu", "ends_on": None, "team": ["mia"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert [p["username"] for p in response.json()["team"]] == ["mia"]
    assert (
        client.post(
            f"/api/v1/ideas/experiments/{experiment.pk}/share", {}, content_type="application/json"
        ).status_code
        == 400
    )
    experiment_close(experiment=experiment, by=place["member"], result="confirmed", lessons="L")
    response = client.post(
        f"/api/v1/ideas/experiments/{experiment.pk}/share", {}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Post.objects.filter(pk=response.json()["post_id"]).exists()
    bad = client.patch(
        f"/api/v1/ideas/experiments/{experiment.pk}",
        {"plan": "X", "team": ["niemand"]},
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_coauthors_and_edit_through_the_api(place, client_for):
    client = client_for(place["member"])
    created = client.post(
        "/api/v1/ideas/",
        {"title": "T", "description": "D", "community": place["community"].slug,
         "coauthors": ["mia"]},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    idea_id = created.json()["id"]
    assert created.json()["coauthors"] == []
    assert [p["username"] for p in created.json()["invited"]] == ["mia"]
    accepted = client_for(place["other"]).post(f"/api/v1/ideas/{idea_id}/invitation/accept")
    assert accepted.status_code == 200, accepted.content
    assert [p["username"] for p in accepted.json()["coauthors"]] == ["mia"]
    edited = client_for(place["other"]).patch(
        f"/api/v1/ideas/{idea_id}", {"title": "T2", "description": "D2"},
        content_type="application/json",
    )  # fmt: skip
    assert edited.status_code == 200 and edited.json()["title"] == "T2"
    refused = client_for(place["other"]).put(
        f"/api/v1/ideas/{idea_id}/coauthors", {"coauthors": []}, content_type="application/json"
    )
    assert refused.status_code == 403
    uploaded = client.post(f"/api/v1/ideas/{idea_id}/files", {"files": [pdf()]})
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["files"][0]["name"] == "plan.pdf"
