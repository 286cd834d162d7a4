"""The first-day checklist: on the start page (a partial), on its own page, and dismissed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hanse.core import http
from hanse.onboarding import selectors, services


def start_page_context(request: HttpRequest) -> dict[str, Any]:
    """What the start page needs for ``{% include "onboarding/_first_day.html" %}``.

    When every step is done the page congratulates this once: it is recorded now, so the
    next visit shows nothing."""
    user = http.viewer(request)
    first_day = selectors.first_day_of(user=user)
    if first_day is not None and first_day.complete:
        services.first_day_complete(user=user)
    return {"first_day": first_day, "first_day_next": reverse("home:index")}


@require_GET
def first_day(request: HttpRequest) -> HttpResponse:
    """The checklist on a page of its own, also after it was dismissed or finished."""
    user = http.viewer(request)
    return render(
        request,
        "onboarding/first_day.html",
        {
            "first_day": selectors.first_day_of(user=user, include_hidden=True),
            "first_day_next": reverse("onboarding:first_day"),
            "first_day_page": True,
        },
    )


@require_POST
def dismiss(request: http.Request) -> HttpResponse:
    """Hide the checklist from the start page. htmx swaps the card for a short note."""
    services.first_day_dismiss(user=http.viewer(request))
    if request.htmx:
        return render(request, "onboarding/_dismissed.html")
    messages.success(
        request, _("The checklist is hidden. You find it again under “First steps” in your menu.")
    )
    return http.redirect_next(request, reverse("home:index"))
