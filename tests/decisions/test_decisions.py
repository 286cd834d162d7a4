"""Consent decisions: responses (objection needs a reason, named), amendments marking earlier
responses, when an outcome may be written, the logs, and notifications sent once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.decisions import selectors, tasks
from hanse.decisions.models import Amendment, Proposal, Response
from hanse.decisions.services import (
    proposal_amend,
    proposal_create,
    proposal_decide,
    proposal_respond,
)
from hanse.notifications.models import Notification


def _past_deadline(proposal: Proposal) -> Proposal:
    Proposal.objects.filter(pk=proposal.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    proposal.refresh_from_db()
    return proposal


def test_only_members_propose(circle, make_proposal):
    with pytest.raises(PermissionRefused):
        make_proposal(circle["otto"], circle["community"])
    with pytest.raises(ServiceError) as refused:
        make_proposal(circle["max"], circle["community"], deadline=timezone.now())
    assert refused.value.code == "deadline"
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("kind", ["consent", "concern", "abstain"])
def test_responses_without_reason(circle, make_proposal, kind):
    proposal = make_proposal(circle["max"], circle["community"])
    response = proposal_respond(proposal=proposal, user=circle["mia"], kind=kind)
    assert (response.kind, response.version, response.reason) == (kind, 1, "")


@pytest.mark.parametrize("reason", ["", "   "])
def test_objection_needs_reason(circle, make_proposal, reason):
    proposal = make_proposal(circle["max"], circle["community"])
    with pytest.raises(ServiceError) as refused:
        proposal_respond(proposal=proposal, user=circle["mia"], kind="objection", reason=reason)
    assert refused.value.code == "reason_required"
    assert "needs a reason" in str(refused.value.message)
    assert not Response.objects.exists()


def test_unknown_kind_refused(circle, make_proposal):
    proposal = make_proposal(circle["max"], circle["community"])
    with pytest.raises(ServiceError) as refused:
        proposal_respond(proposal=proposal, user=circle["mia"], kind="veto")
    assert refused.value.code == "kind_required"


def test_change_response_keeps_one_row(circle, make_proposal):
    proposal = make_proposal(circle["max"], circle["community"])
    proposal_respond(proposal=proposal, user=circle["mia"], kind="consent")
    proposal_respond(proposal=proposal, user=circle["mia"], kind="concern", reason="Aber …")
    assert list(Response.objects.values_list("kind", flat=True)) == ["concern"]


def test_outsider_and_non_deciders_refused(circle, make_proposal):
    proposal = make_proposal(circle["max"], circle["community"])
    with pytest.raises(ServiceError) as hidden:
        proposal_respond(proposal=proposal, user=circle["otto"], kind="consent")
    assert hidden.value.status == 404
    named = make_proposal(
        circle["max"], circle["community"], deciders=[circle["mia"], circle["max"]]
    )
    with pytest.raises(PermissionRefused):
        proposal_respond(proposal=named, user=circle["mona"], kind="consent")
    proposal_respond(proposal=named, user=circle["mia"], kind="consent")
    assert Response.objects.filter(proposal=named).count() == 1


def test_after_deadline_refused_clearly(circle, make_proposal):
    proposal = _past_deadline(make_proposal(circle["max"], circle["community"]))
    with pytest.raises(ServiceError) as refused:
        proposal_respond(proposal=proposal, user=circle["mia"], kind="consent")
    assert refused.value.code == "deadline_passed"
    assert "deadline for responses has passed" in str(refused.value.message)


def test_amend_marks_earlier_responses_and_asks_to_look_again(
    circle, make_proposal, django_capture_on_commit_callbacks
):
    proposal = make_proposal(circle["max"], circle["community"])
    proposal_respond(proposal=proposal, user=circle["mia"], kind="objection", reason="Zu früh.")
    proposal_respond(proposal=proposal, user=circle["olga"], kind="consent")
    with django_capture_on_commit_callbacks(execute=True):
        proposal_amend(
            proposal=proposal,
            by=circle["max"],
            text="Ab Juni gibt es keine Kernarbeitszeit mehr.",
            note="Start verschoben",
        )
    proposal.refresh_from_db()
    assert proposal.version == 2
    assert Amendment.objects.get().previous_text.startswith("Ab März")
    assert set(Response.objects.values_list("version", flat=True)) == {1}
    asked = Notification.objects.filter(type="proposal_amended")
    assert sorted(asked.values_list("recipient__username", flat=True)) == ["mia", "olga"]
    tasks.notify_amended.call(proposal.pk, 2)
    assert Notification.objects.filter(type="proposal_amended").count() == 2
    with pytest.raises(PermissionRefused):
        proposal_amend(proposal=proposal, by=circle["mona"], text="x", note="y")
    with pytest.raises(ServiceError):
        proposal_amend(proposal=proposal, by=circle["max"], text=proposal.text, note="y")


def test_response_and_objection_tell_the_proposer_once(
    circle, make_proposal, django_capture_on_commit_callbacks
):
    proposal = make_proposal(circle["max"], circle["community"])
    with django_capture_on_commit_callbacks(execute=True):
        proposal_respond(proposal=proposal, user=circle["mia"], kind="consent")
    with django_capture_on_commit_callbacks(execute=True):
        response = proposal_respond(
            proposal=proposal, user=circle["olga"], kind="objection", reason="Schadet dem Team."
        )
    assert Notification.objects.get(type="proposal_response").recipient == circle["max"]
    objection = Notification.objects.get(type="proposal_objection")
    assert objection.recipient == circle["max"] and objection.data["reason"] == "Schadet dem Team."
    tasks.notify_response.call(response.pk, response.responded_at.isoformat())
    assert Notification.objects.filter(type="proposal_objection").count() == 1


def test_outcome_only_after_deadline_or_all_responded(circle, make_proposal):
    named = make_proposal(circle["max"], circle["community"], deciders=[circle["mia"]])
    review = timezone.localdate() + timedelta(days=90)
    with pytest.raises(ServiceError) as early:
        proposal_decide(
            proposal=named, by=circle["max"], outcome="adopted", statement="Ja", review_on=review
        )
    assert early.value.code == "too_early"
    proposal_respond(proposal=named, user=circle["mia"], kind="consent")
    assert selectors.all_responded(named)
    with pytest.raises(PermissionRefused):
        proposal_decide(
            proposal=named, by=circle["mia"], outcome="adopted", statement="Ja", review_on=review
        )
    with pytest.raises(ServiceError) as no_review:
        proposal_decide(proposal=named, by=circle["max"], outcome="adopted", statement="Ja")
    assert no_review.value.code == "review_required"
    proposal_decide(
        proposal=named, by=circle["max"], outcome="adopted", statement="Ja", review_on=review
    )
    named.refresh_from_db()
    assert (named.status, named.outcome, named.review_on) == ("decided", "adopted", review)
    with pytest.raises(ServiceError) as again:
        proposal_decide(proposal=named, by=circle["max"], outcome="withdrawn", statement="x")
    assert again.value.code == "decided"
    with pytest.raises(ServiceError) as closed:
        proposal_respond(proposal=named, user=circle["mia"], kind="objection", reason="Doch nicht")
    assert closed.value.code == "decided"


def test_withdraw_any_time_and_moderator_decides_after_deadline(circle, make_proposal):
    proposal = make_proposal(circle["max"], circle["community"])
    proposal_decide(proposal=proposal, by=circle["max"], outcome="withdrawn", statement="Zurück")
    assert Proposal.objects.get(pk=proposal.pk).outcome == "withdrawn"
    other = _past_deadline(make_proposal(circle["max"], circle["community"]))
    proposal_decide(proposal=other, by=circle["mona"], outcome="not_adopted", statement="Nein")
    assert Proposal.objects.get(pk=other.pk).status == "decided"


def test_deadline_and_review_jobs_tell_once(circle, make_proposal):
    proposal = make_proposal(circle["max"], circle["community"])
    proposal_respond(proposal=proposal, user=circle["mia"], kind="consent")
    _past_deadline(proposal)
    assert tasks.send_deadline_notices.call() == 1
    assert tasks.send_deadline_notices.call() == 0
    assert Notification.objects.get(type="proposal_deadline").recipient == circle["max"]
    proposal_decide(
        proposal=proposal,
        by=circle["max"],
        outcome="adopted",
        statement="Beschlossen",
        review_on=timezone.localdate() + timedelta(days=1),
    )
    Proposal.objects.filter(pk=proposal.pk).update(review_on=timezone.localdate())
    assert tasks.send_decision_review_reminders.call() == 1
    assert tasks.send_decision_review_reminders.call() == 0
    reminded = Notification.objects.filter(type="decision_review_due")
    assert sorted(reminded.values_list("recipient__username", flat=True)) == ["max", "mia"]


def test_pages_flow(circle, make_proposal, client_for):
    """Respond (objection without reason shows the error), see named responses, the log."""
    proposal = make_proposal(circle["max"], circle["community"], deciders=[circle["mia"]])
    mia = client_for(circle["mia"])
    url = reverse("decisions:respond", args=[proposal.pk])
    response = mia.post(url, {"kind": "objection", "reason": ""})
    assert response.status_code == 400
    assert "needs a reason" in response.content.decode()
    assert not Response.objects.exists()
    response = mia.post(url, {"kind": "objection", "reason": "Kundentermine leiden."})
    assert response.status_code == 302
    page = client_for(circle["olga"]).get(reverse("decisions:proposal", args=[proposal.pk]))
    assert "Kundentermine leiden." in page.content.decode()
    assert circle["mia"].display_name in page.content.decode()
    max_client = client_for(circle["max"])
    response = max_client.post(
        reverse("decisions:decide", args=[proposal.pk]),
        {
            "outcome": "adopted_with_changes",
            "statement": "Mit Ausnahmen für Kundentermine.",
            "review_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 302
    for url in (
        reverse("decisions:log"),
        reverse("decisions:community_log", args=[circle["community"].slug]),
    ):
        assert proposal.title in client_for(circle["olga"]).get(url).content.decode()
        assert proposal.title not in client_for(circle["otto"]).get(url).content.decode()


def test_create_page_with_named_group(circle, client_for):
    client = client_for(circle["max"])
    deadline = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "community": circle["community"].slug,
        "title": "Teamtag im Mai",
        "text": "Wir machen einen Teamtag.",
        "deadline": deadline,
        "deciders": "mia, nobody",
    }
    response = client.post(reverse("decisions:proposal_new"), data)
    assert response.status_code == 200 and "Unknown: nobody" in response.content.decode()
    assert not Proposal.objects.exists()
    data["deciders"] = "mia, @max"
    response = client.post(reverse("decisions:proposal_new"), data)
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("decisions:proposal", args=[proposal.pk])
    assert {p.username for p in proposal.deciders.all()} == {"mia", "max"}
    assert proposal_create  # the service the page calls
