"""Moderation flows: the API, the reporter told the outcome, the author told the reason,
warnings, suspensions (no sign-in, no API, sessions ended), history and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hanse.api.services import token_create
from hanse.audit.models import AuditEntry
from hanse.moderation import selectors, services
from hanse.moderation.models import Decision, Report, Suspension
from hanse.notifications.models import Notification
from hanse.people.models import User
from tests.conftest import PASSWORD
from tests.moderation.conftest import ModCast

pytestmark = pytest.mark.django_db


def test_api_report_queue_and_decision(
    mod: ModCast, client_for: Callable[[User | None], Client]
) -> None:
    """Report over the API, see it in the moderator's queue (an offset page), hide it."""
    post = mod.content["post"]
    member = client_for(mod.member)
    body = {"kind": "post", "object_id": post.pk, "category": "harassment", "text": "Beleidigung"}
    created = member.post("/api/v1/moderation/reports", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "open"
    again = member.post("/api/v1/moderation/reports", body, content_type="application/json")
    assert again.status_code == 400
    # Unknown, invisible and invalid answer clearly, never 500.
    outsider = client_for(mod.outsider)
    assert (
        outsider.post(
            "/api/v1/moderation/reports", body, content_type="application/json"
        ).status_code
        == 404
    )
    bad = {**body, "category": "nonsense"}
    assert (
        client_for(mod.admin)
        .post("/api/v1/moderation/reports", bad, content_type="application/json")
        .status_code
        == 400
    )
    unknown = {**body, "kind": "nonsense"}
    assert (
        member.post(
            "/api/v1/moderation/reports", unknown, content_type="application/json"
        ).status_code
        == 404
    )

    assert member.get("/api/v1/moderation/queue").status_code == 403
    assert client_for(None).get("/api/v1/moderation/queue").status_code == 401
    queue = client_for(mod.community_moderator).get("/api/v1/moderation/queue?limit=10").json()
    assert queue["total"] == 1 and queue["limit"] == 10 and queue["offset"] == 0
    item = queue["items"][0]
    assert item["reporter"]["username"] == "mia"
    assert item["author"]["username"] == "anja"
    assert item["community"] == mod.community.slug
    assert "Betrüger" in item["excerpt"]

    decide = f"/api/v1/moderation/content/post/{post.pk}/decision"
    hide = {"action": "hide", "reason": "Beleidigung eines Kunden"}
    assert member.post(decide, hide, content_type="application/json").status_code == 403
    done = client_for(mod.community_moderator).post(decide, hide, content_type="application/json")
    assert done.json() == {"kind": "post", "object_id": post.pk, "state": "hidden"}
    assert client_for(mod.community_moderator).get("/api/v1/moderation/queue").json()["total"] == 0


def test_reporter_and_author_are_told(
    mod: ModCast, django_capture_on_commit_callbacks: Any
) -> None:
    """The reporter learns the outcome; the author receives the reason."""
    post = mod.content["post"]
    services.report_create(
        reporter=mod.member, kind="post", object_id=post.pk, category="spam", text=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.content_remove(
            by=mod.community_moderator, kind="post", object_id=post.pk, reason="Kundendaten"
        )
    to_reporter = Notification.objects.get(recipient=mod.member, type="moderation_report_decided")
    assert to_reporter.data["outcome"] == "removed"
    to_author = Notification.objects.get(recipient=mod.author, type="moderation_decision")
    assert to_author.data["reason"] == "Kundendaten"
    assert to_author.data["action"] == "remove"


def test_dismiss_warn_and_history(mod: ModCast) -> None:
    """Dismissing closes the reports; a warning is recorded; the history shows both."""
    message = mod.content["chat_message"]
    services.report_create(
        reporter=mod.member, kind="chat_message", object_id=message.pk, category="other", text="?"
    )
    assert (
        services.reports_dismiss(
            by=mod.community_moderator, kind="chat_message", object_id=message.pk
        )
        == 1
    )
    services.person_warn(
        by=mod.community_moderator, kind="chat_message", object_id=message.pk, reason="Bitte nicht"
    )
    # A new report on the same content is possible once the first is decided.
    services.report_create(
        reporter=mod.member, kind="chat_message", object_id=message.pk, category="spam"
    )
    assert [r.outcome for r in selectors.content_history("chat_message", message.pk)] == [
        "dismissed"
    ]
    history = selectors.person_history(mod.author.pk)
    assert [d.action for d in history["decisions"]] == ["warn", "dismiss"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"moderation.reported", "moderation.dismissed", "moderation.warned"} <= actions


def test_reason_required_and_other_needs_text(mod: ModCast) -> None:
    """Hiding needs a reason; "something else" needs a text; nothing is written otherwise."""
    from hanse.core.errors import ServiceError

    post = mod.content["post"]
    with pytest.raises(ServiceError, match="reason"):
        services.content_hide(by=mod.admin, kind="post", object_id=post.pk, reason="  ")
    with pytest.raises(ServiceError):
        services.report_create(
            reporter=mod.member, kind="post", object_id=post.pk, category="other", text=""
        )
    assert not Report.objects.exists() and not Decision.objects.exists()


def test_suspension(mod: ModCast, client_for: Callable[[User | None], Client]) -> None:
    """Suspended: signed out now, no sign-in, no API token, until lifted; platform
    moderators only; recorded."""
    from hanse.core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        services.person_suspend(by=mod.community_moderator, subject=mod.author, days=3, reason="x")
    with pytest.raises(PermissionRefused):
        services.person_suspend(by=mod.author, subject=mod.author, days=3, reason="x")

    browser = Client()  # signed in through the form, as a person is
    browser.post("/accounts/login/", {"login": mod.author.username, "password": PASSWORD})
    assert browser.get("/").status_code == 200
    raw = token_create(user=mod.author, name="Skript").raw
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/people/me").status_code == 200

    suspension = services.person_suspend(
        by=mod.platform_moderator, subject=mod.author, days=3, reason="Wiederholte Beleidigungen"
    )
    assert Suspension.objects.filter(user=mod.author, lifted_at__isnull=True).exists()
    page = browser.get("/")
    # Every session ended at once: the login page, which refuses the person (below).
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert api.get("/api/v1/people/me").status_code == 401

    login = Client().post("/accounts/login/", {"login": mod.author.username, "password": PASSWORD})
    assert "/moderation/suspended/" in login.get("Location", "")
    assert "moderation.suspended" in AuditEntry.objects.values_list("action", flat=True)

    services.suspension_lift(by=mod.platform_moderator, suspension=suspension)
    assert api.get("/api/v1/people/me").status_code == 200
