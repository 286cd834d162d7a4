"""Visibility: private and secret community events never show for non-members."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hanse.events import selectors
from hanse.events.services.rsvps import rsvp_set
from hanse.events.tasks import send_event_reminders
from tests.events.helpers import make_event, notified, on_commit_now  # noqa: F401


@pytest.mark.parametrize("kind", ["private", "secret"])
def test_hidden_everywhere_for_outsiders(kind, make_user, make_community, client_for):
    """Calendar, upcoming, iCal feed, API, attendees and reminders: nothing for outsiders."""
    from hanse.communities.services import membership_leave

    owner, member, outsider, leaver = make_user(), make_user(), make_user(), make_user()
    community = make_community(kind, owner=owner, members=(member, leaver))
    start = timezone.now() + timedelta(hours=23, minutes=30)
    event = make_event(owner, community=community, start=start)
    for person in (member, leaver):
        rsvp_set(event=event, recurrence_id=event.start, user=person, status="going")
    membership_leave(community=community, user=leaver)
    now = timezone.now()
    span = {"start": now, "end": now + timedelta(days=2)}
    for person in (outsider, leaver):
        assert selectors.calendar(viewer=person, **span) == []
        assert selectors.calendar(viewer=person, mine=True, **span) == []
        assert selectors.upcoming_for(viewer=person) == []
        assert selectors.feed_occurrences_for(user=person, **span) == []
        client = client_for(person)
        assert client.get("/api/v1/events").json() == {"items": [], "next_cursor": None}
        assert client.get(f"/api/v1/events/{event.pk}").status_code == 404
    assert [o.event for o in selectors.calendar(viewer=member, **span)] == [event]
    assert [o.event for o in selectors.feed_occurrences_for(user=member, **span)] == [event]
    send_event_reminders.call()
    assert notified("event_reminder") == {member.username}
    assert selectors.calendar(viewer=None, **span) == []
