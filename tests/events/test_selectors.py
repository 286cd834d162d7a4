"""Selectors: calendar ranges, mine, attendees, counts, fixed query counts."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hanse.events import selectors
from hanse.events.rules import may_manage_event
from hanse.events.services.events import occurrence_update
from hanse.events.services.rsvps import rsvp_set
from tests.events.helpers import make_event, on_commit_now, soon  # noqa: F401


def test_calendar_query_count_is_fixed(make_user, make_community, django_assert_num_queries):
    """Events + overrides + my RSVPs: three queries whatever the number of events."""
    anna = make_user()
    community = make_community("open", owner=anna)
    for n in range(12):
        event = make_event(
            anna,
            start=soon(days=n + 1),
            rrule="FREQ=WEEKLY" if n % 2 else "",
            community=community if n % 3 else None,
        )
        rsvp_set(event=event, recurrence_id=event.start, user=anna, status="going")
    occurrence_update(event=event, recurrence_id=event.start, by=anna, title="Anders")
    now = timezone.now()
    with django_assert_num_queries(3):
        occs = selectors.calendar(viewer=anna, start=now, end=now + timedelta(days=30))
    assert len(occs) > 12
    assert [o.start for o in occs] == sorted(o.start for o in occs)
    assert occs[0].my_status == "going"


def test_mine_and_community_filter(make_user, make_community):
    """mine: answered or organised; community: only its events."""
    anna, ben = make_user(), make_user()
    community = make_community("open", owner=ben)
    own = make_event(anna, title="Meins")
    theirs = make_event(ben, title="Ihres", community=community)
    other = make_event(ben, title="Anderes")
    rsvp_set(event=theirs, recurrence_id=theirs.start, user=anna, status="maybe")
    rsvp_set(event=other, recurrence_id=other.start, user=anna, status="not_going")
    now = timezone.now()
    span = {"start": now, "end": now + timedelta(days=30)}
    assert {o.event for o in selectors.calendar(viewer=anna, mine=True, **span)} == {own, theirs}
    assert [o.event for o in selectors.calendar(viewer=anna, community=community, **span)] == [
        theirs
    ]
    assert [o.event for o in selectors.upcoming_for(viewer=anna, limit=2)] == [own, theirs]


def test_attendees_counts_and_position(make_user):
    """Attendees by status, waiting list in order; counts with places left."""
    org, a, b, c = (make_user() for _ in range(4))
    event = make_event(org, capacity=1)
    for person in (a, b, c):
        rsvp_set(event=event, recurrence_id=event.start, user=person, status="going")
    found = selectors.attendees(viewer=org, event=event, recurrence_id=event.start)
    assert found["going"] == [a]
    assert found["waitlist"] == [b, c]
    counts = selectors.rsvp_counts(event, event.start)
    assert (counts["going"], counts["waitlist"], counts["places_left"]) == (1, 2, 0)
    assert selectors.waitlist_position(viewer=c, event=event, recurrence_id=event.start) == 2
    assert may_manage_event(org, event) and not may_manage_event(a, event)
