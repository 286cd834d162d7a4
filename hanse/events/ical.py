"""iCalendar (RFC 5545) export: one event as a whole series, and a person's subscription feed.

A recurring event is one VEVENT with its RRULE, EXDATEs for cancelled occurrences and one
VEVENT per changed occurrence (same UID, RECURRENCE-ID = the original start), so calendar
clients show exactly what the event page shows. The UID (``<event.uid>@<host>``) never changes;
SEQUENCE rises with every change so clients replace what they had.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, vCalAddress, vRecur, vText
from icalendar import Event as VEvent

from hanse.events.models import Event, OccurrenceOverride
from hanse.people.models import User

PRODID = "-//Hanse//Events//EN"


def site_host() -> str:
    """The host part of UIDs: stable, whatever address a request came in on."""
    return urlsplit(settings.SITE_URL).hostname or "hanse"


def event_uid(event: Event) -> str:
    return f"{event.uid}@{site_host()}"


def occurrence_uid(event: Event, recurrence_id: datetime) -> str:
    """A UID of its own for one occurrence sent without its series (subscription feeds)."""
    stamp = recurrence_id.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
    return f"{event.uid}-{stamp}@{site_host()}"


def event_url(event: Event) -> str:
    return settings.SITE_URL + reverse("events:detail", args=[event.pk])


def _zone(event: Event) -> ZoneInfo:
    try:
        return ZoneInfo(event.time_zone or settings.TIME_ZONE)
    except (KeyError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def _all_day_dates(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """DTSTART/DTEND dates of an all-day event; DTEND is exclusive (the day after)."""
    first = start.astimezone(zone)
    last = end.astimezone(zone)
    end_day = last.date()
    if last.time() != datetime.min.time() or end_day <= first.date():
        end_day += timedelta(days=1)
    return first.date(), end_day


def _put_times(vevent: VEvent, event: Event, start: datetime, end: datetime) -> None:
    zone = _zone(event)
    if event.all_day:
        first, after = _all_day_dates(start, end, zone)
        vevent.add("dtstart", first)
        vevent.add("dtend", after)
    else:
        vevent.add("dtstart", start.astimezone(zone))
        vevent.add("dtend", end.astimezone(zone))


def _recurrence_value(event: Event, recurrence_id: datetime) -> datetime | date:
    local = recurrence_id.astimezone(_zone(event))
    return local.date() if event.all_day else local


def location_text(event: Event, room: str | None = None) -> str:
    """Branch, room and address as one line of plain text."""
    parts = []
    if event.location_id and event.location is not None:
        parts.append(event.location.name)
    room = event.room if room is None else room
    if room:
        parts.append(room)
    if event.address:
        parts.append(event.address)
    return ", ".join(parts)


def _description(event: Event) -> str:
    text = event.description.strip()
    if event.online_url:
        text = f"{text}\n\nOnline: {event.online_url}".strip()
    return f"{text}\n\n{event_url(event)}".strip()


def _base(event: Event, *, uid: str, title: str, room: str | None, sequence: int) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", (event.updated_at or timezone.now()).astimezone(ZoneInfo("UTC")))
    vevent.add("created", event.created_at.astimezone(ZoneInfo("UTC")))
    vevent.add("last-modified", (event.updated_at or event.created_at).astimezone(ZoneInfo("UTC")))
    vevent.add("sequence", sequence)
    vevent.add("summary", title)
    description = _description(event)
    if description:
        vevent.add("description", description)
    where = location_text(event, room) or event.online_url
    if where:
        vevent.add("location", where)
    vevent.add("url", event_url(event))
    organiser: User = event.organiser
    address = vCalAddress(f"mailto:{organiser.email}")
    address.params["cn"] = vText(organiser.display_name)
    vevent.add("organizer", address)
    if event.cancelled_at:
        vevent.add("status", "CANCELLED")
    else:
        vevent.add("status", "CONFIRMED")
    return vevent


def event_components(
    event: Event, overrides: Iterable[OccurrenceOverride] | None = None
) -> list[VEvent]:
    """The VEVENTs of one event: the series (with RRULE and EXDATE) and its changed
    occurrences (RECURRENCE-ID)."""
    uid = event_uid(event)
    master = _base(event, uid=uid, title=event.title, room=None, sequence=event.sequence)
    _put_times(master, event, event.start, event.end)
    components = [master]
    if not event.rrule:
        return components
    master.add("rrule", vRecur.from_ical(event.rrule))
    duration = event.end - event.start
    if overrides is None:
        overrides = event.overrides.all()
    changed = []
    for override in sorted(overrides, key=lambda o: o.recurrence_id):
        if override.cancelled:
            master.add("exdate", _recurrence_value(event, override.recurrence_id))
            continue
        changed.append(override)
    for override in changed:
        vevent = _base(
            event,
            uid=uid,
            title=override.title or event.title,
            room=override.room or None,
            sequence=max(event.sequence, override.sequence),
        )
        vevent.add("recurrence-id", _recurrence_value(event, override.recurrence_id))
        start = override.start or override.recurrence_id
        end = override.end or (start + duration)
        _put_times(vevent, event, start, end)
        components.append(vevent)
    return components


def occurrence_component(
    event: Event,
    *,
    recurrence_id: datetime,
    start: datetime,
    end: datetime,
    title: str,
    room: str,
    cancelled: bool,
) -> VEvent:
    """One occurrence of a series as an event of its own (for people attending only it)."""
    vevent = _base(
        event,
        uid=occurrence_uid(event, recurrence_id),
        title=title,
        room=room or None,
        sequence=event.sequence,
    )
    if cancelled and "status" in vevent:
        vevent["status"] = "CANCELLED"
    _put_times(vevent, event, start, end)
    return vevent


def new_calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def finish(cal: Calendar) -> bytes:
    """Add a VTIMEZONE for every TZID used, and serialise."""
    cal.add_missing_timezones()
    return cal.to_ical()


def event_calendar(event: Event) -> bytes:
    """The .ics download of one event, the whole series."""
    cal = new_calendar(event.title)
    for component in event_components(event):
        cal.add_component(component)
    return finish(cal)


def feed_calendar(*, name: str, occurrences: Iterable[object], managed: set[int]) -> bytes:
    """A person's subscription feed.

    Events they organise come as whole series, like the download. Of a series they only
    attend, each occurrence they answered comes as an event of its own, so their calendar
    holds the meetups they go to, not every meetup of the series.
    """
    cal = new_calendar(name)
    done: set[int] = set()
    for occurrence in occurrences:
        event: Event = occurrence.event  # type: ignore[attr-defined]
        if not event.rrule or event.pk in managed:
            if event.pk not in done:
                done.add(event.pk)
                for component in event_components(event):
                    cal.add_component(component)
            continue
        cal.add_component(
            occurrence_component(
                event,
                recurrence_id=occurrence.recurrence_id,  # type: ignore[attr-defined]
                start=occurrence.start,  # type: ignore[attr-defined]
                end=occurrence.end,  # type: ignore[attr-defined]
                title=occurrence.title,  # type: ignore[attr-defined]
                room=occurrence.room,  # type: ignore[attr-defined]
                cancelled=occurrence.cancelled,  # type: ignore[attr-defined]
            )
        )
    return finish(cal)
