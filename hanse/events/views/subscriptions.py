"""The personal calendar subscription: its settings page, and the iCal feed whose secret
address authenticates (no session)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.events import ical, selectors
from hanse.events.models import Event
from hanse.events.services import calendars as calendar_services
from hanse.events.views.common import FEED_FUTURE_DAYS, FEED_PAST_DAYS

if TYPE_CHECKING:
    pass


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
