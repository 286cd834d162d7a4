"""The start page's upcoming events: cached per person, and never stale where it matters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hanse.communities.models import Community
from hanse.communities.services import membership_leave
from hanse.events.selectors import UPCOMING_HORIZON, calendar, upcoming_for
from hanse.events.services.events import event_cancel
from hanse.events.services.rsvps import rsvp_set
from tests.events.helpers import make_event, on_commit_now, soon  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings: Any, tmp_path: Any) -> None:
    """A cache every process shares (as Redis is), so upcoming_for caches its lists."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }


def titles(viewer: Any) -> list[str]:
    return [o.title for o in upcoming_for(viewer=viewer, limit=5)]


def test_leaving_a_secret_community_hides_its_events_at_once(
    shared_cache: None, make_user: Any, make_community: Any
) -> None:
    """Its event was on the cached list; after leaving, the next look no longer shows it."""
    owner, anna = make_user(), make_user()
    secret = make_community(Community.Kind.SECRET, owner=owner, members=(anna,))
    make_event(owner, community=secret, title="Geheimes Treffen")
    assert titles(anna) == ["Geheimes Treffen"]
    membership_leave(community=secret, user=anna)
    assert titles(anna) == []


def test_a_new_event_a_cancellation_and_an_answer_show_at_once(
    shared_cache: None, make_user: Any
) -> None:
    """Another person's new event, its cancellation and one's own answer show on the next look."""
    org, anna = make_user(), make_user()
    assert titles(anna) == []
    event = make_event(org, title="Sommerfest")
    assert titles(anna) == ["Sommerfest"]
    occurrence = upcoming_for(viewer=anna)[0]
    assert occurrence.my_status is None
    rsvp_set(event=event, recurrence_id=occurrence.recurrence_id, user=anna, status="going")
    assert upcoming_for(viewer=anna)[0].my_status == "going"
    event_cancel(event=event, by=org)
    assert titles(anna) == []


def test_a_second_look_asks_the_database_nothing(
    shared_cache: None, make_user: Any, django_assert_num_queries: Any
) -> None:
    """The list comes from the cache until something it shows changes."""
    org, anna = make_user(), make_user()
    make_event(org, title="Sommerfest")
    upcoming_for(viewer=anna)
    with django_assert_num_queries(0):
        assert titles(anna) == ["Sommerfest"]


def test_only_the_window_shown_is_expanded_and_the_list_is_the_calendars(
    make_user: Any,
) -> None:
    """A daily series and later single events: the five shown are the calendar's first five."""
    org, anna = make_user(), make_user()
    make_event(org, title="Täglich", rrule="FREQ=DAILY", start=soon(days=1, hour=9))
    for days in (2, 20, 60):
        make_event(org, title=f"In {days} Tagen", start=soon(days=days, hour=8))
    now = timezone.now()
    full = calendar(viewer=anna, start=now, end=now + UPCOMING_HORIZON)
    shown = upcoming_for(viewer=anna, limit=5)
    assert [(o.event.pk, o.start) for o in shown] == [(o.event.pk, o.start) for o in full[:5]]
    # Few dates in the first window: the list reaches into the horizon as before.
    sparse = make_user()
    assert [o.title for o in upcoming_for(viewer=sparse, limit=50)] == [
        o.title for o in calendar(viewer=sparse, start=now, end=now + UPCOMING_HORIZON)[:50]
    ]
    assert timedelta(days=60) < UPCOMING_HORIZON
