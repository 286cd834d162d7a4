"""Search in a real Chromium: type in the header box, choose a suggestion with the keyboard,
open the results page with Enter, filter it; axe-core finds nothing serious on the results
page, with the suggestions open, and on "Wer weiß was?", at desktop and phone width."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from hanse.communities.models import Community
from hanse.posts.services.posts import post_create
from hanse.search.models import SavedSearch
from tests.browser.test_flows import bank  # noqa: F401  # the fixture is used here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content(bank: dict[str, Any], make_community: Callable[..., Community]) -> dict[str, Any]:  # noqa: F811
    """Posts about Baufinanzierung company-wide and in a community (indexed on commit: the
    live server's tests commit for real)."""
    colleague = bank["colleagues"][0]
    kredit = make_community(Community.Kind.OPEN, owner=colleague, name="Kreditrunde")
    post_create(author=colleague, body="Checkliste Baufinanzierung für junge Familien")
    post_create(
        author=colleague, body="Baufinanzierung: Zinsbindung richtig wählen", community=kredit
    )
    return {**bank, "kredit": kredit}


def combobox(page: Page) -> Any:
    return page.get_by_role("combobox", name="Search people, posts, files and more")


def test_type_choose_a_suggestion_by_keyboard(
    content: dict[str, Any], page: Page, login: Callable[..., None]
) -> None:
    """Two letters open the listbox; ArrowDown marks the first option (aria-activedescendant);
    Enter opens it; Escape closes the list."""
    login(page, content["anna"])
    page.goto(reverse("people:directory"))
    box = combobox(page)
    box.click()
    box.press_sequentially("Baufin", delay=30)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    # People are suggested by name; a topic brings its content.
    expect(page.get_by_role("option", name="Checkliste Baufinanzierung")).to_be_visible()
    expect(page.locator("[data-search-status]")).to_contain_text("suggestion")
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")  # opens again with the first option active
    expect(listbox).to_be_visible()
    first = page.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id") or "")
    target = first.get_attribute("data-href")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url.endswith(target or "?")


def test_enter_opens_results_and_filters_work(
    content: dict[str, Any], page: Page, login: Callable[..., None]
) -> None:
    """Enter without a chosen option opens /search/; the community filter narrows it down and
    stays in the URL."""
    login(page, content["anna"])
    page.goto(reverse("home:index"))
    box = combobox(page)
    box.fill("Baufinanzierung")
    with page.expect_navigation():
        box.press("Enter")
    assert "/search/?q=Baufinanzierung" in page.url
    results = page.locator(".search-hit")
    expect(results.filter(has_text="Checkliste")).to_have_count(1)
    expect(results.filter(has_text="Zinsbindung")).to_have_count(1)
    page.get_by_label("Community").select_option(label="Kreditrunde")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert f"community={content['kredit'].slug}" in page.url
    expect(results.filter(has_text="Zinsbindung")).to_have_count(1)
    expect(results.filter(has_text="Checkliste")).to_have_count(0)
    expect(page.locator(".search-hit mark").first).to_have_text("Baufinanzierung")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_search_pages_have_no_serious_accessibility_violations(
    device: str,
    content: dict[str, Any],
    new_page: Callable[..., Page],
    login: Callable[..., None],
    axe_check: Callable[..., list[dict[str, Any]]],
) -> None:
    page = new_page(phone=device == "phone")
    login(page, content["anna"])
    page.goto(reverse("search:results") + "?q=Baufinanzierung")
    axe_check(page)
    box = combobox(page)
    box.fill("")
    box.press_sequentially("Ba", delay=30)
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    box.press("ArrowDown")
    axe_check(page)
    page.goto(reverse("search:results"))
    axe_check(page)
    page.goto(reverse("search:results") + "?q=Xylophonunterricht")
    axe_check(page)
    page.goto(reverse("search:experts") + "?topic=Baufinanzierung")
    expect(page.locator(".expert__reasons").first).to_contain_text("2 posts about it")
    axe_check(page)
    SavedSearch.objects.create(user=content["anna"], name="Baufinanzierung", query="q=Bau")
    page.goto(reverse("search:saved"))
    expect(page.get_by_role("link", name="Baufinanzierung")).to_be_visible()
    axe_check(page)
