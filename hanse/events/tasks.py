"""Background work of events: notifications about changes, and the reminders job.

Both write their notifications in one transaction with a ledger row (hanse/jobs/once.py), so a
task that runs twice (a retry, two schedulers, a worker recovered half-way) tells nobody twice.
The reminder job runs every 5 minutes (registered in hanse/events/notifications.py): it looks
for occurrences that start in about a day (23 to 24 hours) and in about an hour (30 to 60
minutes) and reminds those who said going or maybe, as each person chose.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django_tasks import task

from hanse.events.models import Event, OccurrenceOverride, ReminderSetting, Rsvp
from hanse.events.notifications import occurrence_data
from hanse.events.recurrence import Occurrence, occurrence_key, occurrences
from hanse.jobs import once, queues
from hanse.jobs.retry import retry
from hanse.notifications.delivery import queue_delivery_on_commit
from hanse.notifications.services import notify
from hanse.people.models import User

logger = logging.getLogger(__name__)

REMINDER_WINDOWS: dict[str, tuple[timedelta, timedelta]] = {
    # kind: (nearest, farthest) start from now; the job runs every 5 minutes, so a window
    # wider than that survives a scheduler that was away for a while.
    "day": (timedelta(hours=23), timedelta(hours=24)),
    "hour": (timedelta(minutes=30), timedelta(hours=1)),
}
# A moved occurrence keeps its RSVPs under its original start; look back this far for them.
RSVP_LOOKBACK = timedelta(days=62)


def _deliver_after_commit(ids: list[int]) -> None:
    queue_delivery_on_commit(ids)


@task(queue_name=queues.LIVE)
def notify_event(
    kind: str,
    event_id: int,
    user_ids: list[int],
    actor_id: int | None,
    data: dict[str, Any],
    key: str = "",
    attempt: int = 1,
) -> int:
    """Tell these people about a change of the event (those who cannot see it are left out
    by the notification rules). Returns how many notifications were made."""
    try:
        return _notify_event(kind, event_id, user_ids, actor_id, data, key)
    except Exception:
        retry(
            notify_event,
            [kind, event_id, user_ids, actor_id, data, key],
            attempt,
            f"Notifying {kind} of event {event_id}",
        )
        return 0


def _notify_event(
    kind: str,
    event_id: int,
    user_ids: list[int],
    actor_id: int | None,
    data: dict[str, Any],
    key: str,
) -> int:
    event = Event.objects.select_related("community").filter(pk=event_id).first()
    if event is None:
        return 0
    people = list(User.objects.filter(pk__in=user_ids, is_active=True))
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    with transaction.atomic():
        if key and not once.claim(key):
            return 0
        made = notify(
            type_key=kind,
            recipients=people,
            actor=actor,
            community=event.community,
            target=event,
            data=data,
        )
        _deliver_after_commit([n.pk for n in made])
    return len(made)


def _candidates(start: datetime, end: datetime, now: datetime) -> list[Event]:
    """Events not cancelled with someone going or maybe that may start in [start, end]."""
    answered = Rsvp.objects.filter(
        status__in=(Rsvp.Status.GOING, Rsvp.Status.MAYBE), occurrence__gte=now - RSVP_LOOKBACK
    ).values("event_id")
    moved_in = OccurrenceOverride.objects.filter(
        event=OuterRef("pk"), start__gte=start, start__lte=end
    )
    return list(
        Event.objects.filter(cancelled_at__isnull=True, pk__in=answered)
        .filter(
            Q(rrule="", start__gte=start, start__lte=end)
            | (~Q(rrule="") & Q(start__lte=end))
            | Q(Exists(moved_in))
        )
        .select_related("community", "location")
        .prefetch_related(Prefetch("overrides", queryset=OccurrenceOverride.objects.all()))
    )


def due_occurrences(kind: str, now: datetime) -> list[Occurrence]:
    """Occurrences (not cancelled) that start within the reminder window of ``kind``."""
    near, far = REMINDER_WINDOWS[kind]
    start, end = now + near, now + far
    found: list[Occurrence] = []
    for event in _candidates(start, end, now):
        found.extend(
            occ
            for occ in occurrences(event, start=start, end=end + timedelta(seconds=1))
            if start <= occ.start <= end
        )
    return found


def _remind(kind: str, occ: Occurrence) -> int:
    event = occ.event
    key = f"event_reminder:{kind}:{event.pk}:{occurrence_key(occ.recurrence_id)}"
    user_ids = set(
        Rsvp.objects.filter(
            event=event,
            occurrence=occ.recurrence_id,
            status__in=(Rsvp.Status.GOING, Rsvp.Status.MAYBE),
        ).values_list("user_id", flat=True)
    )
    wanted = "day_before" if kind == "day" else "hour_before"
    opted_out = set(
        ReminderSetting.objects.filter(user_id__in=user_ids, **{wanted: False}).values_list(
            "user_id", flat=True
        )
    )
    people = list(User.objects.filter(pk__in=user_ids - opted_out, is_active=True))
    with once.run_once(key) as first:
        if not first:
            return 0
        made = notify(
            type_key="event_reminder",
            recipients=people,
            community=event.community,
            target=event,
            data=occurrence_data(
                title=occ.title,
                start=occ.start,
                recurrence_id=occ.recurrence_id,
                all_day=event.all_day,
                kind=kind,
                place=event.place(occ.room),
            ),
        )
        _deliver_after_commit([n.pk for n in made])
    return len(made)


@task()
def send_event_reminders() -> int:
    """Remind people of occurrences starting in about a day and in about an hour, once each."""
    now = timezone.now()
    sent = 0
    for kind in REMINDER_WINDOWS:
        due = due_occurrences(kind, now)
        keys = {
            f"event_reminder:{kind}:{o.event.pk}:{occurrence_key(o.recurrence_id)}": o for o in due
        }
        done = once.done(keys)
        for key, occ in keys.items():
            if key in done:
                continue
            try:
                sent += _remind(kind, occ)
            except Exception:
                logger.exception("Reminder %s failed; the next run tries again.", key)
    return sent
