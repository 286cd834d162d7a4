"""E-mail through a real SMTP server: headers, both parts, language, links, no duplicates,
retries with backoff, quiet hours, digests and the one-click unsubscribe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks import default_task_backend

from hanse.communities.models import Community
from hanse.communities.services import membership_leave
from hanse.notifications import delivery as notify_delivery
from hanse.notifications import email as mail
from hanse.notifications import maintenance, services
from hanse.notifications.models import (
    DeliverySettings,
    DeliveryState,
    EmailDelivery,
    Notification,
    NotificationPreference,
)
from hanse.people.models import User
from hanse.posts import notifications as hooks
from hanse.posts.models import Post
from tests.notifications.smtp_server import Mailbox, parts, smtp_fixture  # noqa: F401

DUMMY_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["live", "default"],
    }
}


def no_quiet_hours(user: User) -> None:
    services.delivery_settings_update(user=user, quiet_hours_start=None, quiet_hours_end=None)


def mention(post: Post, person: User) -> Notification:
    made = services.notify(type_key="mention", recipients=[person], actor=post.author, post=post)
    assert len(made) == 1
    return made[0]


@pytest.fixture
def mentioned(people: dict[str, Any], make_post: Callable[..., Post]) -> tuple[Notification, Post]:
    no_quiet_hours(people["ben"])
    post = make_post(people["anna"], body="Wer kommt morgen zum Frühstück?")
    return mention(post, people["ben"]), post


def test_immediate_email_arrives_with_headers_and_both_parts(
    smtp: Mailbox, mentioned: tuple[Notification, Post], settings: Any
) -> None:
    """A mention is mailed right away: multipart, absolute links, List-Unsubscribe headers."""
    settings.SITE_URL = "https://hanse.example.org"
    notification, _post = mentioned
    counts = notify_delivery.deliver_emails.call([notification.pk])
    assert counts == {"sent": 1}
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "ben@example.org"
    assert message["Subject"] == "Anna Schmidt mentioned you in a post"
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<https://hanse.example.org/notifications/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    open_url = f"https://hanse.example.org/notifications/{notification.pk}/"
    assert open_url in text and open_url in html
    assert "Wer kommt morgen zum Frühstück?" in text
    assert unsubscribe[1:-1] in text and unsubscribe[1:-1] in html
    assert "https://hanse.example.org/notifications/settings/" in html
    assert '<html lang="en">' in html
    assert "<table" in html  # table layout for Outlook
    notification.refresh_from_db()
    assert notification.email_state == DeliveryState.SENT
    assert notification.emailed_at is not None
    delivery = EmailDelivery.objects.get(key=f"notification:{notification.pk}")
    assert delivery.state == EmailDelivery.State.SENT
    assert delivery.message_id == message["Message-ID"]


def test_email_is_in_the_recipients_language(
    smtp: Mailbox, people: dict[str, Any], make_post: Callable[..., Post], settings: Any
) -> None:
    """The recipient's interface language wins over the site default."""
    settings.LANGUAGE_CODE = "en"
    ben = people["ben"]
    ben.ui_language = "de"
    ben.save(update_fields=["ui_language"])
    no_quiet_hours(ben)
    notification = mention(make_post(people["anna"]), ben)
    notify_delivery.deliver_emails.call([notification.pk])
    _text, html = parts(smtp.messages[0])
    assert '<html lang="de">' in html


def test_delivering_twice_sends_one_email(
    smtp: Mailbox, mentioned: tuple[Notification, Post]
) -> None:
    """A second delivery of the same notification finds it claimed and sends nothing."""
    notification, _post = mentioned
    notify_delivery.deliver_emails.call([notification.pk])
    Notification.objects.filter(pk=notification.pk).update(email_state=DeliveryState.PENDING)
    second = notify_delivery.deliver_emails.call([notification.pk])
    assert second == {"busy": 1}
    assert len(smtp.messages) == 1
    assert EmailDelivery.objects.count() == 1


def test_crash_after_claim_is_recovered_with_exactly_one_email(
    smtp: Mailbox, mentioned: tuple[Notification, Post]
) -> None:
    """Claimed, then the worker dies before sending: recovery sends it, once."""
    notification, _post = mentioned
    delivery = mail.claim(
        key=f"notification:{notification.pk}",
        user=notification.recipient,
        kind=EmailDelivery.Kind.IMMEDIATE,
        notification=notification,
    )
    assert delivery is not None
    # The "dead" worker's claim blocks any other sender ...
    assert notify_delivery.deliver_emails.call([notification.pk]) == {"busy": 1}
    assert smtp.messages == []
    # ... until the recovery step decides: nothing was handed over, so try again.
    later = timezone.now() + timedelta(minutes=maintenance.stuck_minutes() + 1)
    assert maintenance.recover_email_deliveries(later) == {"retried": 1, "unknown": 0}
    assert len(smtp.messages) == 1
    # A second recovery run and another delivery change nothing.
    assert maintenance.recover_email_deliveries(later) == {"retried": 0, "unknown": 0}
    notify_delivery.deliver_emails.call([notification.pk])
    assert len(smtp.messages) == 1
    assert EmailDelivery.objects.get().state == EmailDelivery.State.SENT


def test_crash_while_sending_is_not_sent_again(
    smtp: Mailbox, mentioned: tuple[Notification, Post]
) -> None:
    """Killed while handing the message over: at-most-once, it is marked unknown."""
    notification, _post = mentioned
    delivery = mail.claim(
        key=f"notification:{notification.pk}",
        user=notification.recipient,
        kind=EmailDelivery.Kind.IMMEDIATE,
        notification=notification,
    )
    assert delivery is not None
    EmailDelivery.objects.filter(pk=delivery.pk).update(state=EmailDelivery.State.SENDING)
    later = timezone.now() + timedelta(minutes=maintenance.stuck_minutes() + 1)
    assert maintenance.recover_email_deliveries(later) == {"retried": 0, "unknown": 1}
    notify_delivery.deliver_emails.call([notification.pk])
    maintenance.sweep_pending_emails(later)
    assert smtp.messages == []
    delivery.refresh_from_db()
    assert delivery.state == EmailDelivery.State.UNKNOWN
    notification.refresh_from_db()
    assert notification.email_state == DeliveryState.SKIPPED


def test_refused_email_is_retried_with_backoff_then_sent(
    smtp: Mailbox, mentioned: tuple[Notification, Post], settings: Any
) -> None:
    """The server answers 451: the task re-enqueues itself later, and then it goes out."""
    settings.TASKS = DUMMY_TASKS
    notification, _post = mentioned
    smtp.refuse = 1
    before = timezone.now()
    counts = notify_delivery.deliver_emails.call([notification.pk])
    assert counts == {"failed": 1}
    assert smtp.messages == []
    delivery = EmailDelivery.objects.get()
    assert delivery.state == EmailDelivery.State.FAILED
    assert "451" in delivery.last_error
    [retry] = default_task_backend.results  # type: ignore[attr-defined]
    assert retry.task.name == "deliver_emails"
    assert retry.args == [[notification.pk]] or retry.args == ([notification.pk],)
    assert retry.kwargs == {"attempt": 2}
    assert retry.task.run_after is not None
    assert retry.task.run_after >= before + notify_delivery.backoff(1)
    assert notify_delivery.backoff(2) == 2 * notify_delivery.backoff(1)
    # The worker runs the retry when it is due.
    assert notify_delivery.deliver_emails.call([notification.pk], attempt=2) == {"sent": 1}
    assert len(smtp.messages) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (EmailDelivery.State.SENT, 2)


def test_email_gives_up_after_five_attempts(
    smtp: Mailbox, mentioned: tuple[Notification, Post], settings: Any
) -> None:
    """The fifth failure is the last: nothing more is queued and the row says so."""
    settings.TASKS = DUMMY_TASKS
    notification, _post = mentioned
    smtp.refuse = 99
    assert notify_delivery.deliver_emails.call([notification.pk], attempt=5) == {"failed": 1}
    assert default_task_backend.results == []  # type: ignore[attr-defined]
    assert EmailDelivery.objects.get().state == EmailDelivery.State.GAVE_UP
    notification.refresh_from_db()
    assert notification.email_state == DeliveryState.SKIPPED


def test_unreachable_server_fails_and_is_retried(
    mentioned: tuple[Notification, Post], settings: Any
) -> None:
    """No server listening at all counts as a failure to retry, not a crash."""
    settings.TASKS = DUMMY_TASKS
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    notification, _post = mentioned
    assert notify_delivery.deliver_emails.call([notification.pk]) == {"failed": 1}
    assert len(default_task_backend.results) == 1  # type: ignore[attr-defined]


def test_quiet_hours_defer_email_to_their_end(
    people: dict[str, Any], make_post: Callable[..., Post], settings: Any
) -> None:
    """Inside quiet hours the e-mail is queued for the end of them, not sent."""
    settings.TASKS = DUMMY_TASKS
    ben = people["ben"]
    services.delivery_settings_update(
        user=ben,
        quiet_hours_start=time(0, 0),
        quiet_hours_end=time(23, 59),
        timezone_name="Europe/Berlin",
    )
    notification = mention(make_post(people["anna"]), ben)
    assert notify_delivery.queue_delivery([notification.pk]) == 1
    [queued] = [
        r
        for r in default_task_backend.results  # type: ignore[attr-defined]
        if r.task.name == "deliver_emails"
    ]
    berlin = ZoneInfo("Europe/Berlin")
    now_local = timezone.now().astimezone(berlin)
    expected = datetime.combine(now_local.date(), time(23, 59), tzinfo=berlin)
    if expected <= now_local:
        expected += timedelta(days=1)
    assert queued.task.run_after == expected
    # Run early by mistake, it defers again rather than sending.
    counts = notify_delivery.deliver_emails.call([notification.pk])
    assert counts == {"deferred": 1}
    assert EmailDelivery.objects.count() == 0


def test_quiet_until_across_midnight() -> None:
    """22:00 to 06:30: at 23:00 the e-mail waits until 06:30 the next morning."""
    berlin = ZoneInfo("Europe/Berlin")
    delivery = DeliverySettings(
        quiet_hours_start=time(22, 0), quiet_hours_end=time(6, 30), timezone="Europe/Berlin"
    )
    at = datetime(2026, 3, 3, 23, 0, tzinfo=berlin)
    assert notify_delivery.quiet_until(delivery, at) == datetime(2026, 3, 4, 6, 30, tzinfo=berlin)
    assert notify_delivery.quiet_until(delivery, datetime(2026, 3, 4, 12, 0, tzinfo=berlin)) is None


def test_read_or_invisible_notification_is_not_mailed(
    smtp: Mailbox,
    people: dict[str, Any],
    make_post: Callable[..., Post],
    make_community: Callable[..., Community],
) -> None:
    """Read in the app before the mail went, or no longer visible: no e-mail."""
    anna, ben = people["anna"], people["ben"]
    no_quiet_hours(ben)
    read = mention(make_post(anna), ben)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    community = make_community(Community.Kind.PRIVATE, owner=anna, members=(ben,))
    gone = mention(make_post(anna, community=community), ben)
    membership_leave(community=community, user=ben)
    counts = notify_delivery.deliver_emails.call([read.pk, gone.pk])
    assert counts == {"skipped": 2}
    assert smtp.messages == []


# --- digests ------------------------------------------------------------------------------


def test_daily_digest_holds_only_what_was_missed_and_is_visible(
    smtp: Mailbox,
    people: dict[str, Any],
    make_post: Callable[..., Post],
    make_comment: Callable[..., Any],
    make_community: Callable[..., Community],
) -> None:
    """Unread, digest-bound, still visible: in. Read, or from a community left: out."""
    anna, ben, cem = people["anna"], people["ben"], people["cem"]
    no_quiet_hours(anna)
    community = make_community(Community.Kind.PRIVATE, owner=ben, members=(anna,))
    public = make_post(anna, body="Neue Öffnungszeiten in Mölln")
    secret_post = make_post(anna, body="Nur für die Gruppe", community=community)
    comment_public = make_comment(public, ben, body="Danke für die Info")
    hooks.on_comment_created(comment_public)
    comment_read = make_comment(public, cem, body="Schon gelesen")
    comment_group = make_comment(secret_post, ben, body="Im Kreis besprochen")
    hooks.on_comment_created(comment_group)
    # cem's reply is grouped into the same row as ben's; mark a separate one read instead.
    read = services.notify(
        type_key="join_request_declined", recipients=[anna], actor=ben, community=community
    )[0]
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    assert comment_read.pk
    membership_leave(community=community, user=anna)

    assert notify_delivery.send_digests.call("daily") == 1
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "anna_s@example.org"
    assert message["Subject"] == "Your day on Hanse: 1 new notification"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert "Ben Meyer commented on your post “Neue Öffnungszeiten in Mölln”" in text
    assert "Im Kreis besprochen" not in text and "Im Kreis besprochen" not in html
    assert "Stop digest e-mails" in html
    assert "Comments on my posts" in html  # per-type unsubscribe link
    states = dict(Notification.objects.filter(recipient=anna).values_list("type", "email_state"))
    assert states["reply_to_post"] == DeliveryState.SENT
    # Nothing is left waiting for a later digest.
    assert not Notification.objects.filter(recipient=anna, email_state="digest").exists()
    # The same period never gets a second digest.
    Notification.objects.filter(recipient=anna).update(email_state=DeliveryState.DIGEST)
    notify_delivery.send_digests.call("daily")
    assert len(smtp.messages) == 1


def test_digest_dates_follow_the_recipients_language(
    smtp: Mailbox, people: dict[str, Any], make_post: Callable[..., Post]
) -> None:
    """A German reader gets German date formats and lang="de"."""
    anna, ben = people["anna"], people["ben"]
    anna.ui_language = "de"
    anna.save(update_fields=["ui_language"])
    no_quiet_hours(anna)
    post = make_post(anna)
    services.notify(
        type_key="reply_to_post", recipients=[anna], actor=ben, post=post, group_key="x"
    )
    notify_delivery.send_digests.call("daily")
    text, html = parts(smtp.messages[0])
    assert '<html lang="de">' in html
    today = timezone.now().astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y")
    assert today in text


def test_weekly_digest_only_for_people_who_chose_it(
    smtp: Mailbox, people: dict[str, Any], make_post: Callable[..., Post]
) -> None:
    """The weekly job skips daily readers; people with digests off lose the backlog."""
    anna, ben, cem = people["anna"], people["ben"], people["cem"]
    for person, frequency in ((anna, "weekly"), (ben, "daily"), (cem, "immediate")):
        services.delivery_settings_update(
            user=person, email_frequency="daily", quiet_hours_start=None, quiet_hours_end=None
        )
        for author in people.values():
            if author != person:
                services.notify(
                    type_key="reply_to_post",
                    recipients=[person],
                    actor=author,
                    post=make_post(person),
                )
                break
        services.delivery_settings_update(user=person, email_frequency=frequency)
    assert notify_delivery.send_digests.call("weekly") == 1
    assert [m["To"] for m in smtp.messages] == ["anna_s@example.org"]
    assert smtp.messages[0]["Subject"] == "Your week on Hanse: 1 new notification"
    assert notify_delivery.send_digests.call("daily") == 1
    assert [m["To"] for m in smtp.messages][-1] == "ben@example.org"
    assert Notification.objects.get(recipient=cem).email_state == DeliveryState.SKIPPED


def test_digest_failure_is_retried_and_sent_once(
    smtp: Mailbox, people: dict[str, Any], make_post: Callable[..., Post], settings: Any
) -> None:
    """A refused digest is re-queued with backoff; the retry takes over the failed claim."""
    settings.TASKS = DUMMY_TASKS
    anna = people["anna"]
    no_quiet_hours(anna)
    services.notify(
        type_key="reply_to_post", recipients=[anna], actor=people["ben"], post=make_post(anna)
    )
    smtp.refuse = 1
    assert notify_delivery.send_digest.call(anna.pk, "daily", "2026-03-02") == "failed"
    [retry] = default_task_backend.results  # type: ignore[attr-defined]
    assert retry.kwargs == {"attempt": 2}
    assert notify_delivery.send_digest.call(anna.pk, "daily", "2026-03-02", attempt=2) == "sent"
    assert notify_delivery.send_digest.call(anna.pk, "daily", "2026-03-02") == "busy"
    assert len(smtp.messages) == 1


# --- unsubscribe --------------------------------------------------------------------------


def test_one_click_unsubscribe_post_without_session_stops_that_type(
    smtp: Mailbox, people: dict[str, Any], make_post: Callable[..., Post]
) -> None:
    """RFC 8058: a bare POST to the List-Unsubscribe URL, no login, no CSRF token."""
    ben = people["ben"]
    no_quiet_hours(ben)
    first = mention(make_post(people["anna"]), ben)
    notify_delivery.deliver_emails.call([first.pk])
    url = str(smtp.messages[0]["List-Unsubscribe"]).strip()[1:-1]
    path = url.removeprefix("http://127.0.0.1:8000")
    client = Client(enforce_csrf_checks=True)
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You will no longer receive e-mails about “Mentions”." in response.content.decode()
    preference = NotificationPreference.objects.get(user=ben, type="mention", channel="email")
    assert preference.enabled is False
    second = mention(make_post(people["cem"]), ben)
    assert second.email_state == DeliveryState.NONE
    notify_delivery.deliver_emails.call([second.pk])
    assert len(smtp.messages) == 1


def test_unsubscribe_get_asks_first(people: dict[str, Any]) -> None:
    """GET shows a confirmation with a button and a link to the settings; nothing changes."""
    token = mail.unsubscribe_token(user_id=people["ben"].pk, type_key="mention")
    response = Client().get(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Do you want to stop e-mails about “Mentions” to ben@example.org?" in page
    assert '<button type="submit" class="button">Unsubscribe</button>' in page
    assert 'href="/notifications/settings/"' in page
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_unsubscribe_token_is_refused(people: dict[str, Any], method: str) -> None:
    """Another person's id or type in the token breaks the signature: 400, nothing changes."""
    token = mail.unsubscribe_token(user_id=people["ben"].pk, type_key="mention")
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    response = getattr(Client(), method)(f"/notifications/unsubscribe/{forged}/")
    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_digest_unsubscribe_turns_digests_off(people: dict[str, Any]) -> None:
    """The digest's link switches the person to right-away e-mail only."""
    anna = people["anna"]
    token = mail.unsubscribe_token(user_id=anna.pk, type_key=mail.DIGEST)
    response = Client().post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 200
    assert DeliverySettings.objects.get(user=anna).email_frequency == "immediate"
