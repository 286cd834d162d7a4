"""Browser: friends form a circle (proposal, confirmations), set its meeting link, and after
the last week write a retrospective; every new page in German at 390, 800, 1024 and 1280 px
without sideways scrolling, axe-core clean."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from hanse.circles.models import Circle, FriendCircle
from hanse.circles.services import friends as friend_services
from hanse.people.models import User
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the fixtures skip without Playwright
    expect = None  # type: ignore[assignment]


@pytest.mark.heavy
def test_friends_form_a_circle_and_complete_it(
    new_page: Callable[..., Any],
    login: Callable[..., None],
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
) -> None:
    ina = make_user("ina", first_name="Ina", last_name="Ahrens", ui_language="de")
    friends = [
        make_user(n, first_name=f, last_name="Kollege", ui_language="de")
        for n, f in (("jan", "Jan"), ("kai", "Kai"), ("lea", "Lea"))
    ]
    page = new_page(name="ina")
    login(page, ina)
    page.goto("/circles/")
    page.get_by_role("link", name="Einen Circle mit Kolleg*innen bilden").click()
    page.get_by_label("Name des Circles").fill("Hafenrunde")
    page.get_by_label("Kolleginnen und Kollegen (3 oder 4)").fill("jan, kai, lea")
    start = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Erste Woche beginnt").fill(start.isoformat())
    look_at_widths(page, "friends-new", axe=axe_check)
    page.get_by_role("button", name="Kolleg*innen einladen").click()
    expect(page.get_by_text("Deine Kolleg*innen sind eingeladen.")).to_be_visible()
    proposal = FriendCircle.objects.get()
    look_at_widths(page, "friends-detail", axe=axe_check)

    for person in friends[:2]:
        friend_services.friend_invite_answer(by=person, proposal=proposal, accept=True)
    other = new_page(name="lea")
    login(other, friends[2])
    other.goto(f"/circles/friends/{proposal.pk}/")
    other.get_by_role("button", name="Zusagen").click()
    expect(other.get_by_role("link", name="Zum Circle")).to_be_visible()
    circle = Circle.objects.get()

    other.get_by_role("link", name="Zum Circle").click()
    other.get_by_role("textbox", name="Link zum Online-Treffen").fill("http://unsicher.example.org")
    other.get_by_role("button", name="Link speichern").click()
    expect(other.get_by_text("muss eine Webadresse sein, die mit https:// beginnt")).to_be_visible()
    other.get_by_role("textbox", name="Link zum Online-Treffen").fill(
        "https://meet.example.org/hafenrunde"
    )
    other.get_by_role("button", name="Link speichern").click()
    expect(other.get_by_role("link", name="Am Online-Treffen teilnehmen")).to_be_visible()
    look_at_widths(other, "space-meeting-link", axe=axe_check)

    Circle.objects.filter(pk=circle.pk).update(
        starts_on=timezone.localdate() - dt.timedelta(weeks=13)
    )
    other.goto(f"/circles/{circle.pk}/")
    other.get_by_label("Was hat dir dein Circle gebracht?").fill("Mut und neue Kontakte.")
    other.get_by_label("Meinen Rückblick mit meinem Circle teilen").check()
    other.get_by_role("button", name="Rückblick speichern").click()
    expect(other.get_by_text("Dein Rückblick wurde gespeichert.")).to_be_visible()
    look_at_widths(other, "space-completed", axe=axe_check)
    page.goto(f"/circles/{circle.pk}/")
    expect(page.get_by_text("Mut und neue Kontakte.")).to_be_visible()
