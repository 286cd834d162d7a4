"""WOL circles in the browser: a coordinator matches, moves someone and confirms a round; a
member does the weekly check-in; axe-core finds nothing serious on any circle page, at phone
and desktop widths (HANSE_SCREENSHOTS=dir saves each page at 390, 800, 1024 and 1280 px)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from hanse.circles.models import Circle, CircleRound
from hanse.circles.services import multipliers as multiplier_services
from hanse.circles.services import rounds as round_services
from hanse.people.models import Location, OrgUnit, User
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bank(make_user: Callable[..., User]) -> dict[str, Any]:
    from hanse.people.services import orgunit_create  # needs the app registry

    bank = orgunit_create(name="Bank", kind=OrgUnit.Kind.ORGANISATION)
    region = orgunit_create(name="Regionaldirektion Nord", kind=OrgUnit.Kind.DIVISION, parent=bank)
    branch = Location.objects.create(name="Filiale Mölln", postal_code="23879")
    orgunit_create(name="Filiale Mölln", kind=OrgUnit.Kind.BRANCH, parent=region, location=branch)
    units = [
        orgunit_create(name=f"Abteilung {n}", kind=OrgUnit.Kind.DEPARTMENT, parent=bank)
        for n in ("Kredit", "Marketing", "IT", "Personal")
    ]
    coordinator = make_user("kora", first_name="Kora", last_name="Krüger", ui_language="de")
    coordinator.user_permissions.add(Permission.objects.get(codename="coordinate_circles"))
    people = [
        make_user(
            f"p{i}",
            first_name=name,
            last_name="Müller" if i % 2 else "Schröder",
            org_unit=units[i % 4],
            location=branch,
            ui_language="de",
        )
        for i, name in enumerate(["Jörg", "Bärbel", "Ute", "Özlem", "Sven", "Lena", "Tim", "Ida"])
    ]
    today = timezone.localdate()
    round_ = round_services.round_create(
        by=coordinator,
        name="Frühjahr 2027",
        signup_closes=today + dt.timedelta(days=5),
        starts_on=today - dt.timedelta(days=1) + dt.timedelta(days=7),
    )
    for person in people:
        round_services.signup_save(
            user=person,
            round_=round_,
            slots=[212, 316],
            mode="online",
            location=None,
            language="de",
            goal="Vertraulich",
        )
    helper = multiplier_services.multiplier_volunteer(user=people[7], topics="Teams, WOL")
    multiplier_services.multiplier_decide(by=coordinator, multiplier=helper, approve=True)
    return {"coordinator": coordinator, "people": people, "round": round_}


def test_coordinator_matches_and_member_checks_in(
    bank: dict[str, Any],
    new_page: Callable[..., Page],
    login: Callable[..., None],
    axe_check: Callable[..., list[dict[str, Any]]],
) -> None:
    page = new_page()
    login(page, bank["coordinator"])
    round_: CircleRound = bank["round"]
    page.goto(reverse("circles:coordination"))
    axe_check(page)
    look_at_widths(page, "coordination")
    page.get_by_role("link", name="Zuordnen und prüfen Frühjahr 2027").click()
    page.get_by_role("button", name="Zuordnung starten").click()
    expect(page.get_by_role("heading", name="Warum der Vorschlag so aussieht")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "matching")
    # Move the first person of circle 1 to "not placed": the page says what changed.
    first = page.locator(".proposal .card").first
    first.get_by_role("combobox").first.select_option("unplaced")
    first.get_by_role("button").first.click()
    expect(page.get_by_text("Verschoben.")).to_be_visible()
    # And back into the circle, so the proposal is whole again.
    unplaced = page.get_by_role("region", name="Nicht zugeordnet")
    unplaced.get_by_role("combobox").select_option("0")
    unplaced.get_by_role("button").click()
    page.get_by_role("button", name="Bestätigen und Circles bilden").click()
    expect(page.get_by_text("Die Circles sind gebildet")).to_be_visible()
    assert Circle.objects.filter(round=round_).count() == 2

    circle = Circle.objects.filter(round=round_).first()
    assert circle is not None
    member = circle.members.order_by("position").first()
    assert member is not None
    page = new_page(name="member")
    login(page, member.user)
    page.goto(reverse("circles:index"))
    axe_check(page)
    look_at_widths(page, "index")
    page.get_by_role("link", name=f"Circle {circle.name}").click()
    expect(page.get_by_role("heading", name=f"Circle {circle.name}", level=1)).to_be_visible()
    axe_check(page)
    look_at_widths(page, "space")
    page.get_by_label("Was ich getan habe").fill("Beziehungsliste angelegt, zwölf Namen.")
    page.get_by_label("Was ich als Nächstes ausprobiere").fill("Drei Beiträge geben.")
    page.get_by_role("button", name="Check-in speichern").click()
    expect(page.get_by_text("Dein Check-in für Woche 1 wurde gespeichert.")).to_be_visible()
    page.get_by_role("link", name="Mein Fortschritt").click()
    expect(page.get_by_role("cell", name="Beziehungsliste angelegt, zwölf Namen.")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "progress")


def test_sign_up_and_connector_pages(
    bank: dict[str, Any],
    make_user: Callable[..., User],
    new_page: Callable[..., Page],
    login: Callable[..., None],
    axe_check: Callable[..., list[dict[str, Any]]],
) -> None:
    newcomer = make_user("neu", first_name="Grete", last_name="Größer", ui_language="de")
    page = new_page()
    login(page, newcomer)
    page.goto(reverse("circles:signup", args=[bank["round"].pk]))
    axe_check(page)
    # Without a time the form answers in German and keeps the page.
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Wähle mindestens eine wöchentliche Zeit")).to_be_visible()
    look_at_widths(page, "signup")
    page.get_by_label("Dienstag 12:00").check()
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Du bist angemeldet.")).to_be_visible()

    page.goto(reverse("circles:multipliers") + "?near=1")
    expect(page.get_by_role("heading", name="Am nächsten zu meiner Filiale")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "multipliers")
    page.goto(reverse("circles:volunteer"))
    axe_check(page)
    look_at_widths(page, "volunteer")

    page = new_page(name="coordinator")
    login(page, bank["coordinator"])
    page.goto(reverse("circles:coverage"))
    axe_check(page)
    look_at_widths(page, "coverage")
