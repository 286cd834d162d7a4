"""The scheduler's upkeep of notifications (declared in hanse/notifications/jobs.py): e-mails a
crash left half-way, lost enqueues, and retention. Tasks a dead worker left behind are
recovered by hanse/jobs/recovery.py.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import task

from hanse.jobs.recovery import stuck_minutes
from hanse.jobs.retry import enqueue
from hanse.notifications.delivery import (
    deliver_emails,
    queue_delivery,
    send_digest,
)
from hanse.notifications.models import (
    DeliveryState,
    EmailDelivery,
    Notification,
)

logger = logging.getLogger(__name__)

# E-mails due right away that no task picked up this long after they were created (a lost
# enqueue) are queued again by the recovery step.
SWEEP_AFTER = timedelta(minutes=15)
SWEEP_LOOKBACK = timedelta(days=2)


# --- scheduled jobs -----------------------------------------------------------------------


def recover_email_deliveries(now: datetime | None = None) -> dict[str, int]:
    """Decide about e-mails a crash left half-way.

    ``claimed`` for longer than the threshold: nothing was handed to the mail server, so it
    is tried again. ``sending``: the server may have taken it; at-most-once, it becomes
    ``unknown`` and is not sent again."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=stuck_minutes())
    result = {"retried": 0, "unknown": 0}
    interrupted = list(
        EmailDelivery.objects.filter(state=EmailDelivery.State.SENDING, claimed_at__lt=cutoff)
    )
    for delivery in interrupted:
        updated = EmailDelivery.objects.filter(
            pk=delivery.pk, state=EmailDelivery.State.SENDING
        ).update(state=EmailDelivery.State.UNKNOWN, last_error="interrupted while sending")
        if not updated:
            continue
        result["unknown"] += 1
        ids = delivery.notification_ids or (
            [delivery.notification_id] if delivery.notification_id else []
        )
        Notification.objects.filter(
            pk__in=ids, email_state__in=[DeliveryState.PENDING, DeliveryState.DIGEST]
        ).update(email_state=DeliveryState.SKIPPED)
        logger.warning(
            "E-mail %s was interrupted while being sent; it is not sent again.", delivery.key
        )
    abandoned = list(
        EmailDelivery.objects.filter(state=EmailDelivery.State.CLAIMED, claimed_at__lt=cutoff)
    )
    for delivery in abandoned:
        updated = EmailDelivery.objects.filter(
            pk=delivery.pk, state=EmailDelivery.State.CLAIMED, claimed_at=delivery.claimed_at
        ).update(state=EmailDelivery.State.FAILED, last_error="interrupted before sending")
        if not updated:
            continue
        result["retried"] += 1
        if delivery.kind == EmailDelivery.Kind.IMMEDIATE:
            if delivery.notification_id is not None:
                enqueue(deliver_emails, [delivery.notification_id])
        else:
            _prefix, user_id, frequency, period = delivery.key.split(":", 3)
            enqueue(send_digest, int(user_id), frequency, period)
    return result


def sweep_pending_emails(now: datetime | None = None) -> int:
    """Queue e-mails due right away that no task took (e.g. the process died between the
    commit and the enqueue); people in their quiet hours wait for their deferred task."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(
            email_state=DeliveryState.PENDING,
            created_at__lt=now - SWEEP_AFTER,
            created_at__gte=now - SWEEP_LOOKBACK,
        )
        .filter(~Exists(EmailDelivery.objects.filter(notification_id=OuterRef("pk"))))
        .values_list("pk", flat=True)[:2000]
    )
    return queue_delivery(ids, email_only=True, skip_quiet=True)


@task()
def recover_stuck_work() -> dict[str, int]:
    """The recovery step of the scheduler for e-mail: half-sent ones, lost enqueues."""
    now = timezone.now()
    emails = recover_email_deliveries(now)
    return {
        "emails_retried": emails["retried"],
        "emails_unknown": emails["unknown"],
        "swept": sweep_pending_emails(now),
    }


# --- retention


def retention_days() -> int:
    """RETENTION_NOTIFICATIONS_DAYS (0 keeps them forever); the old name still counts."""
    old = getattr(settings, "NOTIFICATION_RETENTION_DAYS", None)
    return int(old if old is not None else settings.RETENTION_NOTIFICATIONS_DAYS)


def _delete_in_batches(queryset: Any, size: int = 5000) -> int:
    """Delete in short transactions so a large cleanup never holds long locks."""
    total = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:size])
        if not ids:
            return total
        deleted, _rows = queryset.model.objects.filter(pk__in=ids).delete()
        total += len(ids)
        if deleted == 0:
            return total


@task()
def apply_retention() -> dict[str, int]:
    """Delete old e-mail bookkeeping (the "done once" ledger is cleaned by hanse/jobs/once.py).
    Read notifications go through the retention registry, after an administrator confirmed
    the preview (hanse/notifications/retention.py)."""
    if retention_days() <= 0:
        return {"email_deliveries": 0}
    cutoff = timezone.now() - timedelta(days=retention_days())
    return {
        "email_deliveries": _delete_in_batches(
            EmailDelivery.objects.filter(created_at__lt=cutoff).exclude(
                state__in=[EmailDelivery.State.CLAIMED, EmailDelivery.State.SENDING]
            )
        ),
    }
