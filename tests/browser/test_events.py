"""Browser: create a recurring meetup with one place, two people answer, the first cancels and
the second moves up from the waiting list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hanse.events.models import Event, Rsvp
from hanse.people.models import User

pytestmark = pytest.mark.django_db(transaction=True)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the fixtures skip without Playwright
    expect = None  # type: ignore[assignment]


def test_recurring_meetup_waiting_list_and_promotion(
    new_page: Callable[..., Any],
    login: Callable[..., None],
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
) -> None:
    """Organiser creates the series; Anna takes the place, Ben waits, Anna cancels, Ben goes."""
    olga, anna, ben = make_user("olga"), make_user("anna"), make_user("ben")
    day = timezone.localdate() + timedelta(days=3)

    organiser = new_page(name="organiser")
    login(organiser, olga)
    organiser.goto("/events/new/")
    organiser.get_by_label("Title").fill("Connectoren-Stammtisch")
    organiser.get_by_label("Start date").fill(day.isoformat())
    organiser.get_by_label("Start time").fill("17:00")
    organiser.get_by_label("End time").fill("18:30")
    organiser.get_by_label("Repeats", exact=True).select_option("biweekly")
    organiser.get_by_label("Places").fill("1")
    organiser.get_by_role("button", name="Publish event").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Connectoren-Stammtisch")
    expect(organiser.get_by_text("0 going · 1 of 1 place free")).to_be_visible()
    event = Event.objects.get()
    assert event.rrule.startswith("FREQ=WEEKLY;INTERVAL=2")
    axe_check(organiser)

    first = new_page(name="anna")
    login(first, anna)
    first.goto(f"/events/{event.pk}/")
    first.get_by_role("button", name="Going", exact=True).click()
    expect(first.get_by_text("You are going.", exact=True)).to_be_visible()

    second = new_page(name="ben")
    login(second, ben)
    second.goto(f"/events/{event.pk}/")
    second.get_by_role("button", name="Going", exact=True).click()
    expect(second.get_by_text("You are on the waiting list, position 1.")).to_be_visible()

    first.get_by_role("button", name="Not going").click()
    expect(first.get_by_text("You are not going.", exact=True)).to_be_visible()
    assert Rsvp.objects.get(user=ben).status == Rsvp.Status.GOING
    second.reload()
    expect(second.get_by_text("You are going.", exact=True)).to_be_visible()
    expect(second.get_by_role("link", name=ben.display_name)).to_be_visible()
