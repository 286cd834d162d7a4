"""The record of processing activities in the browser: the data protection officer (a role
with the permission, not staff) reads it in German and downloads it; axe-core finds nothing
serious; nothing scrolls sideways (HANSE_SCREENSHOTS=dir saves the page at 390, 800,
1024 and 1280 px)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Page, expect

from hanse.people.models import User
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dpo_reads_and_downloads_the_record(
    page: Page,
    make_user: Callable[..., User],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
) -> None:
    dpo = make_user("datenschutz", first_name="Dora", last_name="Schutz", ui_language="de")
    role, _ = Group.objects.get_or_create(name="Datenschutzbeauftragte")
    role.permissions.add(Permission.objects.get(codename="view_processing_record"))
    dpo.groups.add(role)
    login(page, dpo)
    page.goto("/privacy/processing/")
    expect(
        page.get_by_role("heading", name="Verzeichnis der Verarbeitungstätigkeiten")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Chat chat")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "processing")
    with page.expect_download() as download:
        page.get_by_role("link", name="Herunterladen (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
