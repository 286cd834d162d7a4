"""Two people chat in two browser contexts: a message appears for the other without reload.

pytest-django's live_server speaks WSGI (no WebSockets), so this test starts a real uvicorn
process on the test database instead; that needs a database another process can open
(PostgreSQL), which CI's second half provides.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hanse.chat.models import Channel, Message
from hanse.chat.services import channel_create
from tests.realtime.servers import Server, server_env, wait_for_other_sessions_to_end

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def asgi_server() -> Iterator[Server]:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "The chat browser test runs uvicorn in a second process, which cannot open the "
            "in-memory SQLite test database: set DATABASE_URL to PostgreSQL to run it."
        )
    server = Server(env=server_env()).start()
    yield server
    server.stop()
    wait_for_other_sessions_to_end()


def test_message_appears_for_the_other_person_without_reload(
    browser: Any, asgi_server: Server, make_user: Callable[..., Any], login: Any
) -> None:
    """Anna sends a message; Ben's open channel page shows it, without reloading."""
    from playwright.sync_api import expect

    anna, ben = make_user("anna"), make_user("ben")
    channel = channel_create(by=anna, name="Filialteam", kind=Channel.Kind.PRIVATE, members=[ben])
    pages = []
    for person in (anna, ben):
        context = browser.new_context(base_url=asgi_server.origin, locale="en-US")
        page = context.new_page()
        login(page, person)
        page.goto(f"/chat/{channel.pk}/")
        pages.append(page)
    anna_page, ben_page = pages
    # Both tabs are subscribed to the channel before Anna writes.
    for page in pages:
        page.wait_for_function(
            "(topic) => window.HanseLive && window.HanseLive.isSubscribed(topic)",
            arg=f"chat:{channel.pk}",
        )
    ben_page.evaluate("() => { window.__notReloaded = true; }")

    text = f"Moin Ben, Treffen um 10? {uuid.uuid4().hex[:6]}"
    composer = anna_page.locator("#composer-main")
    composer.fill(text)
    composer.press("Enter")

    # On a busy CI machine (two test workers, the server, two browsers on two cores) storing
    # and relaying can take seconds: first the message must be stored, then it must arrive.
    deadline = time.monotonic() + 30
    while not Message.objects.filter(channel=channel, body=text).exists():
        assert time.monotonic() < deadline, "Anna's message was never stored"
        time.sleep(0.2)
    expect(ben_page.locator("#chat-log")).to_contain_text(text, timeout=30_000)
    assert ben_page.evaluate("() => window.__notReloaded === true")
    expect(anna_page.locator("#chat-log")).to_contain_text(text)
    assert anna_page.locator("#chat-log").get_by_text(text).count() == 1
    for page in pages:
        page.context.close()


def test_a_live_message_reads_in_the_readers_language(
    browser: Any,
    asgi_server: Server,
    make_user: Callable[..., Any],
    login: Any,
    axe_check: Callable[..., list[dict[str, Any]]],
) -> None:
    """The one language-neutral rendering of a live message shows German labels and a German
    time on a German page (chat.js, from the JavaScript catalog), English ones on an English
    page; the author's own controls appear for the author only; axe finds nothing serious."""
    from playwright.sync_api import expect

    anna, ben = make_user("anna", ui_language="en"), make_user("ben", ui_language="de")
    channel = channel_create(by=anna, name="Filialteam", kind=Channel.Kind.PRIVATE, members=[ben])
    pages = []
    for person in (anna, ben):
        context = browser.new_context(base_url=asgi_server.origin)
        page = context.new_page()
        login(page, person)
        page.goto(f"/chat/{channel.pk}/")
        page.wait_for_function(
            "(topic) => window.HanseLive && window.HanseLive.isSubscribed(topic)",
            arg=f"chat:{channel.pk}",
        )
        pages.append(page)
    anna_page, ben_page = pages
    text = f"Sprechstunde um 10? {uuid.uuid4().hex[:6]}"
    anna_page.locator("#composer-main").fill(text)
    anna_page.locator("#composer-main").press("Enter")

    german = ben_page.locator(".chat-msg").filter(has_text=text)
    expect(german).to_have_count(1, timeout=30_000)
    expect(german.get_by_role("link", name="Im Thread antworten")).to_be_visible()
    expect(german.get_by_role("button", name="Gefällt mir")).to_have_attribute(
        "title", "Gefällt mir"
    )
    # Anna's message: Ben may neither edit nor delete it.
    expect(german.get_by_role("link", name="Bearbeiten", include_hidden=True)).to_be_hidden()
    assert "data-i18n" not in german.evaluate("(el) => el.outerHTML")
    # German date format (d.m.Y H:i) from the catalog's formats.
    assert german.locator("time").inner_text().count(".") == 2

    english = anna_page.locator(".chat-msg").filter(has_text=text)
    expect(english.get_by_role("link", name="Reply in thread")).to_be_visible()
    expect(english.get_by_role("link", name="Edit")).to_be_visible()
    expect(english.get_by_role("button", name="Delete")).to_be_visible()
    assert "/" in english.locator("time").inner_text()
    axe_check(ben_page)
    for page in pages:
        page.context.close()
