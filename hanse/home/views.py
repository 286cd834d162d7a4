"""The start page: it composes the stream, one's communities, upcoming events and people to
meet, so it sits above every app it shows (docs/architecture.md, "Dependencies run one way")."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hanse.communities import selectors as community_selectors
from hanse.core import http
from hanse.core.replicas import replica_view
from hanse.events import selectors as event_selectors
from hanse.onboarding.views import start_page_context as first_day_context
from hanse.people import selectors as people_selectors
from hanse.people.models import User
from hanse.posts.selectors.announcements import pinned_announcements_for
from hanse.posts.views.streams import composer_context, home_feed_context


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
@replica_view
def index(request: http.Request) -> HttpResponse:
    """The start page: the composer, pinned announcements and the home feed in the centre,
    finding colleagues and one's communities at the side. htmx asks only for older items."""
    user = request.user
    feed = home_feed_context(request)
    if request.htmx:
        return render(request, "posts/_feed_items.html", feed)
    my_communities = list(community_selectors.communities_of(user=user))
    context = {
        "my_communities": my_communities[:8],
        "suggested_people": people_selectors.people_to_meet(user=user, limit=6),
        "profile_gaps": _profile_gaps(user),
        # The first-day checklist: onboarding/_first_day.html at the top of the stream column.
        **first_day_context(request),
        "pinned_announcements": pinned_announcements_for(viewer=user),
        "upcoming_events": event_selectors.upcoming_for(viewer=user, limit=5),
        **composer_context(request, my_communities=my_communities),
        **feed,
    }
    return render(request, "home/index.html", context)
