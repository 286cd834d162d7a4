"""RSVPs with capacity and a waiting list, and reminder preferences.

Seats are counted under a lock on the event row (``select_for_update``), so two people taking
the last place at the same moment are served one after the other: one gets it, the other is
put on the waiting list."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.events import interactions as events_interactions
from hanse.events.models import Event, ReminderSetting, Rsvp
from hanse.events.recurrence import occurrence_at

if TYPE_CHECKING:
    from hanse.people.models import User
from hanse.events.services.events import promote, tell
from hanse.events.services.validation import require_visible, signed_in

# --- RSVPs ---------------------------------------------------------------------------------

ANSWERS = (Rsvp.Status.GOING, Rsvp.Status.MAYBE, Rsvp.Status.NOT_GOING)


def rsvp_set(*, event: Event, recurrence_id: datetime, user: User, status: str) -> Rsvp:
    """Answer going, maybe or not going for one occurrence. "Going" beyond the places puts the
    person on the waiting list; leaving "going" gives the place to the first person waiting,
    who is told. Race-safe: places are counted with the event row locked."""
    if status not in ANSWERS:
        raise ServiceError(_("Please answer going, maybe or not going."), code="invalid_status")
    if not signed_in(user):
        raise PermissionRefused(_("Please sign in to answer."))
    require_visible(user, event)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise ServiceError(_("This event has been cancelled."), code="cancelled")
        occ = occurrence_at(locked, recurrence_id)
        if occ.cancelled:
            raise ServiceError(_("This date has been cancelled."), code="cancelled")
        now = timezone.now()
        if occ.end <= now:
            raise ServiceError(_("This event is over; answers are closed."), code="past")
        rid = occ.recurrence_id
        rsvp = Rsvp.objects.filter(event=locked, occurrence=rid, user=user).first()
        previous = rsvp.status if rsvp is not None else None
        new = status
        if (
            status == Rsvp.Status.GOING
            and previous != Rsvp.Status.GOING
            and locked.capacity is not None
        ):
            going = Rsvp.objects.filter(
                event=locked, occurrence=rid, status=Rsvp.Status.GOING
            ).count()
            if going >= locked.capacity:
                new = Rsvp.Status.WAITLIST
        if rsvp is None:
            rsvp = Rsvp.objects.create(
                event=locked, occurrence=rid, user=user, status=new, created_at=now, updated_at=now
            )
        elif previous != new:
            rsvp.status = new
            rsvp.updated_at = now
            update = ["status", "updated_at"]
            if new == Rsvp.Status.WAITLIST:
                rsvp.created_at = now  # joins the end of the waiting list
                update.append("created_at")
            rsvp.save(update_fields=update)
        if previous == Rsvp.Status.GOING and new != Rsvp.Status.GOING:
            promoted = promote(locked, rid)
            tell(
                "waitlist_promoted",
                locked,
                promoted,
                actor=None,
                start=occ.start,
                recurrence_id=rid,
                title=occ.title,
            )
        if new == Rsvp.Status.GOING and previous != Rsvp.Status.GOING:
            events_interactions.going(event_id=locked.pk, occurrence=rid, user_id=user.pk)
    return rsvp


# --- reminder preferences ------------------------------------------------------------------


def reminder_setting_set(*, user: User, day_before: bool, hour_before: bool) -> ReminderSetting:
    """Which reminders the person wants (the channels are the notification preferences)."""
    with transaction.atomic():
        setting, _created = ReminderSetting.objects.update_or_create(
            user=user,
            defaults={
                "day_before": day_before,
                "hour_before": hour_before,
                "updated_at": timezone.now(),
            },
        )
    return setting
