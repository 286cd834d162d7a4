"""Browser: a town-hall question asked and upvoted in one browser moves up live in the other
(a real uvicorn with WebSockets, PostgreSQL); the list, the town hall and the presenter view
in German at four widths, saved as screenshots and checked with axe-core."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hanse.participation.models import TownHallQuestion
from hanse.participation.townhalls import (
    townhall_create,
    townhall_question_ask,
    townhall_question_moderate,
    townhall_upvote,
)
from hanse.people.models import User
from tests.browser.widths import WIDTHS, look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the fixtures skip without Playwright
    expect = None  # type: ignore[assignment]


def _live_hall(host: User, admin: User, **fields: Any) -> Any:
    now = timezone.now()
    return townhall_create(
        by=admin,
        title=fields.pop("title", "Fragestunde mit dem Vorstand"),
        description=fields.pop(
            "description", "Der Vorstand beantwortet eure Fragen zur Strategie 2027."
        ),
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=1),
        hosts=[host],
        **fields,
    )


@pytest.fixture
def asgi_server() -> Any:
    """A real uvicorn (WebSockets), as tests/browser/test_chat_live.py: PostgreSQL only."""
    from django.db import connection

    from tests.realtime.servers import Server, server_env, wait_for_other_sessions_to_end

    if connection.vendor != "postgresql":
        pytest.skip("The live town-hall test runs uvicorn in a second process: needs PostgreSQL.")
    server = Server(env=server_env()).start()
    yield server
    server.stop()
    wait_for_other_sessions_to_end()


@pytest.mark.browser
def test_question_asked_and_upvoted_moves_up_live_in_the_other_browser(
    browser: Any,
    asgi_server: Any,
    make_user: Callable[..., User],
    admin_user: User,
    login: Any,
    axe_check: Callable[..., Any],
) -> None:
    """Anna asks (anonymously) and upvotes her question; in Ben's open page it appears and
    moves to the top, without a reload."""
    anna, ben, host = make_user("anna"), make_user("ben"), make_user("vorstand")
    th = _live_hall(host, admin_user)
    townhall_question_ask(townhall=th, author=host, body="Erste Frage vom Vorstand?")
    townhall_question_ask(townhall=th, author=ben, body="Zweite Frage von Ben?")
    pages = []
    for person in (anna, ben):
        context = browser.new_context(base_url=asgi_server.origin, locale="en-US")
        page = context.new_page()
        login(page, person)
        page.goto(f"/participation/townhalls/{th.pk}/")
        pages.append(page)
    anna_page, ben_page = pages
    for page in pages:
        page.wait_for_function(
            "(topic) => window.HanseLive && window.HanseLive.isSubscribed(topic)",
            arg=f"townhall:{th.pk}",
        )
    ben_page.evaluate("() => { window.__notReloaded = true; }")
    first = ben_page.locator("[data-th-open] > li").first
    expect(first).to_contain_text("Erste Frage vom Vorstand?")

    anna_page.get_by_label("Your question").fill("Wie sicher sind unsere Arbeitsplätze?")
    anna_page.get_by_label("Ask anonymously").check()
    anna_page.get_by_role("button", name="Ask", exact=True).click()
    expect(anna_page.get_by_text("Thank you for your question.")).to_be_visible(timeout=30_000)
    # Ben sees the new question (at the end: no upvotes yet, the newest) without a reload.
    last = ben_page.locator("[data-th-open] > li").last
    expect(last).to_contain_text("Wie sicher sind unsere Arbeitsplätze?", timeout=30_000)
    question = TownHallQuestion.objects.get(body__startswith="Wie sicher")
    assert question.author_id is None

    anna_page.locator(f"#thq-{question.pk}").get_by_role("button", name="Upvote").click()
    expect(anna_page.locator(f"#thq-{question.pk} [data-count]")).to_have_text("1", timeout=30_000)
    expect(first).to_contain_text("Wie sicher sind unsere Arbeitsplätze?", timeout=30_000)
    expect(ben_page.locator(f"#thq-{question.pk} [data-count]")).to_have_text("1")
    assert ben_page.evaluate("() => window.__notReloaded === true")
    # Ben's page names nobody as the asker.
    assert "anna" not in ben_page.locator(f"#thq-{question.pk}").inner_text().lower()
    axe_check(ben_page)


@pytest.mark.heavy
def test_screenshots_in_german(
    make_user: Callable[..., User],
    admin_user: User,
    axe_check: Callable[..., Any],
    monkeypatch: Any,
    german_page: Callable[..., Any],
) -> None:
    """The list, a live town hall (as its host, with moderation) and the presenter view, and
    an archived one, at 390 to 1280 px; axe-core finds nothing serious."""
    # The WSGI live server has no sockets to push to (Playwright's loop owns this thread).
    monkeypatch.setattr("hanse.participation.live.publish", lambda *args: None)
    host = make_user("vorstand", first_name="Vera", last_name="Vorstand", ui_language="de")
    people = [make_user(f"p{i}", first_name=f"Person{i}") for i in range(6)]
    th = _live_hall(host, admin_user, approval_required=True)
    texts = [
        ("Wie geht es mit den Filialen auf dem Land weiter?", False),
        ("Warum erfahren wir Veränderungen oft erst aus der Zeitung?", True),
        ("Wird es mehr Homeoffice-Tage geben?", False),
        ("Wie sollen wir die KI-Werkzeuge in der Beratung nutzen dürfen?", True),
    ]
    made = []
    for i, (text, anonymous) in enumerate(texts):
        q = townhall_question_ask(townhall=th, author=people[i], body=text, anonymous=anonymous)
        q = TownHallQuestion.objects.select_related("townhall").get(pk=q.pk)
        made.append(townhall_question_moderate(question=q, by=host, action="approve"))
    townhall_question_ask(townhall=th, author=people[5], body="Gibt es eine Kantine?")
    for i, q in enumerate(made):
        for voter in people[: 5 - i]:
            if voter.pk != q.author_id:
                townhall_upvote(question=q, user=voter)
    townhall_question_moderate(
        question=made[2], by=host, action="answered", answer="Ja, ab März bis zu drei Tage."
    )
    townhall_question_moderate(question=made[0], by=host, action="answering")
    townhall_question_moderate(question=made[1], by=host, action="pin")
    past = townhall_create(
        by=admin_user,
        title="Fragestunde Herbst",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=1),
        hosts=[host],
    )
    pages = (
        ("list", "/participation/townhalls/"),
        ("townhall", f"/participation/townhalls/{th.pk}/"),
        ("presenter", f"/participation/townhalls/{th.pk}/presenter/"),
        ("new", "/participation/townhalls/new/"),
        ("upcoming", f"/participation/townhalls/{past.pk}/"),
    )
    # Two sign-ins, each page loaded once and resized: the host through the widths; the
    # administrator (who alone gets the form; its widths are test_host_picker's) at 1280 px.
    for person, widths in ((host, WIDTHS), (admin_user, (1280,))):
        page = german_page(person, width=widths[0])
        for name, url in pages:
            if name == "new" and person == host:
                continue  # only administrators and hosts of town halls get the form
            page.goto(url)
            who = "host" if person == host else "admin"
            look_at_widths(page, f"townhall-{name}-{who}", axe=axe_check, widths=widths)
        page.context.close()


@pytest.mark.heavy
def test_host_picker_by_keyboard_at_four_widths(
    make_user: Callable[..., User],
    admin_user: User,
    axe_check: Callable[..., Any],
    german_page: Callable[..., Any],
) -> None:
    """The host field's person picker: two letters list colleagues, the arrow keys and Enter
    add one (the field keeps plain usernames), Escape closes; open at four widths in German,
    screenshots, axe-core with the list open."""
    make_user("vera", first_name="Vera", last_name="Vorstand", job_title="Vorständin")
    make_user("viktor", first_name="Viktor", last_name="Vogel", job_title="Filialleiter")
    admin_user.ui_language = "de"
    admin_user.save(update_fields=["ui_language"])
    # One sign-in, the form loaded once (on the phone); the list is opened by keyboard and
    # stays open while the page is resized through the widths.
    page = german_page(admin_user)
    page.goto("/participation/townhalls/new/")
    hosts = page.locator("#id_hosts")
    expect(hosts).to_have_attribute("role", "combobox")
    hosts.fill("")
    hosts.press_sequentially("Vo", delay=30)
    listbox = page.locator("#id_hosts-listbox")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(hosts).to_have_attribute("aria-expanded", "true")
    hosts.press("ArrowDown")
    hosts.press("ArrowDown")

    def still_open(width: int) -> None:
        expect(listbox).to_be_visible()
        expect(listbox.get_by_role("option").nth(1)).to_have_attribute("aria-selected", "true")
        expect(hosts).to_have_attribute("aria-activedescendant", "id_hosts-option-1")

    look_at_widths(page, "townhall-host-picker", axe=axe_check, each=still_open)
    hosts.press("Enter")
    expect(hosts).to_have_value("vera, ")  # by last name: Vogel, then Vorstand
    expect(listbox).to_be_hidden()
    hosts.press_sequentially("vik", delay=30)
    expect(listbox.get_by_role("option")).to_have_count(1)
    hosts.press("Escape")
    expect(listbox).to_be_hidden()
    expect(hosts).to_have_attribute("aria-expanded", "false")
    page.context.close()
