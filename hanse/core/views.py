from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hanse.communities import selectors as community_selectors
from hanse.people import selectors as people_selectors
from hanse.people.models import User


def _profile_gaps(user: User) -> list[str]:
    """Which parts of the profile are still empty, so the start page can invite to fill them."""
    gaps = []
    if not user.avatar:
        gaps.append("photo")
    if not user.about:
        gaps.append("about")
    if not user.skills.exists():
        gaps.append("skills")
    return gaps


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page; the stream issue puts the home feed in its centre."""
    user: User = request.user  # type: ignore[assignment]
    my_communities = list(community_selectors.communities_of(user=user)[:8])
    context = {
        "my_communities": my_communities,
        "suggested_people": people_selectors.people_to_meet(user=user, limit=6),
        "profile_gaps": _profile_gaps(user),
    }
    return render(request, "core/home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
