"""The data export page in the browser: the progress block polls while an export runs and
turns into the download link once it is ready; requesting one builds it through the queue;
axe-core finds nothing serious; nothing scrolls sideways (HANSE_SCREENSHOTS=dir saves the
page at 390, 800, 1024 and 1280 px)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hanse.people.models import User
from hanse.privacy.models import DataExport
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)


def test_request_follow_and_download(
    page: Page,
    make_user: Callable[..., User],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
    tmp_path: Path,
) -> None:
    anna = make_user("anna", first_name="Anna", last_name="Becker")
    login(page, anna)
    page.goto("/privacy/export/")
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
    axe_check(page)
    look_at_widths(page, "export-empty")

    # An export a busy worker has not finished: the page polls and shows the progress.
    running = DataExport.objects.create(user=anna, status="running", progress=40)
    page.reload()
    expect(page.get_by_text("Your export is being prepared.")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "40")
    axe_check(page)
    look_at_widths(page, "export-running")
    DataExport.objects.filter(pk=running.pk).update(progress=80)
    expect(page.locator("progress")).to_have_attribute("value", "80", timeout=6000)
    DataExport.objects.filter(pk=running.pk).update(status="failed")
    expect(page.get_by_text("could not be prepared")).to_be_visible(timeout=6000)

    # A new request is built by the queue (inline in tests) and offered for download.
    page.get_by_role("button", name="Request a new export").click()
    expect(page.get_by_text("Your export is ready.")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "export-ready")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download your data (ZIP)").click()
    path = tmp_path / "export.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as zf:
        assert "profile.json" in zf.namelist()
        assert "README.txt" in zf.namelist()
