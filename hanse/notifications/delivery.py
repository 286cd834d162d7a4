"""Delivering notifications (django-tasks): e-mail right away and in digests, web push, each
outside the person's quiet hours; and sending again on purpose (the admin's "Send again").

- ``deliver_emails`` sends e-mails that go out right away, outside the person's quiet hours
  (inside them it is deferred to their end); ``send_digests`` / ``send_digest`` send what a
  person missed, daily or weekly. Every e-mail is claimed under a unique key before it is sent
  (hanse/notifications/email.py), so none goes out twice.
- A failing task re-enqueues itself with ``run_after`` and ``attempt + 1`` (backoff 1, 2, 4,
  8 minutes), at most five attempts, and logs each failure.
"""

from __future__ import annotations

import importlib.util
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from hanse.jobs import queues
from hanse.jobs.outbox import enqueue_on_commit
from hanse.jobs.retry import MAX_ATTEMPTS, backoff, can_defer, enqueue
from hanse.jobs.retry import retry as _retry
from hanse.notifications import email as mail
from hanse.notifications import push, selectors
from hanse.notifications.models import (
    DeliverySettings,
    DeliveryState,
    EmailDelivery,
    Notification,
)
from hanse.people.models import User

logger = logging.getLogger(__name__)


# One delivery task handles this many e-mails over one SMTP connection.
EMAIL_BATCH = 50


def _chunks(items: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


# --- quiet hours --------------------------------------------------------------------------


def quiet_until(delivery: DeliverySettings, now: datetime) -> datetime | None:
    """The end of the person's quiet hours if ``now`` falls in them, else None."""
    if not selectors.is_quiet_time(settings=delivery, at=now):
        return None
    end = delivery.quiet_hours_end
    assert end is not None  # noqa: S101  # is_quiet_time is False without quiet hours
    zone = ZoneInfo(delivery.timezone)
    local = now.astimezone(zone)
    until = datetime.combine(local.date(), end, tzinfo=zone)
    if until <= local:
        until = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=zone)
    return until


def _delivery_settings(user_ids: Iterable[int]) -> dict[int, DeliverySettings]:
    found = {s.user_id: s for s in DeliverySettings.objects.filter(user_id__in=list(user_ids))}
    return found


def _settings_of(found: dict[int, DeliverySettings], user_id: int) -> DeliverySettings:
    return found.get(user_id) or DeliverySettings(user_id=user_id)


# --- queueing delivery --------------------------------------------------------------------


def push_available() -> bool:
    return importlib.util.find_spec("hanse.notifications.push") is not None


@task(queue_name=queues.LIVE)
def queue_delivery_task(notification_ids: list[int]) -> int:
    """``queue_delivery`` as a task: what a task's commit hands on through the outbox."""
    return queue_delivery(notification_ids)


def queue_delivery_on_commit(notification_ids: Sequence[int]) -> None:
    """Queue the delivery of new notifications once the transaction that made them commits,
    durably (a worker killed between that commit and the queueing loses nothing)."""
    if notification_ids:
        enqueue_on_commit(queue_delivery_task, list(notification_ids))


def queue_delivery(
    notification_ids: Sequence[int], *, email_only: bool = False, skip_quiet: bool = False
) -> int:
    """Queue e-mail (and push) for those of these notifications that wait for it right away,
    each person's share after the end of their quiet hours. Returns how many e-mails."""
    if not notification_ids:
        return 0
    wanted = Q(email_state=DeliveryState.PENDING)
    if not email_only:
        wanted |= Q(push_state=DeliveryState.PENDING)
    rows = list(
        Notification.objects.filter(pk__in=list(notification_ids))
        .filter(wanted)
        .values_list("pk", "recipient_id", "email_state", "push_state")
    )
    if not rows:
        return 0
    found = _delivery_settings({row[1] for row in rows})
    now = timezone.now()
    emails: dict[datetime | None, list[int]] = defaultdict(list)
    pushes: dict[datetime | None, list[int]] = defaultdict(list)  # by the end of quiet hours
    for pk, recipient_id, email_state, push_state in rows:
        after = quiet_until(_settings_of(found, recipient_id), now)
        if after is not None and skip_quiet:
            continue
        if email_state == DeliveryState.PENDING:
            emails[after].append(pk)
        if push_state == DeliveryState.PENDING and not email_only:
            pushes[after].append(pk)
    queued = 0
    for after, ids in emails.items():
        for chunk in _chunks(ids, EMAIL_BATCH):
            enqueue(deliver_emails, chunk, run_after=after)
            queued += len(chunk)
    if pushes and push_available():
        # Push is ephemeral: the sender itself skips what falls in quiet hours instead of
        # saving it for later (hanse/notifications/push.py), so it is queued right away.
        ids = [pk for group in pushes.values() for pk in group]
        for chunk in _chunks(ids, 500):
            enqueue(deliver_push, chunk)
    return queued


# --- delivering ---------------------------------------------------------------------------


def _give_up(notification_ids: Sequence[int]) -> None:
    keys = [f"notification:{pk}" for pk in notification_ids]
    EmailDelivery.objects.filter(key__in=keys, state=EmailDelivery.State.FAILED).update(
        state=EmailDelivery.State.GAVE_UP
    )
    Notification.objects.filter(pk__in=list(notification_ids)).update(
        email_state=DeliveryState.SKIPPED
    )


@task()
def deliver_emails(notification_ids: list[int], attempt: int = 1) -> dict[str, int]:
    """Send the e-mails of these notifications that wait to go out right away."""
    notifications = list(
        Notification.objects.filter(pk__in=notification_ids, email_state=DeliveryState.PENDING)
        .select_related("recipient", "actor", "post", "comment", "community")
        .order_by("pk")
    )
    found = _delivery_settings({n.recipient_id for n in notifications})
    now = timezone.now()
    deferrable = can_defer(deliver_emails)
    later: dict[datetime, list[int]] = defaultdict(list)
    failed: list[int] = []
    counts: dict[str, int] = defaultdict(int)
    connection = mail.mail_connection()
    try:
        for notification in notifications:
            # Quiet hours may have been set since this was queued.
            after = quiet_until(_settings_of(found, notification.recipient_id), now)
            if after is not None and deferrable:
                later[after].append(notification.pk)
                counts["deferred"] += 1
                continue
            outcome = mail.send_notification_email(notification, connection)
            counts[outcome] += 1
            if outcome == mail.Outcome.FAILED:
                failed.append(notification.pk)
                # A broken connection is opened afresh for the next message.
                _close_quietly(connection)
    finally:
        _close_quietly(connection)
    for after, ids in later.items():
        enqueue(deliver_emails, ids, run_after=after)
    if failed:
        if attempt >= MAX_ATTEMPTS:
            logger.error("E-mail for notifications %s failed %s times; giving up.", failed, attempt)
            _give_up(failed)
        else:
            wait = backoff(attempt)
            logger.warning(
                "E-mail for notifications %s failed (attempt %s of %s); retrying in %s.",
                failed,
                attempt,
                MAX_ATTEMPTS,
                wait,
            )
            enqueue(deliver_emails, failed, attempt=attempt + 1, run_after=now + wait)
    return dict(counts)


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # a connection that broke cannot be closed politely
        logger.debug("Closing the mail connection failed.", exc_info=True)
        connection.connection = None


@task(queue_name=queues.LIVE)
def deliver_push(notification_ids: list[int], attempt: int = 1) -> int:
    """Hand push notifications to the web push sender (hanse/notifications/push.py); those
    it leaves pending (every device failed for a passing reason) are retried with backoff."""
    try:
        sent = push.send_pending_push(notification_ids)
    except Exception:
        _retry(deliver_push, [notification_ids], attempt, "Sending push notifications")
        return 0
    left = list(
        Notification.objects.filter(
            pk__in=notification_ids, push_state=DeliveryState.PENDING
        ).values_list("pk", flat=True)
    )
    if left and attempt < MAX_ATTEMPTS:
        wait = backoff(attempt)
        logger.warning(
            "Push for notifications %s failed (attempt %s of %s); retrying in %s.",
            left,
            attempt,
            MAX_ATTEMPTS,
            wait,
        )
        enqueue(deliver_push, left, attempt=attempt + 1, run_after=timezone.now() + wait)
    elif left:
        logger.error("Push for notifications %s failed %s times; giving up.", left, attempt)
        Notification.objects.filter(pk__in=left, push_state=DeliveryState.PENDING).update(
            push_state=DeliveryState.FAILED
        )
    return int(sent or 0)


def period_key(frequency: str, now: datetime) -> str:
    """The digest period a run belongs to: the local date, or the ISO week."""
    local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
    if frequency == EmailDelivery.Kind.WEEKLY:
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


@task()
def send_digests(frequency: str) -> int:
    """Queue the daily or weekly digest of everyone who chose it and has something waiting."""
    if frequency not in (EmailDelivery.Kind.DAILY, EmailDelivery.Kind.WEEKLY):
        raise ValueError(f"Unknown digest frequency {frequency!r}.")
    now = timezone.now()
    key = period_key(frequency, now)
    waiting = set(
        Notification.objects.filter(email_state=DeliveryState.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    found = _delivery_settings(waiting)
    default = DeliverySettings._meta.get_field("email_frequency").default
    no_digest = []
    queued = 0
    for user_id in sorted(waiting):
        delivery = _settings_of(found, user_id)
        chosen = delivery.email_frequency if user_id in found else default
        if chosen != frequency:
            if chosen not in (EmailDelivery.Kind.DAILY, EmailDelivery.Kind.WEEKLY):
                no_digest.append(user_id)
            continue
        enqueue(send_digest, user_id, frequency, key, run_after=quiet_until(delivery, now))
        queued += 1
    if no_digest:
        # People who turned digests off since these were made: they are not to be sent.
        Notification.objects.filter(
            recipient_id__in=no_digest, email_state=DeliveryState.DIGEST
        ).update(email_state=DeliveryState.SKIPPED)
    return queued


@task()
def send_digest(user_id: int, frequency: str, period: str, attempt: int = 1) -> str:
    """Send one person's digest for the period (at most once)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return mail.Outcome.SKIPPED
    connection = mail.mail_connection()
    try:
        outcome = mail.send_digest_email(
            user=user, frequency=frequency, period_key=period, connection=connection
        )
    finally:
        _close_quietly(connection)
    if outcome == mail.Outcome.FAILED:
        if attempt >= MAX_ATTEMPTS:
            logger.error("Digest for %s failed %s times; giving up.", user_id, attempt)
            EmailDelivery.objects.filter(
                key=f"digest:{user_id}:{frequency}:{period}", state=EmailDelivery.State.FAILED
            ).update(state=EmailDelivery.State.GAVE_UP)
        else:
            wait = backoff(attempt)
            logger.warning(
                "Digest for %s failed (attempt %s of %s); retrying in %s.",
                user_id,
                attempt,
                MAX_ATTEMPTS,
                wait,
            )
            enqueue(
                send_digest,
                user_id,
                frequency,
                period,
                attempt=attempt + 1,
                run_after=timezone.now() + wait,
            )
    return outcome


# --- sending again on purpose (the admin's "Send again") -------------------------------------

RESENDABLE = (EmailDelivery.State.UNKNOWN, EmailDelivery.State.GAVE_UP)


def email_delivery_resend(*, delivery: EmailDelivery, by: Any) -> bool:
    """Send an e-mail that ended ``unknown`` or ``gave_up`` once more, because an operator
    asked (an ``unknown`` one may then arrive twice: that is their call). False when it is
    in neither state (any more)."""
    with transaction.atomic():
        moved = EmailDelivery.objects.filter(pk=delivery.pk, state__in=RESENDABLE).update(
            state=EmailDelivery.State.FAILED,
            last_error=f"sent again on purpose by {by.get_username()}",
        )
        if not moved:
            return False
        if delivery.kind == EmailDelivery.Kind.IMMEDIATE:
            if delivery.notification_id is None:
                return True  # the notification is gone: nothing left to send
            Notification.objects.filter(pk=delivery.notification_id).update(
                email_state=DeliveryState.PENDING
            )
            enqueue_on_commit(deliver_emails, [delivery.notification_id])
        else:
            _prefix, user_id, frequency, period = delivery.key.split(":", 3)
            enqueue_on_commit(send_digest, int(user_id), frequency, period)
    logger.warning("E-mail %s is sent again on purpose by %s.", delivery.key, by.get_username())
    return True


def push_resend(*, notification_ids: Sequence[int], by: Any) -> int:
    """Push notifications whose push failed for good once more; returns how many."""
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(
                pk__in=list(notification_ids), push_state=DeliveryState.FAILED
            ).values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(push_state=DeliveryState.PENDING)
        if ids:
            enqueue_on_commit(deliver_push, ids)
    if ids:
        logger.warning("Push of %s is sent again on purpose by %s.", ids, by.get_username())
    return len(ids)
