"""Browser: pictures in a wiki page (chosen while editing, inserted, shown), a PDF's preview,
the community's "all files" with post and chat files, each at four widths with axe-core; and
(with a real uvicorn, PostgreSQL) an open page and an editor told live of a newer version."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hanse.chat.services import community_channel_ensure, message_post
from hanse.communities.models import Community
from hanse.communities.services import community_create, membership_add
from hanse.demo.knowledge import _pdf
from hanse.files import services as file_services
from hanse.files import tasks as file_tasks
from hanse.files.models import FileVersion
from hanse.people.models import User
from hanse.posts.services.posts import post_create
from hanse.wiki import services as wiki_services
from hanse.wiki.models import PageImage
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


def _png_bytes() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (480, 240), "#17406d")
    for x in range(0, 480, 40):
        for y in range(0, 240, 40):
            if (x + y) // 40 % 2:
                image.paste((242, 169, 0), (x, y, x + 40, y + 40))
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.heavy
def test_pictures_preview_and_all_files(
    new_page: Callable[..., Any],
    login: Callable[..., None],
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
    tmp_path: Path,
) -> None:
    """Olga picks a picture while editing: its Markdown lands at the cursor, the saved page
    shows it. The PDF's first page and the shared files are shown; every page at four widths
    without sideways scrolling, axe clean."""
    owner = make_user("olga", ui_language="de")
    mia = make_user("mia")
    club = _club(owner, mia)
    page = wiki_services.page_create(
        by=owner, community=club, title="Dienstplan-Regeln", body="# Aushang\nSo sieht er aus:"
    )
    picture = tmp_path / "aushang.png"
    picture.write_bytes(_png_bytes())

    browser_page = new_page(name="olga")
    browser_page.set_default_timeout(60_000)  # a shared, busy test machine: the first load
    login(browser_page, owner)
    browser_page.goto(f"/wiki/{page.pk}/edit/")
    editor = browser_page.locator("textarea[name=body]")
    editor.evaluate("(el) => el.setSelectionRange(el.value.length, el.value.length)")
    browser_page.set_input_files("#wiki-images", str(picture))
    expect(browser_page.get_by_text("Bild in den Text eingefügt.")).to_be_visible()
    image = PageImage.objects.get()
    assert editor.input_value().endswith(f"![aushang]({image.get_absolute_url()})\n")
    axe_check(browser_page)
    browser_page.get_by_role("button", name="Änderungen speichern").click()
    shown = browser_page.locator("img.wiki-image")
    expect(shown).to_be_visible()
    assert shown.evaluate("(img) => img.complete && img.naturalWidth") == 480

    (pdf,) = file_services.files_upload(
        by=owner,
        community=club,
        files=[SimpleUploadedFile("Dienstplan.pdf", _pdf("Dienstplan März", ["Mo: Mölln"]))],
    )
    file_tasks.make_pdf_previews.call(list(FileVersion.objects.values_list("pk", flat=True)))
    post_create(
        author=mia,
        body="Das Protokoll",
        community=club,
        files=[SimpleUploadedFile("Protokoll.txt", b"Protokoll")],
    )
    message_post(
        channel=community_channel_ensure(community=club, user=mia),
        author=mia,
        body="Die Liste",
        files=[SimpleUploadedFile("Teilnehmende.csv", b"Name;Filiale\nMia;M\xc3\xb6lln\n")],
    )
    urls = {
        "wiki-picture": f"/wiki/{page.pk}/",
        "wiki-edit-pictures": f"/wiki/{page.pk}/edit/",
        "file-pdf-preview": f"/library/{pdf.pk}/",
        "all-files-shared": f"/library/c/{club.slug}/all/",
    }
    for name, url in urls.items():
        browser_page.goto(url)  # once; then resized through the widths
        look_at_widths(browser_page, name, axe=axe_check)
    preview = browser_page.goto(f"/library/{pdf.pk}/")
    assert preview is not None
    expect(browser_page.locator(".file-preview img")).to_be_visible()
    browser_page.goto(f"/library/c/{club.slug}/all/")
    expect(browser_page.get_by_role("link", name="Teilnehmende.csv")).to_be_visible()
    expect(browser_page.get_by_role("link", name="In einem Beitrag")).to_be_visible()


@pytest.fixture
def asgi_server() -> Any:
    """A real uvicorn (WebSockets), as tests/browser/test_chat_live.py: PostgreSQL only."""
    from django.db import connection

    from tests.realtime.servers import Server, server_env, wait_for_other_sessions_to_end

    if connection.vendor != "postgresql":
        pytest.skip("The live wiki test runs uvicorn in a second process: needs PostgreSQL.")
    server = Server(env=server_env()).start()
    yield server
    server.stop()
    wait_for_other_sessions_to_end()


@pytest.mark.browser
def test_reader_and_editor_hear_of_a_newer_version_live(
    browser: Any,
    asgi_server: Any,
    make_user: Callable[..., User],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
) -> None:
    """Mia reads the page, Moritz edits it; Olga saves a new version: Mia is offered the new
    version, Moritz warned before he saves, both without reloading."""
    olga, mia, moritz = make_user("olga"), make_user("mia"), make_user("moritz")
    club = _club(olga, mia, moritz)
    page = wiki_services.page_create(by=olga, community=club, title="FAQ", body="Eins")
    pages = {}
    for person, url in ((mia, f"/wiki/{page.pk}/"), (moritz, f"/wiki/{page.pk}/edit/")):
        context = browser.new_context(base_url=asgi_server.origin, locale="en-US")
        tab = context.new_page()
        login(tab, person)
        tab.goto(url)
        tab.wait_for_function(
            "(topic) => window.HanseLive && window.HanseLive.isSubscribed(topic)",
            arg=f"wikipage:{page.pk}",
        )
        tab.evaluate("() => { window.__notReloaded = true; }")
        pages[person.username] = tab
    context = browser.new_context(base_url=asgi_server.origin, locale="en-US")
    saver = context.new_page()
    login(saver, olga)
    saver.goto(f"/wiki/{page.pk}/edit/")
    saver.get_by_label("Text", exact=True).fill("Zwei")
    saver.get_by_role("button", name="Save changes").click()
    expect(saver.get_by_text("Your changes have been saved.")).to_be_visible()

    reader, editor = pages["mia"], pages["moritz"]
    expect(
        reader.get_by_text("A newer version of this page has been saved: version 2 by")
    ).to_be_visible(timeout=30_000)
    expect(editor.get_by_text("Someone else saved this page meanwhile.")).to_be_visible(
        timeout=30_000
    )
    assert reader.evaluate("() => window.__notReloaded") is True
    assert editor.evaluate("() => window.__notReloaded") is True
    axe_check(reader)
    axe_check(editor)
    reader.get_by_role("link", name="Show the new version").click()
    expect(reader.locator(".wiki-body")).to_contain_text("Zwei")
