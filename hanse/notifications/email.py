"""E-mail: one notification right away, or a digest of what the person missed.

Every e-mail is claimed before it is sent (:func:`claim`): an ``EmailDelivery`` row with a
unique key is inserted, or a failed one is moved back with a conditional UPDATE. Only the
claimant sends. The row then goes ``claimed`` -> ``sending`` (just before the message is
handed to the mail server) -> ``sent``. A worker killed in ``claimed`` has sent nothing, so
the recovery step lets it be tried again; one killed in ``sending`` may or may not have handed
the message over, and Hanse chooses at-most-once there: the row becomes ``unknown`` and the
e-mail is not sent again (the notification stays in the bell). See docs/notifications.md.

Messages are multipart/alternative (plain text and a table-based HTML part that Outlook
renders), in the recipient's language, with absolute links, ``List-Unsubscribe`` and
``List-Unsubscribe-Post`` (RFC 8058) headers and a one-click unsubscribe link per type.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _g
from django.utils.translation import ngettext

from hanse.notifications import registry
from hanse.notifications.models import (
    Channel,
    DeliverySettings,
    DeliveryState,
    EmailDelivery,
    Notification,
)
from hanse.notifications.selectors import notifications_visible_to, present_types
from hanse.observability import metrics

if TYPE_CHECKING:
    from django.core.mail.backends.base import BaseEmailBackend

    from hanse.people.models import User

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "hanse.notifications.unsubscribe"
# The pseudo-type of a digest's unsubscribe link: it stops digests, not a type.
DIGEST = "digest"
DIGEST_ITEMS_SHOWN = 50


# --- links and tokens ---------------------------------------------------------------------


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    type_key: str  # a registered type, or DIGEST
    channel: str


def unsubscribe_token(*, user_id: int, type_key: str, channel: str = Channel.EMAIL) -> str:
    """A signed token for one person, type and channel; it does not expire (mail lives long)."""
    return signing.dumps([user_id, type_key, channel], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> Unsubscribe:
    """The token's content; raises ``signing.BadSignature`` when it was altered."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not (isinstance(value, list) and len(value) == 3):
        raise signing.BadSignature("Unexpected token content.")
    user_id, type_key, channel = value
    if not isinstance(user_id, int) or not isinstance(type_key, str):
        raise signing.BadSignature("Unexpected token content.")
    if channel not in Channel.values:
        raise signing.BadSignature("Unexpected channel.")
    if type_key != DIGEST:
        try:
            registry.get(type_key)
        except LookupError:
            raise signing.BadSignature("Unknown type.") from None
    return Unsubscribe(user_id=user_id, type_key=type_key, channel=channel)


def unsubscribe_url(*, user_id: int, type_key: str, channel: str = Channel.EMAIL) -> str:
    token = unsubscribe_token(user_id=user_id, type_key=type_key, channel=channel)
    return absolute(reverse("notifications:unsubscribe", args=[token]))


def language_of(user: User) -> str:
    language = getattr(user, "ui_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# --- claiming -----------------------------------------------------------------------------


def claim(
    *, key: str, user: User, kind: str, notification: Notification | None = None
) -> EmailDelivery | None:
    """Claim the right to send the e-mail with this key; None when someone else has it, it
    went out already, or it must not be sent again."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return EmailDelivery.objects.create(
                key=key,
                user=user,
                kind=kind,
                notification=notification,
                state=EmailDelivery.State.CLAIMED,
                claimed_at=now,
            )
    except IntegrityError:
        pass
    # Only a failed attempt may be taken over, and only by one claimant: the UPDATE's WHERE
    # decides atomically.
    taken = EmailDelivery.objects.filter(key=key, state=EmailDelivery.State.FAILED).update(
        state=EmailDelivery.State.CLAIMED, claimed_at=now, attempts=F("attempts") + 1
    )
    if not taken:
        return None
    return EmailDelivery.objects.get(key=key)


def _set_state(delivery: EmailDelivery, state: str, **fields: Any) -> None:
    delivery.state = state
    for name, value in fields.items():
        setattr(delivery, name, value)
    delivery.save(update_fields=["state", *fields])


class SendFailed(Exception):
    """The mail server did not take the message; the delivery is marked failed."""


def send_claimed(
    delivery: EmailDelivery, message: EmailMultiAlternatives, connection: BaseEmailBackend
) -> None:
    """Hand a claimed message to the mail server and record the outcome."""
    message_id = message.extra_headers.get("Message-ID", "")
    _set_state(delivery, EmailDelivery.State.SENDING, message_id=message_id)
    try:
        sent = connection.send_messages([message])
    except Exception as exc:  # SMTP errors, refused connections, timeouts
        metrics.deliveries.labels("email", "failed").inc()
        _set_state(delivery, EmailDelivery.State.FAILED, last_error=repr(exc)[:2000])
        raise SendFailed(str(exc)) from exc
    if not sent:
        metrics.deliveries.labels("email", "failed").inc()
        _set_state(delivery, EmailDelivery.State.FAILED, last_error="not accepted")
        raise SendFailed("The mail server did not accept the message.")
    metrics.deliveries.labels("email", "sent").inc()
    _set_state(delivery, EmailDelivery.State.SENT, sent_at=timezone.now(), last_error="")


# --- building messages --------------------------------------------------------------------


def _headers(unsubscribe: str) -> dict[str, str]:
    return {
        "Message-ID": make_msgid(domain=_mail_domain()),
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


def _mail_domain() -> str:
    from urllib.parse import urlparse

    return urlparse(settings.SITE_URL).hostname or "localhost"


def _message(
    *, user: User, subject: str, template: str, context: dict[str, Any], unsubscribe: str
) -> EmailMultiAlternatives:
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " ").strip()[:200],
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers=_headers(unsubscribe),
    )
    message.attach_alternative(html, "text/html")
    return message


def _base_context(user: User) -> dict[str, Any]:
    return {
        "recipient": user,
        "site_name": settings.HANSE_SITE_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute(reverse("notifications:preferences")),
        "language": language_of(user),
    }


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail for one notification, in the recipient's language."""
    user = notification.recipient
    ntype = registry.get(notification.type)
    with translation.override(language_of(user)):
        text = ntype.render(notification)
        unsubscribe = unsubscribe_url(user_id=user.pk, type_key=ntype.key)
        context = {
            **_base_context(user),
            "title": text.title,
            "body": text.body,
            "url": absolute(reverse("notifications:open", args=[notification.pk])),
            "type_label": str(ntype.label),
            "unsubscribe_url": unsubscribe,
        }
        return _message(
            user=user,
            subject=text.title,
            template="notification",
            context=context,
            unsubscribe=unsubscribe,
        )


@dataclass(frozen=True)
class DigestLine:
    title: str
    body: str
    url: str
    when: Any


def digest_message(
    *, user: User, notifications: Sequence[Notification], frequency: str, more: int
) -> EmailMultiAlternatives:
    """A digest of the notifications (already checked: unread, visible), newest first."""
    with translation.override(language_of(user)):
        lines = []
        type_keys: list[str] = []
        for n in notifications:
            ntype = registry.get(n.type)
            text = ntype.render(n)
            lines.append(
                DigestLine(
                    title=text.title,
                    body=text.body,
                    url=absolute(reverse("notifications:open", args=[n.pk])),
                    when=n.updated_at,
                )
            )
            if n.type not in type_keys:
                type_keys.append(n.type)
        total = len(notifications) + more
        if frequency == EmailDelivery.Kind.WEEKLY:
            subject = ngettext(
                "Your week on %(site)s: %(count)s new notification",
                "Your week on %(site)s: %(count)s new notifications",
                total,
            )
            heading = _g("What you missed this week")
        else:
            subject = ngettext(
                "Your day on %(site)s: %(count)s new notification",
                "Your day on %(site)s: %(count)s new notifications",
                total,
            )
            heading = _g("What you missed yesterday")
        subject = subject % {"site": settings.HANSE_SITE_NAME, "count": total}
        stop_digest = unsubscribe_url(user_id=user.pk, type_key=DIGEST)
        per_type = [
            {
                "label": str(registry.get(key).label),
                "url": unsubscribe_url(user_id=user.pk, type_key=key),
            }
            for key in type_keys
        ]
        context = {
            **_base_context(user),
            "heading": heading,
            "lines": lines,
            "more": more,
            "all_url": absolute(reverse("notifications:list")),
            "unsubscribe_url": stop_digest,
            "per_type": per_type,
            "timezone": _timezone_of(user),
        }
        return _message(
            user=user,
            subject=subject,
            template="digest",
            context=context,
            unsubscribe=stop_digest,
        )


def _timezone_of(user: User) -> str:
    found = DeliverySettings.objects.filter(user=user).values_list("timezone", flat=True).first()
    return found or settings.TIME_ZONE


# --- sending ------------------------------------------------------------------------------


class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"
    BUSY = "busy"  # claimed by someone else, or already sent: nothing to do here
    FAILED = "failed"


def send_notification_email(notification: Notification, connection: BaseEmailBackend) -> str:
    """Send one notification's e-mail at most once; returns an :class:`Outcome`."""
    if notification.email_state != DeliveryState.PENDING:
        return Outcome.BUSY
    user = notification.recipient
    delivery = claim(
        key=f"notification:{notification.pk}",
        user=user,
        kind=EmailDelivery.Kind.IMMEDIATE,
        notification=notification,
    )
    if delivery is None:
        return Outcome.BUSY
    ntype = registry.get(notification.type)
    # Read in the app already, or no longer visible (left the community, post deleted or
    # moved): the e-mail has nothing to tell.
    if not user.email or notification.read_at is not None or not ntype.can_see(user, notification):
        _set_state(delivery, EmailDelivery.State.SKIPPED)
        Notification.objects.filter(pk=notification.pk).update(email_state=DeliveryState.SKIPPED)
        return Outcome.SKIPPED
    message = notification_message(notification)
    try:
        send_claimed(delivery, message, connection)
    except SendFailed:
        return Outcome.FAILED
    Notification.objects.filter(pk=notification.pk).update(
        email_state=DeliveryState.SENT, emailed_at=timezone.now()
    )
    return Outcome.SENT


def digest_items(*, user: User) -> list[Notification]:
    """What the person missed: unread, waiting for a digest, still visible; newest first
    (the visibility checks built for the types waiting only)."""
    waiting = Q(email_state=DeliveryState.DIGEST, read_at__isnull=True)
    types = present_types(user=user, where=waiting)
    if not types:
        return []
    return list(
        notifications_visible_to(user=user, types=types)
        .filter(waiting)
        .select_related("actor", "post", "comment", "community", "recipient")
        .order_by("-updated_at", "-id")
    )


def send_digest_email(
    *, user: User, frequency: str, period_key: str, connection: BaseEmailBackend
) -> str:
    """Send the person's daily or weekly digest for the period at most once."""
    delivery = claim(key=f"digest:{user.pk}:{frequency}:{period_key}", user=user, kind=frequency)
    if delivery is None:
        return Outcome.BUSY
    started = timezone.now()
    items = digest_items(user=user) if user.is_active and user.email else []
    waiting = Notification.objects.filter(
        recipient=user, email_state=DeliveryState.DIGEST, created_at__lte=started
    )
    if not items:
        _set_state(delivery, EmailDelivery.State.SKIPPED)
        waiting.update(email_state=DeliveryState.SKIPPED)
        return Outcome.SKIPPED
    shown = items[:DIGEST_ITEMS_SHOWN]
    message = digest_message(
        user=user, notifications=shown, frequency=frequency, more=len(items) - len(shown)
    )
    delivery.notification_ids = [n.pk for n in items]
    delivery.save(update_fields=["notification_ids"])
    try:
        send_claimed(delivery, message, connection)
    except SendFailed:
        return Outcome.FAILED
    now = timezone.now()
    Notification.objects.filter(pk__in=[n.pk for n in items]).update(
        email_state=DeliveryState.SENT, emailed_at=now
    )
    # The rest was read in the meantime or is no longer visible: not to be sent later either.
    waiting.filter(email_state=DeliveryState.DIGEST).update(email_state=DeliveryState.SKIPPED)
    return Outcome.SENT


def mail_connection() -> BaseEmailBackend:
    return get_connection(fail_silently=False)
