"""Browser: a wiki page edited in two browsers at once (the conflict is shown and resolved),
a file added to the library by drag and drop, and every knowledge page at four widths with
axe-core finding nothing serious."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hanse.communities.models import Community
from hanse.communities.services import community_create, membership_add
from hanse.files import services as file_services
from hanse.files.models import LibraryFile
from hanse.people.models import User
from hanse.wiki import services as wiki_services
from hanse.wiki.models import Page
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


def test_two_editors_conflict_and_drag_and_drop(
    new_page: Callable[..., Any],
    login: Callable[..., None],
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
) -> None:
    """Mia creates a page; Mia and Moritz edit it at once; Moritz sees the conflict with both
    texts, takes over what he needs and saves; then Mia drops a file into the library."""
    mia, moritz = make_user("mia"), make_user("moritz")
    club = _club(make_user("olga"), mia, moritz)

    first = new_page(name="mia")
    login(first, mia)
    first.goto(f"/wiki/c/{club.slug}/")
    first.get_by_role("link", name="New page").click()
    first.get_by_label("Title").fill("Working Out Loud FAQ")
    first.get_by_label("Text", exact=True).fill("# Was ist WOL?\nEine Methode.")
    first.get_by_role("button", name="Create page").click()
    expect(first.get_by_role("heading", level=1)).to_have_text("Working Out Loud FAQ")
    expect(first.get_by_role("link", name="Was ist WOL?")).to_be_visible()  # contents
    axe_check(first)
    page = Page.objects.get()

    second = new_page(name="moritz")
    login(second, moritz)
    second.goto(f"/wiki/{page.pk}/edit/")
    first.goto(f"/wiki/{page.pk}/edit/")
    first.get_by_label("Text", exact=True).fill("Text von Mia")
    first.get_by_role("button", name="Save changes").click()
    expect(first.get_by_text("Your changes have been saved.")).to_be_visible()

    second.get_by_label("Text", exact=True).fill("Text von Moritz")
    second.get_by_role("button", name="Save changes").click()
    expect(
        second.get_by_role("heading", name="Someone else saved this page meanwhile")
    ).to_be_visible()
    expect(second.get_by_text("Text von Mia")).to_be_visible()
    assert second.get_by_label("Text", exact=True).input_value() == "Text von Moritz"
    axe_check(second)
    second.get_by_label("Text", exact=True).fill("Text von Mia und Moritz")
    second.get_by_role("button", name="Save changes").click()
    expect(second.get_by_text("Your changes have been saved.")).to_be_visible()
    page.refresh_from_db()
    assert page.body == "Text von Mia und Moritz" and page.revision_count == 3

    second.get_by_role("link", name="History (3 versions)").click()
    second.get_by_role("button", name="Compare selected versions").click()
    expect(second.locator(".diff ins")).to_contain_text("und Moritz")
    axe_check(second)

    first.goto(f"/library/c/{club.slug}/")
    data = first.evaluate_handle(
        """() => { const dt = new DataTransfer();
        dt.items.add(new File(["Dienstplan Filiale"], "dienstplan.txt", {type: "text/plain"}));
        return dt; }"""
    )
    with first.expect_navigation():
        first.dispatch_event("[data-dropzone]", "drop", {"dataTransfer": data})
    expect(first.get_by_role("link", name="dienstplan.txt")).to_be_visible()
    assert LibraryFile.objects.get().name == "dienstplan.txt"
    axe_check(first)


@pytest.mark.heavy
def test_knowledge_pages_at_four_widths(
    new_page: Callable[..., Any],
    login: Callable[..., None],
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
) -> None:
    """The wiki index, a page, the editor, history, diff, library and a file in German at
    390, 800, 1024 and 1280 px: screenshots with HANSE_SCREENSHOTS, axe clean."""
    owner = make_user("olga", ui_language="de")
    club = _club(owner)
    faq = wiki_services.page_create(
        by=owner,
        community=club,
        title="Working Out Loud FAQ",
        body="# Was ist WOL?\nEine Methode, in **kleinen Gruppen** zu lernen.\n"
        "# Wie lange dauert es?\nZwölf Wochen. Siehe [[Circle-Regeln]] und [[Kreise]].\n",
    )
    wiki_services.page_create(by=owner, community=club, title="Kreise", parent=faq)
    wiki_services.page_update(
        page=faq,
        by=owner,
        title=faq.title,
        body=faq.body.replace("Zwölf Wochen", "Zwölf Wochen, eine Stunde pro Woche"),
        base_revision_id=None,
        note="Dauer ergänzt",
    )
    folder = file_services.folder_create(by=owner, community=club, name="Protokolle")
    from django.core.files.uploadedfile import SimpleUploadedFile

    (entry,) = file_services.files_upload(
        by=owner,
        community=club,
        folder=folder,
        files=[SimpleUploadedFile("Protokoll-März.txt", b"Stammtisch im M\xc3\xa4rz")],
        description="Protokoll des Stammtischs",
    )
    urls = {
        "wiki-index": f"/wiki/c/{club.slug}/",
        "wiki-page": f"/wiki/{faq.pk}/",
        "wiki-edit": f"/wiki/{faq.pk}/edit/",
        "wiki-history": f"/wiki/{faq.pk}/history/",
        "wiki-diff": f"/wiki/{faq.pk}/diff/?from=1&to=2",
        "company-wiki": "/wiki/",
        "library": f"/library/c/{club.slug}/?folder={folder.pk}",
        "file": f"/library/{entry.pk}/",
    }
    browser_page = new_page(name="olga")
    login(browser_page, owner)
    for name, url in urls.items():
        browser_page.goto(url)  # once; then resized through the widths
        look_at_widths(browser_page, name, axe=axe_check)
