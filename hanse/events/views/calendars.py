"""The calendars: a month, the upcoming list, one's own events, a community's events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hanse.communities import selectors as community_selectors
from hanse.communities.forms import JoinRequestForm
from hanse.communities.models import Community
from hanse.core import http
from hanse.events import selectors
from hanse.events.rules import may_create_event_in
from hanse.events.views.common import (
    UPCOMING_DAYS,
    by_day,
    local_midnight,
    parse_month,
    shift_month,
)

if TYPE_CHECKING:
    from hanse.events.recurrence import Occurrence


# --- calendars ---------------------------------------------------------------------------------


def _month_grid(occurrences: list[Occurrence], first: date) -> list[list[dict[str, Any]]]:
    """Weeks (Monday first) of days, each with the occurrences on it."""
    grid_start = first - timedelta(days=first.weekday())
    next_month = shift_month(first, 1)
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
        first = parse_month(request.GET.get("month"))
        grid_start = first - timedelta(days=first.weekday())
        grid_end = shift_month(first, 1) + timedelta(days=7)
        occurrences = selectors.calendar(
            viewer=viewer,
            start=local_midnight(grid_start),
            end=local_midnight(grid_end),
            community=community,
            mine=mine,
        )
        in_month = [
            o
            for o in occurrences
            if timezone.localtime(o.end) > local_midnight(first)
            and timezone.localtime(o.start) < local_midnight(shift_month(first, 1))
        ]
        context.update(
            month=first,
            previous_month=shift_month(first, -1),
            next_month=shift_month(first, 1),
            weeks=_month_grid(occurrences, first),
            month_days=by_day(in_month),
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
        context["days"] = by_day(occurrences)
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
