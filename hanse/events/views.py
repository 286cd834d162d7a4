"""Event pages: calendars, the event page with RSVP, the event form, occurrence changes,
attendee export, iCal downloads and the personal subscription feed."""

from __future__ import annotations

import csv
import io
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.communities import selectors as community_selectors
from hanse.communities.forms import JoinRequestForm
from hanse.communities.models import Community
from hanse.core import http, idempotency
from hanse.core.errors import ServiceError
from hanse.events import ical, recurrence, selectors
from hanse.events.forms import EventForm, OccurrenceForm, RsvpForm
from hanse.events.models import Event, Rsvp
from hanse.events.rules import may_create_event_in, may_manage_event
from hanse.events.services import calendars as calendar_services
from hanse.events.services import events as event_services
from hanse.events.services import rsvps as rsvp_services
from hanse.people.models import User
from hanse.posts.models import Post
from hanse.posts.selectors import posts as post_selectors

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


def _event(request: HttpRequest, event_id: int) -> Event:
    try:
        return selectors.get_event_for(viewer=http.viewer(request), event_id=event_id)
    except ServiceError as exc:
        raise Http404(str(exc.message)) from exc


def _manage_or_404(request: HttpRequest, event: Event) -> None:
    if not may_manage_event(http.viewer(request), event):
        # Members who may see the event but not change it learn nothing more from a 404
        # than from a 403; outsiders never reach this point (get_event_for is a 404).
        raise Http404(_("Only the organisers can do this."))


def _occurrence(event: Event, raw: str | None) -> Occurrence:
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


def _detail_url(event: Event, occurrence: Occurrence | None = None) -> str:
    url = reverse("events:detail", args=[event.pk])
    if occurrence is not None and event.rrule:
        url += f"?on={stamp(occurrence.recurrence_id)}"
    return url


def _by_day(occurrences: Iterable[Occurrence]) -> list[tuple[date, list[Occurrence]]]:
    """Occurrences grouped by their local start day, in order."""
    days: OrderedDict[date, list[Occurrence]] = OrderedDict()
    for occurrence in occurrences:
        day = timezone.localtime(occurrence.start).date()
        days.setdefault(day, []).append(occurrence)
    return list(days.items())


def _month(raw: str | None) -> date:
    today = timezone.localdate()
    if raw:
        try:
            year, month = (int(part) for part in raw.split("-", 1))
            if 1900 <= year <= 2999 and 1 <= month <= 12:
                return date(year, month, 1)
        except ValueError:
            pass
    return today.replace(day=1)


def _shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())


# --- calendars ---------------------------------------------------------------------------------


def _month_grid(occurrences: list[Occurrence], first: date) -> list[list[dict[str, Any]]]:
    """Weeks (Monday first) of days, each with the occurrences on it."""
    grid_start = first - timedelta(days=first.weekday())
    next_month = _shift_month(first, 1)
    last = next_month - timedelta(days=1)
    grid_end = last + timedelta(days=6 - last.weekday())
    per_day: dict[date, list[Occurrence]] = {}
    for occurrence in occurrences:
        start_day = timezone.localtime(occurrence.start).date()
        end_local = timezone.localtime(occurrence.end)
        end_day = end_local.date()
        if end_day > start_day and end_local.time() == datetime.min.time():
            end_day -= timedelta(days=1)  # an end at midnight belongs to the day before
        day = max(start_day, grid_start)
        while day <= min(end_day, grid_end):
            per_day.setdefault(day, []).append(occurrence)
            day += timedelta(days=1)
    today = timezone.localdate()
    weeks, day = [], grid_start
    while day <= grid_end:
        week = []
        for _i in range(7):
            week.append(
                {
                    "date": day,
                    "in_month": day.month == first.month,
                    "today": day == today,
                    "occurrences": per_day.get(day, []),
                }
            )
            day += timedelta(days=1)
        weeks.append(week)
    return weeks


def _calendar_page(
    request: HttpRequest,
    *,
    mine: bool,
    view: str,
    community: Community | None = None,
    template: str = "events/calendar.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    viewer = http.viewer(request)
    context: dict[str, Any] = {"view": view, "mine": mine, **(extra or {})}
    if view == "month":
        first = _month(request.GET.get("month"))
        grid_start = first - timedelta(days=first.weekday())
        grid_end = _shift_month(first, 1) + timedelta(days=7)
        occurrences = selectors.calendar(
            viewer=viewer,
            start=_local_midnight(grid_start),
            end=_local_midnight(grid_end),
            community=community,
            mine=mine,
        )
        in_month = [
            o
            for o in occurrences
            if timezone.localtime(o.end) > _local_midnight(first)
            and timezone.localtime(o.start) < _local_midnight(_shift_month(first, 1))
        ]
        context.update(
            month=first,
            previous_month=_shift_month(first, -1),
            next_month=_shift_month(first, 1),
            weeks=_month_grid(occurrences, first),
            month_days=_by_day(in_month),
        )
    else:
        now = timezone.now()
        occurrences = selectors.calendar(
            viewer=viewer,
            start=now,
            end=now + timedelta(days=UPCOMING_DAYS),
            community=community,
            mine=mine,
        )
        context["days"] = _by_day(occurrences)
    context["today"] = timezone.localdate()
    return render(request, template, context)


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """The month view of every event the viewer may see."""
    view = "list" if request.GET.get("view") == "list" else "month"
    return _calendar_page(request, mine=False, view=view)


@require_GET
def upcoming(request: HttpRequest) -> HttpResponse:
    """Upcoming events as a list, grouped by day."""
    return _calendar_page(request, mine=False, view="list")


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The events I go to, might go to, wait for or organise."""
    view = "month" if request.GET.get("view") == "month" else "list"
    return _calendar_page(request, mine=True, view=view)


@require_GET
def community_events(request: HttpRequest, slug: str) -> HttpResponse:
    """The "Events" tab of a community."""
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    can_read = viewer.has_perm("communities.view_content", community)
    pending = (
        community_selectors.pending_requests(community=community).count()
        if viewer.has_perm("communities.manage_members", community)
        else 0
    )
    context = {
        "community": community,
        "tab": "events",
        "pending_request_count": pending,
        "can_read": can_read,
        "request_form": JoinRequestForm(),
        "may_create_event": may_create_event_in(viewer, community),
    }
    if not can_read:
        return render(request, "events/community_events.html", context, status=403)
    return _calendar_page(
        request,
        mine=False,
        view="list",
        community=community,
        template="events/community_events.html",
        extra=context,
    )


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


def _visible_post(viewer: User, post_id: int) -> Post | None:
    """The post through the posts app's fetcher (its visible_to), None when not visible."""
    try:
        return post_selectors.get_post_for(viewer=viewer, post_id=post_id)
    except Http404:
        return None


def _notes_post(event: Event, viewer: User) -> Post | None:
    if not event.notes_post_id:
        return None
    return _visible_post(viewer, event.notes_post_id)


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
    event = _event(request, event_id)
    occurrence = _occurrence(event, request.GET.get("on"))
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
    event = _event(request, event_id)
    occurrence = _occurrence(event, request.POST.get("on"))
    form = RsvpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose going, maybe or not going."))
        return HttpResponseRedirect(_detail_url(event, occurrence))
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
    return HttpResponseRedirect(_detail_url(event, occurrence))


@require_GET
def attendees_csv(request: HttpRequest, event_id: int) -> HttpResponse:
    """The attendee list of one occurrence as CSV, for organisers."""
    viewer = http.viewer(request)
    event = _event(request, event_id)
    if not may_manage_event(viewer, event):
        return HttpResponseForbidden(_("Only the organisers can export the attendee list."))
    occurrence = _occurrence(event, request.GET.get("on"))
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
    event = _event(request, event_id)
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
    event = _event(request, event_id)
    response = HttpResponse(ical.event_calendar(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    response["Cache-Control"] = "private"
    return response


# --- creating and changing ---------------------------------------------------------------------


def _form_error(form: EventForm, exc: ServiceError) -> None:
    field = FIELD_OF_CODE.get(exc.code)
    if field is not None and field not in form.fields:
        field = None
    form.add_error(field, str(exc.message))


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    communities = list(community_selectors.communities_of(user=viewer))
    initial: dict[str, Any] = {}
    wanted = request.GET.get("community", "")
    if any(str(c.pk) == wanted for c in communities):
        initial["community"] = wanted
    form = EventForm(
        request.POST or None, request.FILES or None, communities=communities, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                event = event_services.event_create(
                    by=viewer,
                    community=data["community_obj"],
                    idempotency_key=idempotency.from_request(request),
                    **form.service_fields(),
                )
            except ServiceError as exc:
                if exc.status == 404:
                    raise Http404(str(exc.message)) from exc
                _form_error(form, exc)
            else:
                messages.success(request, _("Your event is published."))
                return HttpResponseRedirect(reverse("events:detail", args=[event.pk]))
    return render(request, "events/form.html", {"form": form, "event": None}, status=status)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    event = _event(request, event_id)
    _manage_or_404(request, event)
    if request.method == "POST":
        form = EventForm(request.POST, request.FILES or None, communities=[], event=event)
    else:
        form = EventForm(initial=EventForm.initial_for(event), communities=[], event=event)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                event_services.event_update(event=event, by=viewer, **form.service_fields())
            except ServiceError as exc:
                if exc.status == 404:
                    raise Http404(str(exc.message)) from exc
                _form_error(form, exc)
            else:
                messages.success(request, _("The event has been changed."))
                return HttpResponseRedirect(reverse("events:detail", args=[event.pk]))
    return render(request, "events/form.html", {"form": form, "event": event}, status=status)


@require_http_methods(["GET", "POST"])
def occurrence_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    """Change one occurrence, or this and all future ones (scope=future)."""
    viewer = http.viewer(request)
    event = _event(request, event_id)
    _manage_or_404(request, event)
    source = request.POST if request.method == "POST" else request.GET
    occurrence = _occurrence(event, source.get("on"))
    future = source.get("scope") == "future"
    zone = ZoneInfo(event.time_zone)
    if request.method == "POST":
        form = OccurrenceForm(request.POST, zone=zone)
    else:
        start = occurrence.start.astimezone(zone)
        end = occurrence.end.astimezone(zone)
        form = OccurrenceForm(
            zone=zone,
            initial={
                "title": occurrence.title,
                "start_date": start.date(),
                "start_time": start.time().replace(second=0),
                "end_time": end.time().replace(second=0),
                "room": occurrence.room,
            },
        )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if future:
                    target = event_services.series_update_from(
                        event=event,
                        recurrence_id=occurrence.recurrence_id,
                        by=viewer,
                        title=data["title"],
                        room=data["room"],
                        start=data["start"],
                        end=data["end"],
                    )
                    url = reverse("events:detail", args=[target.pk])
                else:
                    event_services.occurrence_update(
                        event=event,
                        recurrence_id=occurrence.recurrence_id,
                        by=viewer,
                        start=data["start"],
                        end=data["end"],
                        title=data["title"],
                        room=data["room"],
                    )
                    url = _detail_url(event, occurrence)
            except ServiceError as exc:
                if exc.status == 404:
                    raise Http404(str(exc.message)) from exc
                form.add_error(None, str(exc.message))
            else:
                messages.success(
                    request,
                    _("This and all following dates have been changed.")
                    if future
                    else _("This date has been changed."),
                )
                return HttpResponseRedirect(url)
    context = {
        "event": event,
        "occurrence": occurrence,
        "on": stamp(occurrence.recurrence_id),
        "form": form,
        "future": future,
    }
    return render(request, "events/occurrence_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def occurrence_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    event = _event(request, event_id)
    _manage_or_404(request, event)
    source = request.POST if request.method == "POST" else request.GET
    occurrence = _occurrence(event, source.get("on"))
    if request.method == "POST" and http.attempt(
        request,
        lambda: event_services.occurrence_cancel(
            event=event, recurrence_id=occurrence.recurrence_id, by=viewer
        ),
        _("This date has been cancelled. Everyone who said yes has been told."),
    ):
        return HttpResponseRedirect(_detail_url(event, occurrence))
    context = {
        "event": event,
        "occurrence": occurrence,
        "on": stamp(occurrence.recurrence_id),
        "what": "occurrence",
    }
    return render(request, "events/confirm_cancel.html", context)


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    event = _event(request, event_id)
    _manage_or_404(request, event)
    if request.method == "POST" and http.attempt(
        request,
        lambda: event_services.event_cancel(event=event, by=viewer),
        _("The event has been cancelled. Everyone who said yes has been told."),
    ):
        return HttpResponseRedirect(reverse("events:detail", args=[event.pk]))
    context = {"event": event, "occurrence": None, "what": "event"}
    return render(request, "events/confirm_cancel.html", context)


# --- after the meetup: notes and photos --------------------------------------------------------


def _recent_posts(event: Event, viewer: User) -> list[Post]:
    posts = Post.objects.visible_to(viewer).filter(author=viewer)
    if event.community_id:
        posts = posts.filter(community_id=event.community_id)
    else:
        posts = posts.filter(scope=Post.Scope.COMPANY)
    return list(posts.order_by("-created_at", "-pk")[:RECENT_POSTS])


@require_http_methods(["GET", "POST"])
def notes(request: HttpRequest, event_id: int) -> HttpResponse:
    """Post notes and photos after the meetup, and link the post from the event."""
    viewer = http.viewer(request)
    event = _event(request, event_id)
    _manage_or_404(request, event)
    if request.method == "POST":
        post_id = request.POST.get("post", "")
        post = _visible_post(viewer, int(post_id)) if post_id.isdigit() else None
        if post is None:
            messages.error(request, _("Please choose one of your posts."))
        elif http.attempt(
            request,
            lambda: event_services.event_set_notes(event=event, by=viewer, post=post),
            _("The notes are linked from the event."),
        ):
            return HttpResponseRedirect(reverse("events:detail", args=[event.pk]))
    event_link = settings.SITE_URL + reverse("events:detail", args=[event.pk])
    body = _("Notes and photos from “%(title)s”: %(link)s") % {
        "title": event.title,
        "link": event_link,
    }
    where = f"community:{event.community.slug}" if event.community is not None else "company"
    context = {
        "event": event,
        "body": body + "\n\n",
        "where": where,
        "recent_posts": _recent_posts(event, viewer),
        "next": reverse("events:notes", args=[event.pk]),
    }
    return render(request, "events/notes.html", context)


# --- personal calendar subscription ------------------------------------------------------------


def _feed_url(request: HttpRequest, raw: str) -> str:
    return request.build_absolute_uri(reverse("events:feed", args=[raw]))


@require_http_methods(["GET", "POST"])
def subscription(request: HttpRequest) -> HttpResponse:
    """Create and revoke the secret addresses of one's calendar subscription."""
    viewer = http.viewer(request)
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            try:
                raw = calendar_services.calendar_token_create(user=viewer)
            except ServiceError as exc:
                messages.error(request, str(exc.message))
            else:
                new_url = _feed_url(request, raw)
                messages.success(
                    request,
                    _("Your subscription address is ready. Copy it now: it is shown only once."),
                )
        elif action == "revoke" and request.POST.get("token", "").isdigit():
            token_id = int(request.POST["token"])
            if http.attempt(
                request,
                lambda: calendar_services.calendar_token_revoke(user=viewer, token_id=token_id),
                _("The address no longer works. Calendars subscribed to it stop updating."),
            ):
                return HttpResponseRedirect(reverse("events:subscription"))
    tokens = selectors.calendar_tokens(user=viewer)
    return render(request, "events/subscription.html", {"tokens": list(tokens), "new_url": new_url})


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal iCal feed. The secret in the address is the only credential: no session,
    and only what the person may see at this moment."""
    user = calendar_services.calendar_token_user(token)
    if user is None:
        raise Http404("Unknown calendar")
    now = timezone.now()
    occurrences = selectors.feed_occurrences_for(
        user=user,
        start=now - timedelta(days=FEED_PAST_DAYS),
        end=now + timedelta(days=FEED_FUTURE_DAYS),
    )
    event_ids = {o.event.pk for o in occurrences}
    managed = set(
        Event.objects.filter(pk__in=event_ids)
        .filter(Q(organiser=user) | Q(co_organisers=user))
        .values_list("pk", flat=True)
    )
    body = ical.feed_calendar(
        name=f"{settings.HANSE_SITE_NAME}: {user.display_name}",
        occurrences=occurrences,
        managed=managed,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=0"
    response["X-Robots-Tag"] = "noindex"
    return response
