"""A circle's weekly meeting is an ordinary recurring event (RSVP, iCal, reminders), seen by
the circle's members only: this narrows ``Event.objects.visible_to`` for events linked to a
circle (administrators included; the narrowing is registered from CirclesConfig.ready())."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from hanse.circles.models import CircleMember
from hanse.events.models import EventQuerySet, register_narrowing

if TYPE_CHECKING:
    from hanse.people.models import User


def circle_meetings_for_members(qs: EventQuerySet, user: User) -> EventQuerySet:
    mine = CircleMember.objects.filter(user=user).values("circle_id")
    return qs.filter(Q(circle__isnull=True) | Q(circle__in=mine))


def register() -> None:
    register_narrowing(circle_meetings_for_members)
