"""Failures an operator can see and send again on purpose: e-mails that ended unknown or
failed for good, pushes that failed for good (Django admin, action "Send again")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from hanse.notifications import delivery, maintenance, services
from hanse.notifications import email as mail
from hanse.notifications.models import DeliveryState, EmailDelivery, Notification
from hanse.people.models import User
from hanse.posts.models import Post
from tests.notifications.smtp_server import Mailbox, smtp_fixture  # noqa: F401

CHANGELIST = "admin:notifications_emaildelivery_changelist"


def _mention(make_post: Callable[..., Post], people: dict[str, Any], body: str) -> Notification:
    ben = people["ben"]
    services.delivery_settings_update(user=ben, quiet_hours_start=None, quiet_hours_end=None)
    post = make_post(people["anna"], body=body)
    [made] = services.notify(type_key="mention", recipients=[ben], actor=people["anna"], post=post)
    return made


def _unknown(notification: Notification) -> EmailDelivery:
    """Interrupted while being handed to the mail server, as the recovery step leaves it."""
    delivery = mail.claim(
        key=f"notification:{notification.pk}",
        user=notification.recipient,
        kind=EmailDelivery.Kind.IMMEDIATE,
        notification=notification,
    )
    assert delivery is not None
    EmailDelivery.objects.filter(pk=delivery.pk).update(state=EmailDelivery.State.SENDING)
    later = timezone.now() + timedelta(minutes=maintenance.stuck_minutes() + 1)
    assert maintenance.recover_email_deliveries(later)["unknown"] == 1
    return EmailDelivery.objects.get(pk=delivery.pk)


def test_admin_lists_failed_emails_and_sends_them_again_once(
    smtp: Mailbox,
    people: dict[str, Any],
    make_post: Callable[..., Post],
    admin_user: User,
    client_for: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Gave up and unknown are listed; "Send again" sends each once and records who."""
    gave_up = _mention(make_post, people, "Erste Frage")
    smtp.refuse = 99
    assert delivery.deliver_emails.call([gave_up.pk], attempt=5) == {"failed": 1}
    smtp.refuse = 0
    unknown = _unknown(_mention(make_post, people, "Zweite Frage"))
    sent = _mention(make_post, people, "Dritte Frage")
    assert delivery.deliver_emails.call([sent.pk]) == {"sent": 1}
    assert len(smtp.messages) == 1
    client = client_for(admin_user)
    listed = client.get(reverse(CHANGELIST), {"state__exact": "gave_up"}).content.decode()
    assert f"notification:{gave_up.pk}" in listed
    assert f"notification:{sent.pk}" not in listed

    chosen = [d.pk for d in EmailDelivery.objects.all()]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(CHANGELIST), {"action": "send_again", "_selected_action": chosen}
        )
    assert response.status_code == 302
    assert len(smtp.messages) == 3  # the sent one is not sent again
    states = dict(EmailDelivery.objects.values_list("key", "state"))
    assert set(states.values()) == {EmailDelivery.State.SENT}
    assert unknown.key in states
    logged = LogEntry.objects.filter(user=admin_user, change_message="Sent again on purpose.")
    assert logged.count() == 2
    # Sending again what went out is refused quietly: nothing more arrives.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(CHANGELIST), {"action": "send_again", "_selected_action": chosen})
    assert len(smtp.messages) == 3


def test_failed_push_is_listed_and_sent_again_by_an_admin(
    people: dict[str, Any],
    make_post: Callable[..., Post],
    admin_user: User,
    client_for: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A push that failed for good leaves "failed"; "Send again" hands it to the sender."""
    notification = _mention(make_post, people, "Frage")
    Notification.objects.filter(pk=notification.pk).update(push_state=DeliveryState.FAILED)
    client = client_for(admin_user)
    changelist = reverse("admin:notifications_notification_changelist")
    listed = client.get(changelist, {"push_state__exact": "failed"}).content.decode()
    assert f"/{notification.pk}/change/" in listed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            changelist, {"action": "send_push_again", "_selected_action": [notification.pk]}
        )
    notification.refresh_from_db()
    # Handed to the sender, which skips it here (no device): no longer "failed".
    assert notification.push_state == DeliveryState.SKIPPED
    assert LogEntry.objects.filter(user=admin_user, object_id=str(notification.pk)).exists()
