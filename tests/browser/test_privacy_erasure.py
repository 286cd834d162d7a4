"""The erasure pages in the browser: finding the person, the confirmation with its counts per
policy, the status once started; axe-core finds nothing serious; nothing scrolls sideways
(HANSE_SCREENSHOTS=dir saves the pages at 390, 800, 1024 and 1280 px)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hanse.people.models import User
from hanse.posts.services.posts import post_create
from hanse.privacy.models import Erasure
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)


def test_find_confirm_and_start(
    page: Page,
    make_user: Callable[..., User],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
) -> None:
    admin = make_user(
        "boss", first_name="Berta", last_name="Boss", is_superuser=True, is_staff=True
    )
    anna = make_user("annab", first_name="Anna", last_name="Becker")
    post_create(author=anna, body="Ein Beitrag von Anna")
    login(page, admin)
    page.goto("/privacy/erasure/")
    expect(page.get_by_role("heading", name="Erase a person", exact=True)).to_be_visible()
    page.get_by_label("Username").fill("nobody")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("No active person has this username.")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "erasure-find")
    page.get_by_label("Username").fill("annab")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Erase Anna Becker")).to_be_visible()
    expect(page.get_by_text("posts: 1").first).to_be_visible()
    axe_check(page)
    look_at_widths(page, "erasure-confirm")
    page.get_by_label("Delete").check()
    page.get_by_label("to confirm").fill("annab")
    page.get_by_role("button", name="Erase for good").click()
    expect(page.get_by_text("The erasure has started.")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "erasure-status")
    erasure = Erasure.objects.get()
    assert erasure.policy == "delete"
