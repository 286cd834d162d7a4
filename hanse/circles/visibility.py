"""A circle's weekly meeting is an ordinary recurring event (RSVP, iCal, reminders), seen by
the circle's members only: this narrows ``Event.objects.visible_to`` for events linked to a
circle (administrators included; the narrowing is registered from CirclesConfig.ready()).
Its chat channel likewise keeps the circle's members: the chat offers no invite there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from hanse.chat.rules import register_membership_lock
from hanse.circles.models import Circle, CircleMember
from hanse.events.models import EventQuerySet, register_narrowing

if TYPE_CHECKING:
    from hanse.chat.models import Channel
    from hanse.people.models import User


def circle_meetings_for_members(qs: EventQuerySet, user: User) -> EventQuerySet:
    mine = CircleMember.objects.filter(user=user).values("circle_id")
    return qs.filter(Q(circle__isnull=True) | Q(circle__in=mine))


def circle_channel(channel: Channel) -> bool:
    """A circle's chat has the circle's members, no one else: nobody invites or joins there."""
    return Circle.objects.filter(channel_id=channel.pk).exists()


def register() -> None:
    register_narrowing(circle_meetings_for_members)
    register_membership_lock(circle_channel)
