"""Browser: a poll is created through the form, voted on from the card, and its results bars
show; German pages at four widths are saved as screenshots and checked with axe-core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hanse.participation.models import Poll, PollVoter
from hanse.participation.services import poll_create, poll_vote
from hanse.people.models import User
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the fixtures skip without Playwright
    expect = None  # type: ignore[assignment]


def test_create_vote_and_see_bars(
    new_page: Callable[..., Any],
    login: Callable[..., None],
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
) -> None:
    """Anna asks, Ben votes on the card (htmx), the bars show his choice; axe finds nothing."""
    anna, ben = make_user("anna"), make_user("ben")
    author = new_page(name="anna")
    login(author, anna)
    author.goto("/participation/polls/new/")
    author.get_by_label("Question").fill("Wohin geht der Betriebsausflug?")
    author.get_by_label("Answers", exact=True).fill("Ostsee\nHarz\nHamburg")
    author.get_by_role("button", name="Publish poll").click()
    expect(author.get_by_text("Your poll is published.")).to_be_visible()
    axe_check(author)
    poll = Poll.objects.get()

    voter = new_page(name="ben")
    login(voter, ben)
    voter.goto(f"/posts/{poll.post_id}/")
    voter.get_by_label("Harz").check()
    voter.get_by_role("button", name="Vote", exact=True).click()
    expect(voter.get_by_role("button", name="Change my vote")).to_be_visible()
    expect(voter.get_by_text("1 vote · 100 %")).to_be_visible()
    axe_check(voter)
    assert poll.votes.get().option.label == "Harz"


@pytest.mark.heavy
def test_screenshots_in_german(
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
    german_page: Callable[..., Any],
) -> None:
    """The poll form and a stream with a named and an anonymous poll, at 390 to 1280 px."""
    anna = make_user("anna", first_name="Anna", last_name="Schmidt", ui_language="de")
    people = [make_user(f"p{i}") for i in range(5)]
    named = poll_create(
        author=anna,
        question="Welches Thema soll der nächste Connectoren-Stammtisch haben?",
        options=["Kundenberatung mit KI", "Filialen voneinander lernen", "Gesund arbeiten"],
        kind="multiple",
        max_choices=2,
        allow_other=True,
    )
    anonymous = poll_create(
        author=people[0],
        question="Wie gut fühlst du dich über Veränderungen informiert?",
        options=["Sehr gut", "Eher gut", "Eher schlecht"],
        anonymous=True,
    )
    for i, person in enumerate(people):
        ids = list(named.options.values_list("pk", flat=True))
        poll_vote(poll=named, voter=person, option_ids=[ids[i % 3]])
        ids = list(anonymous.options.values_list("pk", flat=True))
        poll_vote(poll=anonymous, voter=person, option_ids=[ids[min(i, 2)]])
    poll_vote(poll=anonymous, voter=anna, option_ids=[ids[0]])
    from hanse.communities.services import community_create, membership_add
    from hanse.participation.models import PraiseValue
    from hanse.participation.praise import praise_create
    from hanse.participation.questions import answer_accept, answer_upvote, question_create
    from hanse.posts.services.comments import comment_create

    community = community_create(by=anna, name="Connectoren", kind="open", description="x")
    for person in people[:3]:
        membership_add(community=community, user=person)
    question = question_create(
        author=anna, community=community, body="Wie beantrage ich Bildungsurlaub?"
    )
    first = comment_create(post=question.post, author=people[0], body="Im Personalportal.")
    second = comment_create(
        post=question.post, author=people[1], body="Frag die Personalabteilung."
    )
    answer_upvote(answer=second, by=people[2])
    answer_accept(question=question, answer=first, by=anna)
    question_create(author=people[1], community=community, body="Wo ist ein ruhiger Raum?")
    values = [PraiseValue.objects.create(name=n, position=i) for i, n in enumerate(
        ["Mut", "Neugier", "Offenheit"])]  # fmt: skip
    praise_create(author=people[0], recipient=anna, value=values[0], message="Danke für den Mut!")
    praise_create(author=people[1], recipient=anna, value=values[1], message="Tolle Fragen!")
    pages = (
        ("form", "/participation/polls/new/"),
        ("stream", "/stream/"),
        ("questions", "/participation/questions/?state=all"),
        ("question", f"/participation/questions/{question.pk}/"),
        ("ask", f"/participation/questions/new/?community={community.slug}"),
        ("praise", "/participation/praise/"),
        ("profile", f"/people/{anna.username}/"),
    )
    # One sign-in; each page is loaded once and then resized through the widths.
    page = german_page(anna)
    for name, url in pages:
        page.goto(url)
        look_at_widths(page, f"participation-{name}", axe=axe_check)
    page.context.close()


@pytest.fixture
def asgi_server() -> Any:
    """A real uvicorn (WebSockets), as tests/browser/test_chat_live.py: PostgreSQL only."""
    from django.db import connection

    from tests.realtime.servers import Server, server_env, wait_for_other_sessions_to_end

    if connection.vendor != "postgresql":
        pytest.skip("The live poll test runs uvicorn in a second process: needs PostgreSQL.")
    server = Server(env=server_env()).start()
    yield server
    server.stop()
    wait_for_other_sessions_to_end()


@pytest.mark.browser
def test_results_update_live_for_a_watcher(
    browser: Any, asgi_server: Any, make_user: Callable[..., User], login: Any
) -> None:
    """Ben watches the poll; Anna votes; Ben's bars change without a reload."""
    anna, ben = make_user("anna"), make_user("ben")
    poll = poll_create(author=ben, question="Kaffee oder Tee?", options=["Kaffee", "Tee"])
    pages = []
    for person in (anna, ben):
        context = browser.new_context(base_url=asgi_server.origin, locale="en-US")
        page = context.new_page()
        login(page, person)
        page.goto(f"/posts/{poll.post_id}/")
        pages.append(page)
    anna_page, ben_page = pages
    ben_page.wait_for_function(
        "(topic) => window.HanseLive && window.HanseLive.isSubscribed(topic)",
        arg=f"poll:{poll.pk}",
    )
    ben_page.evaluate("() => { window.__notReloaded = true; }")
    anna_page.get_by_label("Tee").check()
    anna_page.get_by_role("button", name="Vote", exact=True).click()
    expect(anna_page.get_by_role("button", name="Change my vote")).to_be_visible(timeout=30_000)
    expect(ben_page.locator(f"#poll-{poll.pk}")).to_contain_text("1 vote · 100 %", timeout=30_000)
    assert ben_page.evaluate("() => window.__notReloaded === true")
    for page in pages:
        page.context.close()


@pytest.mark.heavy
def test_poll_in_a_chat_message_at_four_widths(
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
    monkeypatch: Any,
    german_page: Callable[..., Any],
) -> None:
    """A poll in a chat message: the slot is filled with the member's block, the member
    votes by keyboard-reachable controls and sees the bars; "New poll" beside the composer;
    German, 390 to 1280 px, axe-core finds nothing serious."""
    from hanse.chat.services import channel_create
    from hanse.participation.services import chat_poll_create

    # The WSGI live server has no sockets to push to.
    monkeypatch.setattr("hanse.participation.live.publish", lambda *args: None)
    anna = make_user("anna", first_name="Anna", last_name="Albers", ui_language="de")
    ben = make_user("ben", first_name="Ben", last_name="Brandt", ui_language="de")
    channel = channel_create(by=anna, name="Team Baufinanzierung", kind="private", members=[ben])
    poll = chat_poll_create(
        author=anna,
        channel=channel,
        question="Wann machen wir den Teamausflug?",
        options=["Im Mai", "Im Juni", "Im September"],
    )
    poll_vote(poll=poll, voter=anna, option_ids=[poll.options.order_by("position")[1].pk])
    # One sign-in, the chat loaded once: Ben votes on the phone, then the page is resized.
    page = german_page(ben)
    page.goto(f"/chat/{channel.pk}/")
    block = page.locator(f"#poll-{poll.pk}")
    block.get_by_label("Im Juni").check()
    block.get_by_role("button", name="Abstimmen").click()
    expect(page.locator(f"#poll-{poll.pk}")).to_contain_text("2 Stimmen")

    def in_view(width: int) -> None:
        expect(block).to_be_visible()
        expect(page.get_by_role("link", name="Neue Umfrage")).to_be_visible()
        page.locator(f"#m-{poll.message_id}").scroll_into_view_if_needed()

    look_at_widths(page, "chat-poll", axe=axe_check, each=in_view, full_page=False)
    # The poll form and the poll's own page, as before at the desktop width only.
    for name, url in (
        ("chat-poll-new", f"/participation/polls/new/?channel={channel.pk}"),
        ("chat-poll-page", f"/participation/polls/{poll.pk}/"),
    ):
        page.goto(url)
        look_at_widths(page, name, axe=axe_check, widths=(1280,))
    page.context.close()
    assert PollVoter.objects.filter(poll=poll).count() == 2


@pytest.mark.heavy
def test_similar_questions_while_typing_at_four_widths(
    make_user: Callable[..., User],
    make_community: Callable[..., Any],
    axe_check: Callable[..., Any],
    german_page: Callable[..., Any],
) -> None:
    """Typing a question lists similar ones found by search (a word form, not a substring),
    announced politely; German, 390 to 1280 px; axe-core finds nothing serious."""
    from hanse.participation.questions import question_create
    from hanse.search.index import index_objects

    anna = make_user("anna", first_name="Anna", last_name="Albers", ui_language="de")
    ben = make_user("ben", first_name="Ben", last_name="Brandt", ui_language="de")
    community = make_community(owner=ben, members=(anna,))
    asked = question_create(
        author=ben, community=community, body="Wie beantrage ich Bildungsurlaub für 2027?"
    )
    index_objects("question", [asked.pk])
    # One sign-in; the question is typed once on the phone, then the page is resized.
    page = german_page(anna)
    page.goto(f"/participation/questions/new/?community={community.slug}")
    box = page.get_by_label("Deine Frage")
    box.press_sequentially("Zählt ein Onlinekurs als Bildungsurlaubs-Woche?", delay=5)
    found = page.locator("#similar-questions")

    def still_listed(width: int) -> None:
        expect(found).to_contain_text("Wie beantrage ich Bildungsurlaub für 2027?")
        expect(found).to_have_attribute("aria-live", "polite")

    look_at_widths(page, "similar-questions", axe=axe_check, each=still_listed)
    page.context.close()
