"""The retention page in the browser: a platform administrator sees the preview and confirms
one type; axe-core finds nothing serious; nothing scrolls sideways (HANSE_SCREENSHOTS=dir
saves the page at 390, 800, 1024 and 1280 px)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hanse.core.models import RetentionState
from hanse.people.models import User
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)


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
    look_at_widths(page, "retention")
    page.get_by_role("button", name="Confirm deletion Read notifications").click()
    expect(page.get_by_text("Confirmed: the nightly run deletes what is shown.")).to_be_visible()
    assert RetentionState.objects.get(key="notifications").confirmed_by_id == admin.pk
    axe_check(page)
    look_at_widths(page, "retention-confirmed")
