"""Background work of notifications (django-tasks): create them, then deliver them.

The stream and communities queue these after their transaction commits (see
hanse/posts/events.py and hanse/communities/services.py); nothing here runs in a request.

- ``notify_*`` tasks load the object (and stop quietly if it is gone), call the ``on_*``
  hook of hanse/notifications/services.py and queue the delivery. Each runs inside one
  transaction together with a ledger row whose key names the event (hanse/jobs/once.py), so
  running a task twice (a retry, a worker killed half-way and recovered) creates nothing twice.
- ``deliver_emails`` sends e-mails that go out right away, outside the person's quiet hours
  (inside them it is deferred to their end); ``send_digests`` / ``send_digest`` send what a
  person missed, daily or weekly. Every e-mail is claimed under a unique key before it is sent
  (hanse/notifications/email.py), so none goes out twice.
- A failing task re-enqueues itself with ``run_after`` and ``attempt + 1`` (backoff 1, 2, 4,
  8 minutes), at most five attempts, and logs each failure.
- ``recover_stuck_work`` (half-sent e-mails, lost enqueues), ``check_scheduled_announcements``
  and ``apply_retention`` are run by the scheduler (declared in hanse/notifications/jobs.py);
  tasks a dead worker left behind are recovered by hanse/jobs/recovery.py.
"""

from __future__ import annotations

import importlib.util
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_tasks import task

from hanse.jobs import once
from hanse.jobs.outbox import enqueue_on_commit
from hanse.jobs.recovery import stuck_minutes
from hanse.jobs.retry import MAX_ATTEMPTS, backoff, can_defer, enqueue
from hanse.jobs.retry import retry as _retry
from hanse.notifications import email as mail
from hanse.notifications import selectors, services
from hanse.notifications.models import (
    DeliverySettings,
    DeliveryState,
    EmailDelivery,
    Notification,
)

if TYPE_CHECKING:
    from hanse.core.signals import CommunityEvent, MembershipEnded

logger = logging.getLogger(__name__)

# One delivery task handles this many e-mails over one SMTP connection.
EMAIL_BATCH = 50
# Scheduled announcements are notified when their time has come; older ones (published before
# this feature, or while the scheduler was down for days) are left alone.
ANNOUNCEMENT_LOOKBACK = timedelta(days=2)
# E-mails due right away that no task picked up this long after they were created (a lost
# enqueue) are queued again by the recovery step.
SWEEP_AFTER = timedelta(minutes=15)
SWEEP_LOOKBACK = timedelta(days=2)


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


@task()
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


# --- creating notifications ---------------------------------------------------------------


def _once(key: str, hook: Callable[[], list[Notification]]) -> bool:
    """Run the hook once per event key, in one transaction with the ledger row, then queue
    the delivery after commit. False when the event was handled before."""
    with once.run_once(key) as first:
        if not first:
            return False
        made = hook()
        queue_delivery_on_commit([n.pk for n in made])
    return True


@task()
def notify_post_created(post_id: int, attempt: int = 1) -> None:
    """Mentions in a new post and "all posts" followers of its community."""
    from hanse.posts.models import Post

    try:
        post = Post.objects.select_related("author", "community").filter(pk=post_id).first()
        if post is None:
            return
        _once(f"post_created:{post_id}", lambda: services.on_post_created(post))
    except Exception:
        _retry(notify_post_created, [post_id], attempt, f"Notifying about post {post_id}")


@task()
def notify_comment_created(comment_id: int, attempt: int = 1) -> None:
    """Mentions in a comment, and the authors of the post and of the comment replied to."""
    from hanse.posts.models import Comment

    try:
        comment = (
            Comment.objects.select_related(
                "author", "post", "post__author", "post__community", "parent", "parent__author"
            )
            .filter(pk=comment_id)
            .first()
        )
        if comment is None:
            return
        _once(f"comment_created:{comment_id}", lambda: services.on_comment_created(comment))
    except Exception:
        _retry(
            notify_comment_created, [comment_id], attempt, f"Notifying about comment {comment_id}"
        )


@task()
def notify_reaction_added(reaction_id: int, attempt: int = 1) -> None:
    """The author of the post or comment reacted to (grouped)."""
    from hanse.posts.models import Reaction

    try:
        reaction = (
            Reaction.objects.select_related(
                "user", "post", "post__author", "comment", "comment__author", "comment__post"
            )
            .filter(pk=reaction_id)
            .first()
        )
        if reaction is None:
            return
        _once(f"reaction_added:{reaction_id}", lambda: services.on_reaction_added(reaction))
    except Exception:
        _retry(notify_reaction_added, [reaction_id], attempt, f"Notifying reaction {reaction_id}")


@task()
def notify_announcement_published(announcement_id: int, attempt: int = 1) -> None:
    """Ask the audience of a must-read announcement to read it, once it is published."""
    from hanse.posts.models import Announcement

    try:
        announcement = (
            Announcement.objects.select_related("author").filter(pk=announcement_id).first()
        )
        if (
            announcement is None
            or announcement.is_draft
            or not announcement.must_read
            or announcement.publish_at > timezone.now()
        ):
            # Scheduled ones are picked up by check_scheduled_announcements when due.
            return
        _once(
            f"announcement_published:{announcement_id}",
            lambda: services.on_announcement_published(announcement),
        )
    except Exception:
        _retry(
            notify_announcement_published,
            [announcement_id],
            attempt,
            f"Notifying about announcement {announcement_id}",
        )


COMMUNITY_EVENTS = (
    "join_request_created",
    "join_request_decided",
    "invitation_created",
    "role_changed",
)


def _community_event(kind: str, object_id: int, actor_id: int | None, event_key: str) -> None:
    from hanse.communities.models import Invitation, JoinRequest, Membership
    from hanse.people.models import User

    if kind in ("join_request_created", "join_request_decided"):
        request = (
            JoinRequest.objects.select_related("community", "user", "decided_by")
            .filter(pk=object_id)
            .first()
        )
        if request is None:
            return
        if kind == "join_request_created":
            if request.status != JoinRequest.Status.PENDING:
                return  # settled (or withdrawn) before the moderators were told
            _once(f"{kind}:{object_id}", lambda: services.on_join_request_created(request))
        else:
            _once(
                f"{kind}:{object_id}:{request.status}",
                lambda: services.on_join_request_decided(request),
            )
    elif kind == "invitation_created":
        invitation = (
            Invitation.objects.select_related("community", "invitee", "invited_by")
            .filter(pk=object_id)
            .first()
        )
        if invitation is None or invitation.status != Invitation.Status.PENDING:
            return
        _once(f"{kind}:{object_id}", lambda: services.on_invitation_created(invitation))
    elif kind == "role_changed":
        membership = (
            Membership.objects.select_related("community", "user").filter(pk=object_id).first()
        )
        by = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
        if membership is None or by is None:
            return
        _once(f"{kind}:{object_id}:{event_key}", lambda: services.on_role_changed(membership, by))
    else:
        raise ValueError(f"Unknown community event {kind!r}.")


@task()
def notify_community_event(
    kind: str,
    object_id: int,
    actor_id: int | None = None,
    event_key: str = "",
    attempt: int = 1,
) -> None:
    """Join requests (to moderators), decisions, invitations and role changes."""
    try:
        _community_event(kind, object_id, actor_id, event_key)
    except Exception:
        _retry(
            notify_community_event,
            [kind, object_id, actor_id, event_key],
            attempt,
            f"Notifying {kind} {object_id}",
        )


@task()
def notify_membership_ended(community_id: int, user_id: int, attempt: int = 1) -> None:
    """Someone left or was removed: their level for the community is forgotten (unless they
    have joined again in the meantime)."""
    from hanse.communities.models import Community, Membership
    from hanse.people.models import User

    try:
        if Membership.objects.filter(community_id=community_id, user_id=user_id).exists():
            return
        community = Community.objects.filter(pk=community_id).first()
        user = User.objects.filter(pk=user_id).first()
        if community is None or user is None:
            return
        services.on_membership_ended(community=community, user=user)
    except Exception:
        _retry(
            notify_membership_ended,
            [community_id, user_id],
            attempt,
            f"Ending notifications of {user_id} in {community_id}",
        )


def community_event(kind: str, object_id: int, *, actor_id: int | None = None) -> None:
    """Queue a community event through the outbox (called inside the service's transaction,
    so the event is recorded with the write)."""
    if kind not in COMMUNITY_EVENTS:
        raise ValueError(f"Unknown community event {kind!r}.")
    # Role changes repeat on the same membership: each one is its own event.
    event_key = uuid.uuid4().hex if kind == "role_changed" else ""
    enqueue_on_commit(notify_community_event, kind, object_id, actor_id, event_key)


def on_community_event(sender: Any, event: CommunityEvent, **kwargs: Any) -> None:
    """Receiver of hanse.core.signals.community_event (inside the writer's transaction)."""
    if event.kind == "invitation_settled":
        # The invitation's notification may no longer be shown: recount the bell.
        user_ids = [event.user_id]
        transaction.on_commit(lambda: selectors.forget_unread_counts(user_ids))
    else:
        community_event(event.kind, event.object_id, actor_id=event.actor_id)


def on_membership_ended(sender: Any, event: MembershipEnded, **kwargs: Any) -> None:
    """Receiver of hanse.core.signals.membership_ended (after commit): the bell stops counting
    the community's notifications at once, and the rest is cleaned up in the background."""
    selectors.forget_unread_counts([event.user_id])
    # Sent after the commit (chat and open WebSockets must not act before it): the outbox
    # row is written at once, so a queue that is away loses nothing, the relay queues it.
    enqueue_on_commit(notify_membership_ended, event.community_id, event.user_id)


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


@task()
def deliver_push(notification_ids: list[int], attempt: int = 1) -> int:
    """Hand push notifications to the web push sender (hanse/notifications/push.py); those
    it leaves pending (every device failed for a passing reason) are retried with backoff."""
    try:
        from hanse.notifications import push
    except ImportError:
        return 0
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
    from hanse.people.models import User

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


# --- scheduled jobs -----------------------------------------------------------------------


@task()
def check_scheduled_announcements() -> int:
    """Notify must-read announcements whose publication time has passed, once each."""
    from hanse.posts.models import Announcement

    now = timezone.now()
    ids = list(
        Announcement.objects.filter(
            is_draft=False,
            must_read=True,
            publish_at__lte=now,
            publish_at__gte=now - ANNOUNCEMENT_LOOKBACK,
        ).values_list("pk", flat=True)
    )
    done = once.done(f"announcement_published:{pk}" for pk in ids)
    due = [pk for pk in ids if f"announcement_published:{pk}" not in done]
    for pk in due:
        notify_announcement_published.enqueue(pk)
    return len(due)


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


def retention_days() -> int:
    return int(getattr(settings, "NOTIFICATION_RETENTION_DAYS", 180))


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
    """Delete read notifications older than NOTIFICATION_RETENTION_DAYS, and old e-mail
    bookkeeping (the "done once" ledger is cleaned by hanse/jobs/once.py)."""
    now = timezone.now()
    cutoff = now - timedelta(days=retention_days())
    return {
        "notifications": _delete_in_batches(
            Notification.objects.filter(read_at__isnull=False, updated_at__lt=cutoff)
        ),
        "email_deliveries": _delete_in_batches(
            EmailDelivery.objects.filter(created_at__lt=cutoff).exclude(
                state__in=[EmailDelivery.State.CLAIMED, EmailDelivery.State.SENDING]
            )
        ),
    }
