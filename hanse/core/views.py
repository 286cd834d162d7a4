from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hanse.communities import selectors as community_selectors
from hanse.people import selectors as people_selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page; the stream fills it in a later issue."""
    user = request.user
    context = {
        "my_communities": community_selectors.communities_of(user=user)[:8],  # type: ignore[arg-type]
        "suggested_people": people_selectors.people_to_meet(user=user, limit=6),  # type: ignore[arg-type]
    }
    return render(request, "core/home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
