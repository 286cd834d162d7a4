"""The event page with its RSVP buttons, the attendee export, the cover picture and the event's
iCal download."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hanse.audit import services as audit
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.events import ical, recurrence, selectors
from hanse.events.forms import RsvpForm
from hanse.events.models import Event, Rsvp
from hanse.events.rules import may_manage_event
from hanse.events.services import rsvps as rsvp_services
from hanse.events.views.common import PICKER_SIZE, detail_url, event_or_404, occurrence_of, stamp
from hanse.people.models import User
from hanse.posts.models import Post
from hanse.posts.selectors import posts as post_selectors

if TYPE_CHECKING:
    from hanse.events.recurrence import Occurrence


# --- the event page ----------------------------------------------------------------------------


def _naive(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _when(event: Event, occurrence: Occurrence) -> dict[str, Any]:
    """Start and end in the viewer's zone, and in the event's zone when that differs."""
    viewer_zone = timezone.get_current_timezone()
    event_zone = ZoneInfo(event.time_zone)
    start, end = timezone.localtime(occurrence.start), timezone.localtime(occurrence.end)
    differs = (
        not event.all_day
        and start.utcoffset() != occurrence.start.astimezone(event_zone).utcoffset()
    )
    if event.all_day:
        start = _naive(occurrence.start, event_zone)
        end = _naive(occurrence.end, event_zone)
        if end.time() == datetime.min.time() and end.date() > start.date():
            end -= timedelta(days=1)
    return {
        "start": start,
        "end": end,
        "same_day": start.date() == end.date(),
        "zone": str(viewer_zone),
        "event_zone": event.time_zone if differs else "",
        # Naive on purpose: the template's date filters would convert aware times back into
        # the viewer's zone.
        "event_start": _naive(occurrence.start, event_zone) if differs else None,
        "event_end": _naive(occurrence.end, event_zone) if differs else None,
    }


def visible_post(viewer: User, post_id: int) -> Post | None:
    """The post through the posts app's fetcher (its visible_to), None when not visible."""
    try:
        return post_selectors.get_post_for(viewer=viewer, post_id=post_id)
    except Http404:
        return None


def _notes_post(event: Event, viewer: User) -> Post | None:
    if not event.notes_post_id:
        return None
    return visible_post(viewer, event.notes_post_id)


def _rsvp_buttons(my_rsvp: Rsvp | None) -> list[tuple[str, str, bool]]:
    """Going / Maybe / Not going, the current answer pressed (the waiting list counts as
    "going": it is what the person asked for)."""
    current = my_rsvp.status if my_rsvp else ""
    if current == Rsvp.Status.WAITLIST:
        current = Rsvp.Status.GOING
    return [
        (Rsvp.Status.GOING, _("Going"), current == Rsvp.Status.GOING),
        (Rsvp.Status.MAYBE, _("Maybe"), current == Rsvp.Status.MAYBE),
        (Rsvp.Status.NOT_GOING, _("Not going"), current == Rsvp.Status.NOT_GOING),
    ]


@require_GET
def detail(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    event = event_or_404(request, event_id)
    occurrence = occurrence_of(event, request.GET.get("on"))
    now = timezone.now()
    attendees = selectors.attendees(
        viewer=viewer, event=event, recurrence_id=occurrence.recurrence_id
    )
    counts = selectors.rsvp_counts(event, occurrence.recurrence_id)
    going = int(counts.get(Rsvp.Status.GOING, 0) or 0)
    my_rsvp = selectors.my_rsvp(viewer=viewer, event=event, recurrence_id=occurrence.recurrence_id)
    picker: list[Occurrence] = []
    if event.rrule:
        picker = recurrence.occurrences(
            event, start=now, end=now + timedelta(days=800), include_cancelled=True
        )[:PICKER_SIZE]
        if all(o.recurrence_id != occurrence.recurrence_id for o in picker):
            picker = [occurrence, *picker]
    can_manage = may_manage_event(viewer, event)
    is_past = occurrence.end <= now
    organisers = [event.organiser, *event.co_organisers.all()]
    context = {
        "event": event,
        "occurrence": occurrence,
        "on": stamp(occurrence.recurrence_id),
        "when": _when(event, occurrence),
        "repeats": recurrence.describe_rrule(event.rrule, get_language() or "en")
        if event.rrule
        else "",
        "where": ical.location_text(event, occurrence.room),
        "organisers": organisers,
        "attendees": attendees,
        "counts": counts,
        "going": going,
        "seats_left": counts.get("places_left"),
        "my_rsvp": my_rsvp,
        "waitlist_position": selectors.waitlist_position(
            viewer=viewer, event=event, recurrence_id=occurrence.recurrence_id
        )
        if my_rsvp is not None and my_rsvp.status == Rsvp.Status.WAITLIST
        else None,
        "picker": picker,
        "can_manage": can_manage,
        "can_rsvp": not is_past and not occurrence.cancelled and not event.cancelled_at,
        "is_past": is_past,
        "notes_post": _notes_post(event, viewer),
        "rsvp_buttons": _rsvp_buttons(my_rsvp),
    }
    return render(request, "events/detail.html", context)


@require_POST
def rsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    event = event_or_404(request, event_id)
    occurrence = occurrence_of(event, request.POST.get("on"))
    form = RsvpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose going, maybe or not going."))
        return HttpResponseRedirect(detail_url(event, occurrence))
    status = form.cleaned_data["status"]
    try:
        answer = rsvp_services.rsvp_set(
            event=event, recurrence_id=occurrence.recurrence_id, user=viewer, status=status
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404(str(exc.message)) from exc
        messages.error(request, str(exc.message))
    else:
        texts: dict[str, str] = {
            Rsvp.Status.GOING: _("You are going. See you there!"),
            Rsvp.Status.MAYBE: _("You might come. We have noted it."),
            Rsvp.Status.NOT_GOING: _("You are not going. Thank you for letting us know."),
            Rsvp.Status.WAITLIST: _(
                "All places are taken: you are on the waiting list. We will tell you when a "
                "place becomes free."
            ),
        }
        messages.success(request, texts[str(answer.status)])
    return HttpResponseRedirect(detail_url(event, occurrence))


@require_GET
def attendees_csv(request: HttpRequest, event_id: int) -> HttpResponse:
    """The attendee list of one occurrence as CSV, for organisers."""
    viewer = http.viewer(request)
    event = event_or_404(request, event_id)
    if not may_manage_event(viewer, event):
        return HttpResponseForbidden(_("Only the organisers can export the attendee list."))
    occurrence = occurrence_of(event, request.GET.get("on"))
    attendees = selectors.attendees(
        viewer=viewer, event=event, recurrence_id=occurrence.recurrence_id
    )
    labels: dict[str, str] = {str(value): str(label) for value, label in Rsvp.Status.choices}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Name"), _("Username"), _("E-mail"), _("Job title"), _("Answer")])
    for status in (Rsvp.Status.GOING, Rsvp.Status.WAITLIST, Rsvp.Status.MAYBE,
                   Rsvp.Status.NOT_GOING):  # fmt: skip
        for person in attendees.get(status, []):
            writer.writerow(
                [
                    csv_cell(person.display_name),
                    csv_cell(person.username),
                    csv_cell(person.email),
                    csv_cell(person.job_title),
                    csv_cell(labels[str(status)]),
                ]
            )
    audit.record(
        "events.attendees_exported",
        target=event,
        request=request,
        data={"occurrence": str(occurrence.recurrence_id or "")},
    )
    local = timezone.localtime(occurrence.start)
    response = HttpResponse(
        "\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8"
    )  # the BOM makes Excel read UTF-8
    response["Content-Disposition"] = (
        f'attachment; filename="event-{event.pk}-{local:%Y-%m-%d}-attendees.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading =, +, -, @, tab or line
    break makes Excel and LibreOffice evaluate the cell; a leading apostrophe keeps it text."""
    value = value or ""
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


@require_GET
def cover(request: HttpRequest, event_id: int) -> HttpResponseBase:
    """The cover image, for those who may see the event."""
    event = event_or_404(request, event_id)
    if not event.cover:
        raise Http404(_("This event has no cover image."))
    try:
        handle = event.cover.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("This event has no cover image.")) from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    """The event (the whole series) as an .ics file."""
    event = event_or_404(request, event_id)
    response = HttpResponse(ical.event_calendar(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    response["Cache-Control"] = "private"
    return response
