"""Notification types of events, and the reminder job's schedule.

Imported from ``EventsConfig.ready()``. Every type's target is the Event, checked with
``Event.objects.visible_to`` (and the event's community with ``content_visible_to``), when
the notification is created and again whenever it is shown or sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from hanse.events.models import Event
from hanse.events.recurrence import utc
from hanse.notifications.registry import NotificationType, RenderedText, register

if TYPE_CHECKING:
    from hanse.notifications.models import Notification
    from hanse.people.models import User


def _events_visible(user: User) -> QuerySet[Any]:

    return Event.objects.visible_to(user)


def event_url(event_id: int | None, occurrence: str = "") -> str:
    """The event's page (the UI's ``events:detail``), with the occurrence when there is one."""
    try:
        url = reverse("events:detail", args=[event_id])
    except NoReverseMatch:
        return reverse("home:index")
    return f"{url}?occurrence={occurrence}" if occurrence else url


def _when(raw: Any, all_day: bool = False) -> str:
    """A moment from the notification's data, in the local time zone and active language."""
    from django.utils import timezone

    moment = parse_datetime(str(raw or ""))
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return date_format(local, "DATE_FORMAT" if all_day else "DATETIME_FORMAT")


def _data(n: Notification) -> tuple[str, str, str]:
    title = str(n.data.get("title", ""))
    occurrence = str(n.data.get("occurrence", ""))
    when = _when(n.data.get("start"), bool(n.data.get("all_day")))
    return title, occurrence, when


def _render_changed(n: Notification) -> RenderedText:
    title, occurrence, when = _data(n)
    text = _g("“%(title)s” has changed: it now starts %(when)s.") % {"title": title, "when": when}
    body = str(n.data.get("place", ""))
    return RenderedText(title=text, body=body, url=event_url(n.target_id, occurrence))


def _render_cancelled(n: Notification) -> RenderedText:
    title = _data(n)[0]
    text = _g("“%(title)s” has been cancelled.") % {"title": title}
    return RenderedText(title=text, body="", url=event_url(n.target_id))


def _render_occurrence_cancelled(n: Notification) -> RenderedText:
    title, occurrence, when = _data(n)
    text = _g("“%(title)s” on %(when)s has been cancelled.") % {"title": title, "when": when}
    return RenderedText(title=text, body="", url=event_url(n.target_id, occurrence))


def _render_occurrence_moved(n: Notification) -> RenderedText:
    title, occurrence, when = _data(n)
    was = _when(n.data.get("was"), bool(n.data.get("all_day")))
    text = _g("“%(title)s” on %(was)s has been moved to %(when)s.") % {
        "title": title,
        "was": was,
        "when": when,
    }
    return RenderedText(title=text, body="", url=event_url(n.target_id, occurrence))


def _render_promoted(n: Notification) -> RenderedText:
    title, occurrence, when = _data(n)
    text = _g("A place became free: you are now going to “%(title)s” on %(when)s.") % {
        "title": title,
        "when": when,
    }
    return RenderedText(title=text, body="", url=event_url(n.target_id, occurrence))


def _render_reminder(n: Notification) -> RenderedText:
    title, occurrence, when = _data(n)
    if n.data.get("kind") == "hour":
        text = _g("Starting soon: “%(title)s” at %(when)s.") % {"title": title, "when": when}
    else:
        text = _g("Tomorrow: “%(title)s” on %(when)s.") % {"title": title, "when": when}
    body = str(n.data.get("place", ""))
    return RenderedText(title=text, body=body, url=event_url(n.target_id, occurrence))


EVENT_CHANGED = register(
    NotificationType(
        key="event_changed",
        label=_("Changed events"),
        description=_("The time or place of an event you said yes or maybe to changes."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        target_visible=_events_visible,
        render=_render_changed,
    )
)
EVENT_CANCELLED = register(
    NotificationType(
        key="event_cancelled",
        label=_("Cancelled events"),
        description=_("An event you said yes or maybe to is cancelled."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        target_visible=_events_visible,
        render=_render_cancelled,
    )
)
OCCURRENCE_CANCELLED = register(
    NotificationType(
        key="occurrence_cancelled",
        label=_("Cancelled meetings of a series"),
        description=_("One meeting of a series you said yes or maybe to is cancelled."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        target_visible=_events_visible,
        render=_render_occurrence_cancelled,
    )
)
OCCURRENCE_MOVED = register(
    NotificationType(
        key="occurrence_moved",
        label=_("Moved meetings of a series"),
        description=_("One meeting of a series you said yes or maybe to is moved."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        target_visible=_events_visible,
        render=_render_occurrence_moved,
    )
)
WAITLIST_PROMOTED = register(
    NotificationType(
        key="waitlist_promoted",
        label=_("Places from the waiting list"),
        description=_("A place became free and you moved up from the waiting list."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        target_visible=_events_visible,
        render=_render_promoted,
    )
)
EVENT_REMINDER = register(
    NotificationType(
        key="event_reminder",
        label=_("Event reminders"),
        description=_("An event you said yes or maybe to starts tomorrow or in an hour."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        target_visible=_events_visible,
        render=_render_reminder,
    )
)


def occurrence_data(
    *, title: str, start: datetime, recurrence_id: datetime, all_day: bool, **extra: Any
) -> dict[str, Any]:
    """The data stored on a notification about one occurrence (texts render from it)."""

    return {
        "title": title,
        "start": utc(start).isoformat(),
        "occurrence": utc(recurrence_id).strftime("%Y%m%dT%H%M%SZ"),
        "all_day": all_day,
        **extra,
    }
