"""The retention page in the browser: a platform administrator sees the preview and confirms
one type; axe-core finds nothing serious; nothing scrolls sideways (RETENTION_SCREENSHOTS=dir
saves the page at 390, 800, 1024 and 1280 px)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hanse.core.models import RetentionState
from hanse.people.models import User

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 800, 1024, 1280)


def _shots(page: Page, name: str) -> None:
    target = os.environ.get("RETENTION_SCREENSHOTS")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{target}/{name}-{width}.png", full_page=True)
        scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert scroll <= inner, (name, width)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_admin_confirms_a_type(
    page: Page,
    make_user: Callable[..., User],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
) -> None:
    admin = make_user(
        "admin", first_name="Ada", last_name="Admin", is_superuser=True, is_staff=True
    )
    login(page, admin)
    page.goto("/retention/")
    expect(page.get_by_role("heading", name="Retention")).to_be_visible()
    axe_check(page)
    _shots(page, "retention")
    page.get_by_role("button", name="Confirm deletion Read notifications").click()
    expect(page.get_by_text("Confirmed: the nightly run deletes what is shown.")).to_be_visible()
    assert RetentionState.objects.get(key="notifications").confirmed_by_id == admin.pk
    axe_check(page)
    _shots(page, "retention-confirmed")
