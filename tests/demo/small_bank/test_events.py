"""The demo's events: Connectoren meetups, branch open days, online talks, full waiting lists
(on the bank this package shares, see conftest.py)."""

from __future__ import annotations

import pytest

from hanse.events.models import Event, OccurrenceOverride, Rsvp
from tests.demo.support import SmallBank

pytestmark = pytest.mark.django_db


def test_small_demo_has_meetups_talks_and_waiting_lists(small_bank: SmallBank) -> None:
    """The small size seeds a recurring hybrid Stammtisch, a kick-off with a waiting list, an
    open day in a branch and online talks; nobody is over capacity."""
    stammtisch = Event.objects.get(title="Connectoren-Stammtisch")
    assert stammtisch.rrule.startswith("FREQ=WEEKLY;INTERVAL=2")
    assert stammtisch.community is not None and stammtisch.community.name == "Connectoren"
    assert stammtisch.online_url and stammtisch.location is not None
    assert OccurrenceOverride.objects.filter(event=stammtisch, cancelled=True).exists()
    kickoff = Event.objects.get(title="Working Out Loud Kick-off")
    assert Rsvp.objects.filter(event=kickoff, status=Rsvp.Status.WAITLIST).exists()
    assert Event.objects.filter(title__startswith="Tag der offenen Tür Filiale").exists()
    assert Event.objects.filter(title__startswith="Online-Talk: KI in der Kundenberatung").exists()
    for event in Event.objects.exclude(capacity=None):
        for occurrence in Rsvp.objects.filter(event=event).values_list("occurrence", flat=True):
            going = Rsvp.objects.filter(
                event=event, occurrence=occurrence, status=Rsvp.Status.GOING
            ).count()
            assert going <= event.capacity
