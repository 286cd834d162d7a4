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
