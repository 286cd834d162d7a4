"""The org chart in a real Chromium: units fold and unfold by keyboard (aria-expanded), the
filter finds a unit or manager and opens the way to it, and it fits a phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from hanse.people.models import OrgUnit
from hanse.people.services import orgunit_create, orgunit_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def deep_org(org: Any, make_user: Callable[..., Any]) -> Any:
    """Teams two levels below the IT division, one with a manager to find."""
    head = make_user("kim", first_name="Kim", last_name="Kreditmann", org_unit=org["it_ops"])
    team = orgunit_create(name="Team Kreditprozesse", kind=OrgUnit.Kind.TEAM, parent=org["it_ops"])
    orgunit_update(unit=team, manager=head)
    orgunit_create(name="Team Zahlungsverkehr", kind=OrgUnit.Kind.TEAM, parent=org["it_ops"])
    return {"head": head, "team": team}


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_org_chart_folds_by_keyboard_and_filters(
    phone: bool,
    deep_org: Any,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    axe_check: Callable[..., list[dict[str, Any]]],
) -> None:
    """Deep units start folded; Enter on the toggle unfolds them; the filter opens the path
    to a manager's unit; nothing scrolls sideways; axe finds nothing serious."""
    page = new_page(phone=phone)
    login(page, deep_org["head"])
    page.goto(reverse("people:org_chart"))
    toggle = page.get_by_role("button", name="Sub-units of IT-Betrieb")
    team = page.get_by_role("link", name="Team Kreditprozesse")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(team).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(team).to_be_visible()
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    page.get_by_label("Find a unit or manager").fill("kreditmann")
    expect(page.get_by_role("status").filter(has_text="found")).to_have_text("1 unit found")
    expect(page.get_by_role("link", name="Kim Kreditmann")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Team Zahlungsverkehr")).to_be_hidden()
    expect(page.get_by_role("link", name="Filiale Mölln")).to_be_hidden()
    page.get_by_label("Find a unit or manager").fill("")
    expect(page.get_by_role("link", name="Filiale Mölln")).to_be_visible()

    page.get_by_role("button", name="Collapse all").click()
    expect(page.get_by_role("link", name="IT und Organisation")).to_be_hidden()
    page.get_by_role("button", name="Expand all").click()
    expect(page.get_by_role("link", name="Team Zahlungsverkehr")).to_be_visible()

    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner
    axe_check(page)

    page.get_by_role("link", name="Kim Kreditmann").click()
    expect(page).to_have_url(f"{page.url.split('/people/')[0]}/people/kim/")
