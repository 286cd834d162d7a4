"""Browser: while a coordinator picks where to move someone, the page says (htmx, before the
move) which hard rule the move would break; at four widths, axe-core clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from hanse.circles.models import CircleRound
from hanse.circles.services import rounds as round_services
from tests.browser.test_circles import bank  # noqa: F401  # the same bank and round
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the fixtures skip without Playwright
    expect = None  # type: ignore[assignment]


def test_live_hard_rule_check_while_moving(
    bank: dict[str, Any],  # noqa: F811
    new_page: Callable[..., Any],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
) -> None:
    round_: CircleRound = bank["round"]
    before = round_services.round_match(by=bank["coordinator"], round_=round_)
    page = new_page()
    login(page, bank["coordinator"])
    page.goto(reverse("circles:matching", args=[round_.pk]))
    first = page.locator(".proposal .card").first
    first.get_by_role("combobox").first.select_option("unplaced")
    expect(first.locator(".move-check--bad")).to_contain_text(
        "Circle 1 bliebe mit: weniger als 4 Personen."
    )
    first.get_by_role("combobox").first.select_option("0")
    expect(first.locator(".move-check-slot").first).to_be_empty()
    round_.refresh_from_db()
    assert round_.proposal == before  # checking changes nothing
    first.get_by_role("combobox").first.select_option("unplaced")
    expect(first.locator(".move-check--bad")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "circle-matching")
