"""Creating and changing events: the event form, one occurrence's changes and cancellation,
cancelling the event, and the notes and photos after the meetup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hanse.communities import selectors as community_selectors
from hanse.core import http, idempotency
from hanse.core.errors import ServiceError
from hanse.events.forms import EventForm, OccurrenceForm
from hanse.events.models import Event
from hanse.events.services import events as event_services
from hanse.events.views.common import (
    FIELD_OF_CODE,
    RECENT_POSTS,
    detail_url,
    event_or_404,
    manage_or_404,
    occurrence_of,
    stamp,
)
from hanse.events.views.pages import visible_post
from hanse.people.models import User
from hanse.posts.models import Post

if TYPE_CHECKING:
    pass


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
    event = event_or_404(request, event_id)
    manage_or_404(request, event)
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
    event = event_or_404(request, event_id)
    manage_or_404(request, event)
    source = request.POST if request.method == "POST" else request.GET
    occurrence = occurrence_of(event, source.get("on"))
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
                    url = detail_url(event, occurrence)
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
    event = event_or_404(request, event_id)
    manage_or_404(request, event)
    source = request.POST if request.method == "POST" else request.GET
    occurrence = occurrence_of(event, source.get("on"))
    if request.method == "POST" and http.attempt(
        request,
        lambda: event_services.occurrence_cancel(
            event=event, recurrence_id=occurrence.recurrence_id, by=viewer
        ),
        _("This date has been cancelled. Everyone who said yes has been told."),
    ):
        return HttpResponseRedirect(detail_url(event, occurrence))
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
    event = event_or_404(request, event_id)
    manage_or_404(request, event)
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
    event = event_or_404(request, event_id)
    manage_or_404(request, event)
    if request.method == "POST":
        post_id = request.POST.get("post", "")
        post = visible_post(viewer, int(post_id)) if post_id.isdigit() else None
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
