"""Files on proposals (uploaded by the proposer, downloaded by who sees the proposal) and
the deciders asked for their response when a proposal opens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.decisions import tasks
from hanse.decisions.models import Proposal, ProposalAttachment
from hanse.decisions.services import (
    proposal_attach,
    proposal_attachment_delete,
    proposal_decide,
)
from hanse.notifications.models import Notification


def pdf(name: str = "hintergrund.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf")


def test_all_members_are_asked_once_the_proposer_not(
    circle, make_proposal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = make_proposal(circle["max"], circle["community"])
    notes = Notification.objects.filter(type="proposal_opened")
    assert sorted(n.recipient.username for n in notes) == ["mia", "mona", "olga"]
    assert all(n.actor == circle["max"] for n in notes)
    tasks.notify_opened.call(proposal.pk)
    assert Notification.objects.filter(type="proposal_opened").count() == 3


def test_a_named_group_is_asked(circle, make_proposal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_proposal(circle["max"], circle["community"], deciders=[circle["mia"], circle["max"]])
    notes = Notification.objects.filter(type="proposal_opened")
    assert [n.recipient.username for n in notes] == ["mia"]


def test_a_refused_proposal_asks_nobody(circle, make_proposal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionRefused):
        make_proposal(circle["otto"], circle["community"])
    assert not Notification.objects.exists()


def test_files_at_creation_and_download_permission(circle, make_proposal, client_for):
    proposal = make_proposal(circle["max"], circle["community"], files=[pdf()])
    attachment = ProposalAttachment.objects.get()
    url = attachment.get_absolute_url()
    response = client_for(circle["mia"]).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert client_for(circle["otto"]).get(url).status_code == 404
    page = client_for(circle["mia"]).get(reverse("decisions:proposal", args=[proposal.pk]))
    assert "hintergrund.pdf" in page.content.decode()


def test_only_the_proposer_adds_and_removes_files_while_open(circle, make_proposal):
    proposal = make_proposal(circle["max"], circle["community"])
    with pytest.raises(PermissionRefused):
        proposal_attach(proposal=proposal, by=circle["mia"], files=[pdf()])
    (added,) = proposal_attach(proposal=proposal, by=circle["max"], files=[pdf()])
    with pytest.raises(PermissionRefused):
        proposal_attachment_delete(attachment=added, by=circle["mona"])
    proposal_attachment_delete(attachment=added, by=circle["max"])
    assert not ProposalAttachment.objects.exists()
    proposal_attach(proposal=proposal, by=circle["max"], files=[pdf()])
    proposal_decide(proposal=proposal, by=circle["max"], outcome="withdrawn", statement="Zurück.")
    with pytest.raises(PermissionRefused):
        proposal_attach(proposal=proposal, by=circle["max"], files=[pdf("b.pdf")])
    assert ProposalAttachment.objects.count() == 1


def test_a_bad_file_writes_nothing(circle, make_proposal):
    bad = SimpleUploadedFile("a.svg", b"<svg><script>alert(1)</script></svg>", "image/svg+xml")
    with pytest.raises(ServiceError) as refused:
        make_proposal(circle["max"], circle["community"], files=[bad])
    assert refused.value.code == "file_type_not_allowed"
    assert not Proposal.objects.exists()


def test_pages_upload_and_remove(circle, make_proposal, client_for):
    proposal = make_proposal(circle["max"], circle["community"])
    client = client_for(circle["max"])
    response = client.post(reverse("decisions:attach", args=[proposal.pk]), {"files": [pdf()]})
    assert response.status_code == 302
    attachment = ProposalAttachment.objects.get()
    assert (
        client_for(circle["mia"])
        .post(reverse("decisions:file_delete", args=[attachment.pk]))
        .status_code
        == 302
    )
    assert ProposalAttachment.objects.exists()  # refused, with a message
    client.post(reverse("decisions:file_delete", args=[attachment.pk]))
    assert not ProposalAttachment.objects.exists()
    assert (
        client_for(circle["otto"])
        .post(reverse("decisions:attach", args=[proposal.pk]), {"files": [pdf()]})
        .status_code
        == 404
    )


def test_api_files(circle, make_proposal, client_for):
    proposal = make_proposal(circle["max"], circle["community"])
    response = client_for(circle["max"]).post(
        f"/api/v1/decisions/{proposal.pk}/files", {"files": [pdf()]}
    )
    assert response.status_code == 201, response.content
    assert response.json()["files"][0]["name"] == "hintergrund.pdf"
    assert client_for(circle["mia"]).get(f"/api/v1/decisions/{proposal.pk}").json()["files"]
    assert (
        client_for(circle["mia"])
        .post(f"/api/v1/decisions/{proposal.pk}/files", {"files": [pdf()]})
        .status_code
        == 403
    )


def test_deadline_moved_back_is_told_again_once_per_date(circle, make_proposal):
    """The shared helper keys its ledger on the date: a deadline told, then moved and passed
    again, is told for the new date."""
    proposal = make_proposal(circle["max"], circle["community"])
    Proposal.objects.filter(pk=proposal.pk).update(deadline=timezone.now() - timedelta(hours=1))
    assert tasks.send_deadline_notices.call() == 1
    Proposal.objects.filter(pk=proposal.pk).update(
        deadline=timezone.now() - timedelta(minutes=5), deadline_notified_at=None
    )
    assert tasks.send_deadline_notices.call() == 1
    assert tasks.send_deadline_notices.call() == 0
    assert Notification.objects.filter(type="proposal_deadline").count() == 2
