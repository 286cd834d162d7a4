"""Events and meetups: single and recurring (RFC 5545), RSVPs with capacity and waiting list,
per-occurrence changes, and personal calendar subscriptions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core import moderation
from hanse.core.rules import is_platform_admin
from hanse.people.guests import is_guest

if TYPE_CHECKING:
    from hanse.people.models import User


# Apps above events may narrow who sees events they link to (circles: a circle's meetings
# only for its members, administrators included). A narrowing only ever removes rows; it is
# registered from the app's ready(), so events imports no app above it.
EventNarrowing = Callable[["EventQuerySet", "User"], "EventQuerySet"]
_narrowings: list[EventNarrowing] = []


def register_narrowing(narrowing: EventNarrowing) -> None:
    """Add a narrowing of ``visible_to`` (registering the same one again changes nothing)."""
    if narrowing not in _narrowings:
        _narrowings.append(narrowing)


class EventQuerySet(models.QuerySet["Event"]):
    def visible_to(self, user: User | None) -> EventQuerySet:
        # Events moderation hid are left out (hanse/core/moderation.py).
        qs = moderation.exclude_hidden(self._visible_to(user), "event", user)
        if user is not None and user.is_authenticated:
            for narrowing in _narrowings:
                qs = narrowing(qs, user)
        return qs

    def _visible_to(self, user: User | None) -> EventQuerySet:
        """The one home of "may this person see this event": company-wide events for every
        employee, community events for those who may read the community's content.
        Calendars, iCal feeds, search, the API and reminders all start here."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_platform_admin(user):
            return self.all()

        readable = Community.objects.content_visible_to(user).values("id")
        if is_guest(user):
            # Guests: events of their communities only, no company events.
            return self.filter(community_id__in=readable)
        return self.filter(Q(community__isnull=True) | Q(community_id__in=readable))


def _cover_path(instance: Event, filename: str) -> str:
    return f"events/covers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.webp"


class Event(models.Model):
    # A stable identity for calendar clients (iCal UID); never changes, also not on edits.
    uid = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("iCal UID")
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("community"),
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    description_html = models.TextField(
        default="", editable=False, verbose_name=_("description (HTML)")
    )
    # Stored in UTC; `time_zone` is the zone the organisers think in (recurrence and all-day
    # events are computed in it, so "every Tuesday 17:00" stays 17:00 across summer time).
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    # RFC 5545 RRULE value without the "RRULE:" prefix, e.g. "FREQ=WEEKLY;INTERVAL=2".
    rrule = models.CharField(_("repeats"), max_length=500, blank=True)
    location = models.ForeignKey(
        "people.Location",
        verbose_name=_("branch or site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    cover = models.ImageField(_("cover image"), upload_to=_cover_path, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_events",
    )
    co_organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-organisers"),
        blank=True,
        related_name="co_organised_events",
    )
    # When "this and all future occurrences" change, the series is split: the old event ends
    # (UNTIL) and a new one continues; it remembers where it came from.
    split_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="continuations",
        verbose_name=_("split from"),
    )
    # iCal SEQUENCE: raised on every change that calendar clients must pick up.
    sequence = models.PositiveIntegerField(default=0, verbose_name=_("sequence"))
    notes_post = models.ForeignKey(
        "posts.Post",
        verbose_name=_("notes and photos"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("cancelled at"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["start"], name="event_start_idx"),
            models.Index(fields=["community", "start"], name="event_community_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="event_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def place(self, room: str | None = None) -> str:
        """Where it happens, in one line: location, room (an occurrence's own, when given),
        address, online link."""
        parts = [
            self.location.name if self.location_id and self.location else "",
            room if room is not None else self.room,
            self.address,
            self.online_url,
        ]
        return ", ".join(p for p in parts if p)


class OccurrenceOverride(models.Model):
    """A change to one occurrence of a recurring event: moved, retitled or cancelled.

    `recurrence_id` is the occurrence's original start (UTC), as in RFC 5545 RECURRENCE-ID."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="overrides")
    recurrence_id = models.DateTimeField(verbose_name=_("original start"))
    cancelled = models.BooleanField(default=False, verbose_name=_("cancelled"))
    start = models.DateTimeField(null=True, blank=True, verbose_name=_("start"))
    end = models.DateTimeField(null=True, blank=True, verbose_name=_("end"))
    title = models.CharField(max_length=160, blank=True, verbose_name=_("title"))
    room = models.CharField(max_length=120, blank=True, verbose_name=_("room"))
    sequence = models.PositiveIntegerField(default=0, verbose_name=_("sequence"))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("change to one occurrence")
        verbose_name_plural = _("changes to single occurrences")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recurrence_id"], name="occurrence_override_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.recurrence_id:%Y-%m-%d %H:%M}"


class Rsvp(models.Model):
    """One person's answer for one occurrence (for a single event: its start)."""

    class Status(models.TextChoices):
        GOING = "going", _("Going")
        MAYBE = "maybe", _("Maybe")
        NOT_GOING = "not_going", _("Not going")
        WAITLIST = "waitlist", _("On the waiting list")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("event")
    )
    occurrence = models.DateTimeField(
        verbose_name=_("occurrence")
    )  # the occurrence's recurrence id (original start, UTC)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="rsvps",
        verbose_name=_("person"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, verbose_name=_("status"))
    # The waiting list is served in the order people joined it.
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.UniqueConstraint(fields=["event", "occurrence", "user"], name="rsvp_unique")
        ]
        indexes = [
            models.Index(fields=["event", "occurrence", "status"], name="rsvp_seats_idx"),
            models.Index(fields=["user", "status"], name="rsvp_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} {self.event_id}@{self.occurrence:%Y-%m-%d}"


class CalendarToken(models.Model):
    """A secret for a personal iCal subscription URL: stored hashed, revocable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
        verbose_name=_("person"),
    )
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self) -> str:
        return f"calendar token of {self.user_id}"


class ReminderSetting(models.Model):
    """Which event reminders a person wants; without a row both are on. The channels (bell,
    e-mail, push) are the notification preferences of the type ``event_reminder``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_reminder_setting",
        verbose_name=_("person"),
    )
    day_before = models.BooleanField(_("the day before"), default=True)
    hour_before = models.BooleanField(_("an hour before"), default=True)
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("event reminder setting")
        verbose_name_plural = _("event reminder settings")

    def __str__(self) -> str:
        return f"reminders of {self.user_id}"
