"""Two people take the last place at the same moment: one gets it, the other waits."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from hanse.events.models import Rsvp
from hanse.events.services.rsvps import rsvp_set
from tests.events.helpers import make_event

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers, so there is no race to test; run on PostgreSQL "
    "(DATABASE_URL) to check the row lock of rsvp_set.",
)


@pytest.mark.django_db(transaction=True)
def test_last_place_race(make_user):
    """Both threads pass a barrier and answer at once, on separate connections."""
    org, anna, ben = make_user(), make_user(), make_user()
    event = make_event(org, capacity=1, start=timezone.now() + timedelta(days=3))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def take(person):
        try:
            barrier.wait(timeout=10)
            rsvp_set(event=event, recurrence_id=event.start, user=person, status="going")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(p,)) for p in (anna, ben)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    statuses = sorted(Rsvp.objects.values_list("status", flat=True))
    assert statuses == ["going", "waitlist"]
