"""The chat's controls in a real Chromium: one look for the message tools, a search field that
is labelled, clears and searches, 44 px touch targets on a phone, nothing serious for axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from hanse.chat.services import dm_open, message_post
from tests.browser.test_flows import bank  # noqa: F401  # the fixture is used here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STYLE = """el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
  return {size: s.fontSize, weight: s.fontWeight, radius: s.borderRadius,
          background: s.backgroundColor, height: Math.round(r.height)}; }"""


@pytest.fixture
def conversation(bank: dict[str, Any]) -> Any:  # noqa: F811  # the fixture imported above
    anna, lars = bank["anna"], bank["colleagues"][0]
    channel, _created = dm_open(by=anna, people=[lars])
    message_post(channel=channel, author=lars, body="Kommst du morgen zum Stammtisch?")
    message_post(channel=channel, author=anna, body="Ja, ich bringe die Kantinenliste mit.")
    return channel


@pytest.mark.parametrize(("device", "min_height"), [("phone", 44), ("desktop", 32)])
def test_message_tools_look_alike_and_are_big_enough(
    device: str,
    min_height: int,
    bank: dict[str, Any],  # noqa: F811
    conversation: Any,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    axe_check: Callable[..., list[dict[str, Any]]],
) -> None:
    """ "Edit" (a link) and "Delete" (a button) share size, weight and shape; on a phone every
    control of the conversation is at least 44 px tall; axe-core finds nothing serious."""
    page = new_page(phone=device == "phone")
    login(page, bank["anna"])
    page.goto(reverse("chat:channel", args=[conversation.pk]))
    own = page.locator(".chat-msg").filter(has_text="Kantinenliste")
    edit = own.get_by_role("link", name="Edit")
    delete = own.get_by_role("button", name="Delete")
    expect(edit).to_be_visible()
    edit_style, delete_style = edit.evaluate(STYLE), delete.evaluate(STYLE)
    for key in ("size", "weight", "radius", "background", "height"):
        assert edit_style[key] == delete_style[key], key
    assert edit_style["height"] >= min_height
    for control in (
        page.locator(".chat-reaction").first,
        page.get_by_role("searchbox", name="Search in this conversation"),
        page.get_by_role("button", name="Search", exact=True),
    ):
        assert control.bounding_box()["height"] >= min_height - 0.5  # type: ignore[index]
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width <= inner
    axe_check(page)


def test_search_field_clears_and_searches_on_a_phone(
    bank: dict[str, Any],  # noqa: F811
    conversation: Any,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    axe_check: Callable[..., list[dict[str, Any]]],
) -> None:
    """The clear button appears with text, empties the field and returns the focus; Enter
    opens the results with the words kept in a labelled field."""
    page = new_page(phone=True)
    login(page, bank["anna"])
    page.goto(reverse("chat:channel", args=[conversation.pk]))
    field = page.get_by_role("searchbox", name="Search in this conversation")
    clear = page.get_by_role("button", name="Clear the search field")
    expect(clear).to_be_hidden()
    field.fill("Stammtisch")
    expect(clear).to_be_visible()
    clear.click()
    expect(field).to_have_value("")
    expect(field).to_be_focused()
    expect(clear).to_be_hidden()
    field.fill("Kantinenliste")
    with page.expect_navigation():
        field.press("Enter")
    results = page.get_by_role("searchbox", name="Words or phrase")
    expect(results).to_have_value("Kantinenliste")
    expect(page.locator(".chat-msg")).to_have_count(1)
    expect(page.get_by_role("button", name="Clear the search field")).to_be_visible()
    axe_check(page)
