"""What the event pages share: reading an occurrence from the address, the event a person may see
(else 404), month arithmetic, the limits of the pages."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.http import (
    Http404,
    HttpRequest,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.events import recurrence, selectors
from hanse.events.models import Event
from hanse.events.rules import may_manage_event

if TYPE_CHECKING:
    from hanse.events.recurrence import Occurrence


STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
UPCOMING_DAYS = 120
PICKER_SIZE = 8
FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 300
RECENT_POSTS = 10
# Which form field a service error belongs to, by its code.
FIELD_OF_CODE = {
    "title_required": "title",
    "title_too_long": "title",
    "description_too_long": "description",
    "end_before_start": "end_time",
    "invalid_time": "start_time",
    "invalid_time_zone": "time_zone",
    "invalid_rrule": "custom_rule",
    "invalid_capacity": "capacity",
    "invalid_url": "online_url",
    "invalid_co_organiser": "co_organisers",
    "too_many_co_organisers": "co_organisers",
    "not_an_image": "cover",
    "image_too_large": "cover",
    "file_too_large": "cover",
    "wrong_community": "community",
}

# --- helpers ---------------------------------------------------------------------------------


def stamp(moment: datetime) -> str:
    """An occurrence's recurrence id as it appears in URLs (UTC, RFC 5545 basic format)."""
    return moment.astimezone(ZoneInfo("UTC")).strftime(STAMP_FORMAT)


def _parse_stamp(raw: str) -> datetime | None:
    try:
        return datetime.strptime(raw, STAMP_FORMAT).replace(tzinfo=ZoneInfo("UTC"))
    except (TypeError, ValueError):
        return None


def event_or_404(request: HttpRequest, event_id: int) -> Event:
    try:
        return selectors.get_event_for(viewer=http.viewer(request), event_id=event_id)
    except ServiceError as exc:
        raise Http404(str(exc.message)) from exc


def manage_or_404(request: HttpRequest, event: Event) -> None:
    if not may_manage_event(http.viewer(request), event):
        # Members who may see the event but not change it learn nothing more from a 404
        # than from a 403; outsiders never reach this point (get_event_for is a 404).
        raise Http404(_("Only the organisers can do this."))


def occurrence_of(event: Event, raw: str | None) -> Occurrence:
    """The occurrence named in the request, else the next one (else the last one)."""
    if raw:
        recurrence_id = _parse_stamp(raw)
        if recurrence_id is None:
            raise Http404(_("This date does not belong to the event."))
        try:
            return recurrence.occurrence_at(event, recurrence_id)
        except ServiceError as exc:
            raise Http404(str(exc.message)) from exc
    now = timezone.now()
    if not event.rrule:
        return recurrence.occurrence_at(event, event.start)
    upcoming = recurrence.occurrences(event, start=now, end=now + timedelta(days=800))
    if upcoming:
        return upcoming[0]
    past = recurrence.occurrences(event, start=event.start, end=now)
    if past:
        return past[-1]
    return recurrence.occurrence_at(event, event.start)


def detail_url(event: Event, occurrence: Occurrence | None = None) -> str:
    url = reverse("events:detail", args=[event.pk])
    if occurrence is not None and event.rrule:
        url += f"?on={stamp(occurrence.recurrence_id)}"
    return url


def by_day(occurrences: Iterable[Occurrence]) -> list[tuple[date, list[Occurrence]]]:
    """Occurrences grouped by their local start day, in order."""
    days: OrderedDict[date, list[Occurrence]] = OrderedDict()
    for occurrence in occurrences:
        day = timezone.localtime(occurrence.start).date()
        days.setdefault(day, []).append(occurrence)
    return list(days.items())


def parse_month(raw: str | None) -> date:
    today = timezone.localdate()
    if raw:
        try:
            year, month = (int(part) for part in raw.split("-", 1))
            if 1900 <= year <= 2999 and 1 <= month <= 12:
                return date(year, month, 1)
        except ValueError:
            pass
    return today.replace(day=1)


def shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())
