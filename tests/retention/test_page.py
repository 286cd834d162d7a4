"""The retention page: platform administrators only; confirming there opens the gate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hanse.audit.models import AuditEntry
from hanse.core.models import RetentionState
from hanse.notifications.models import Notification

pytestmark = pytest.mark.django_db

URL = reverse("core:retention")


# Actor x method -> outcome. Unknown and refused look the same (404); anonymous is sent to sign
# in. There are no community kinds: retention belongs to the platform.
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 302),
        ("member", 404),
        ("staff", 404),
        ("inactive_superuser", 302),
        ("platform_admin", None),  # 200 for GET, 302 back to the page for POST
    ],
)
def test_permission_table(
    actor: str, expected: int | None, method: str, make_user: Any, client_for: Any, admin_user: Any
) -> None:
    people = {
        "anonymous": None,
        "member": make_user("m"),
        "staff": make_user("s", is_staff=True),
        "inactive_superuser": make_user("i", is_superuser=True, is_staff=True, is_active=False),
        "platform_admin": admin_user,
    }
    client = client_for(people[actor])
    response = getattr(client, method)(URL, {"key": "notifications"} if method == "post" else {})
    if expected is None:
        expected = 200 if method == "get" else 302
    assert response.status_code == expected
    confirmed = RetentionState.objects.filter(confirmed_days__isnull=False).exists()
    assert confirmed == (actor == "platform_admin" and method == "post")
    if expected == 302 and actor != "platform_admin":
        assert "/login" in response["Location"] or "login" in response["Location"]


def test_the_page_shows_the_preview_and_confirming_opens_the_gate(
    admin_user: Any, client_for: Any, make_user: Any, settings: Any
) -> None:
    """Counts per type; a confirmation is recorded with who gave it, in the audit log too."""
    settings.RETENTION_NOTIFICATIONS_DAYS = 30
    anna = make_user("anna")
    n = Notification.objects.create(recipient=anna, type="mention")
    old = timezone.now() - timedelta(days=40)
    Notification.objects.filter(pk=n.pk).update(read_at=old, updated_at=old)
    client = client_for(admin_user)
    page = client.get(URL).content.decode()
    assert "Read notifications" in page and "RETENTION_NOTIFICATIONS_DAYS" in page
    assert "Confirm deletion" in page
    response = client.post(URL, {"key": "notifications"})
    assert response.status_code == 302
    state = RetentionState.objects.get(key="notifications")
    assert (state.confirmed_days, state.confirmed_by_id, state.preview_count) == (
        30,
        admin_user.pk,
        1,
    )
    entry = AuditEntry.objects.get(action="retention.confirmed")
    assert entry.actor_id == admin_user.pk and entry.data["count"] == 1


def test_an_unknown_type_is_a_clear_error(admin_user: Any, client_for: Any) -> None:
    """Not a 500: a message, nothing confirmed."""
    response = client_for(admin_user).post(URL, {"key": "nope"}, follow=True)
    assert response.status_code == 200
    assert "Choose one of the listed types." in response.content.decode()
    assert not RetentionState.objects.exists()
