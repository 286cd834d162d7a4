"""Browser: the library's bin (a file restored), the "all files" view sorted by a click, and
a folder moved; every new page in German at 390, 800, 1024 and 1280 px, axe-core clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hanse.communities.models import Community
from hanse.communities.services import community_create, membership_add
from hanse.files import services as file_services
from hanse.files.models import Folder, LibraryFile
from hanse.people.models import User
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the fixtures skip without Playwright
    expect = None  # type: ignore[assignment]


def _club(owner: User, *members: User) -> Community:
    community = community_create(by=owner, name="Connectoren", kind="private", description="x")
    for person in members:
        membership_add(community=community, user=person, role="member")
    return community


@pytest.mark.heavy
def test_bin_all_files_and_moving_at_four_widths(
    new_page: Callable[..., Any],
    login: Callable[..., None],
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
) -> None:
    """Olga restores a file from the bin, sorts all files by size, moves a folder."""
    owner = make_user("olga", ui_language="de")
    club = _club(owner)
    protokolle = file_services.folder_create(by=owner, community=club, name="Protokolle")
    archiv = file_services.folder_create(by=owner, community=club, name="Archiv")
    file_services.files_upload(
        by=owner,
        community=club,
        folder=protokolle,
        files=[
            SimpleUploadedFile("Protokoll-März.txt", b"Stammtisch im M\xc3\xa4rz " * 40),
            SimpleUploadedFile("Protokoll-April.txt", b"Stammtisch"),
        ],
    )
    file_services.files_upload(
        by=owner, community=club, files=[SimpleUploadedFile("Leitfaden.txt", b"Leitfaden " * 9)]
    )
    (old,) = file_services.files_upload(
        by=owner,
        community=club,
        folder=archiv,
        files=[SimpleUploadedFile("Alter Dienstplan mit sehr langem Namen 2025.txt", b"alt")],
    )
    file_services.file_trash(entry=old, by=owner)

    browser_page = new_page(name="olga")
    login(browser_page, owner)
    browser_page.goto(f"/library/c/{club.slug}/all/")
    browser_page.get_by_role("link", name="Größe").click()
    browser_page.get_by_role("link", name="Größe").click()  # largest first
    expect(browser_page.locator("tbody tr").first).to_contain_text("Protokoll-März.txt")
    axe_check(browser_page)

    urls = {
        "all-files": f"/library/c/{club.slug}/all/?sort=-size",
        "bin": f"/library/c/{club.slug}/bin/",
        "folder": f"/library/c/{club.slug}/?folder={protokolle.pk}",
    }
    for name, url in urls.items():
        browser_page.goto(url)  # once; then resized through the widths
        look_at_widths(browser_page, f"library-{name}", axe=axe_check)

    browser_page.set_viewport_size({"width": 1280, "height": 900})
    browser_page.goto(f"/library/c/{club.slug}/bin/")
    browser_page.get_by_role("button", name="Wiederherstellen").click()
    expect(browser_page.get_by_text("Die Datei ist wieder in der Bibliothek.")).to_be_visible()
    assert LibraryFile.objects.get(pk=old.pk).deleted_at is None

    browser_page.goto(f"/library/c/{club.slug}/?folder={protokolle.pk}")
    browser_page.get_by_label("Zielordner").select_option(label="Archiv")
    browser_page.get_by_role("button", name="Verschieben").click()
    expect(browser_page.get_by_text("Der Ordner wurde verschoben.")).to_be_visible()
    assert Folder.objects.get(pk=protokolle.pk).parent_id == archiv.pk
    expect(browser_page.locator(".folder-path")).to_contain_text("Archiv")
    axe_check(browser_page)
