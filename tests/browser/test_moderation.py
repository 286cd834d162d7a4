"""Moderation in the browser: a member reports a post from its menu, the community's
moderator finds it in the queue and hides it with a reason, the author sees the post with
"Hidden by moderation" and the reason, the member no longer finds it. axe-core on every page,
nothing scrolls sideways (HANSE_SCREENSHOTS=dir saves them at 390, 800, 1024, 1280 px)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hanse.communities.models import Community
from hanse.people.models import User
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.heavy
def test_report_queue_hide_author_sees_reason(
    new_page: Callable[..., Page],
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
) -> None:
    from hanse.posts.services.posts import post_create

    author = make_user("anja", first_name="Anja", last_name="Autorin")
    member = make_user("mia", first_name="Mia", last_name="Mitglied")
    moderator = make_user("moritz", first_name="Moritz", last_name="Moderator")
    community = make_community(
        Community.Kind.OPEN, owner=moderator, name="Kreditrunde", members=(author, member)
    )
    post = post_create(
        author=author, body="Der Kunde Meier ist ein Betrüger, sagt es allen!", community=community
    )

    # The member reports it from the post's menu. (On a loaded machine the live server's
    # first pages take longer than the harness's 10 seconds.)
    page = new_page(name="member")
    page.context.set_default_timeout(60_000)
    login(page, member)
    page.goto(f"/posts/{post.pk}/")
    page.get_by_label("Actions for this post").first.click()
    page.get_by_role("link", name="Report").click()
    expect(page.get_by_role("heading", name="Report content")).to_be_visible()
    page.get_by_label("Harassment or insult").check()
    page.get_by_label("Details").fill("Beleidigt einen Kunden namentlich.")
    axe_check(page)
    look_at_widths(page, "report")
    with page.expect_navigation():
        page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you. Moderators will look at your report.")).to_be_visible()

    # The moderator finds it in the queue and hides it.
    mod_page = new_page(name="moderator")
    mod_page.context.set_default_timeout(60_000)
    login(mod_page, moderator)
    mod_page.goto("/moderation/")
    expect(mod_page.get_by_role("heading", name="Moderation")).to_be_visible()
    expect(mod_page.get_by_text("1 report")).to_be_visible()
    axe_check(mod_page)
    look_at_widths(mod_page, "queue")
    mod_page.get_by_role("link", name="Der Kunde Meier").click()
    expect(mod_page.get_by_text("Beleidigt einen Kunden namentlich.")).to_be_visible()
    axe_check(mod_page)
    look_at_widths(mod_page, "case")
    mod_page.get_by_label("Reason").fill("Namentliche Beleidigung eines Kunden.")
    with mod_page.expect_navigation():
        mod_page.get_by_role("button", name="Hide").click()
    expect(mod_page.get_by_text("The content is hidden.")).to_be_visible()
    expect(mod_page.get_by_role("button", name="Restore")).to_be_visible()

    # The author sees it with the reason; the member does not see it any more.
    author_page = new_page(name="author")
    author_page.context.set_default_timeout(60_000)
    login(author_page, author)
    author_page.goto(f"/posts/{post.pk}/")
    expect(author_page.get_by_text("Hidden by moderation")).to_be_visible()
    expect(author_page.get_by_text("Namentliche Beleidigung eines Kunden.")).to_be_visible()
    axe_check(author_page)
    look_at_widths(author_page, "author-sees-reason")
    response = page.goto(f"/posts/{post.pk}/")
    assert response is not None and response.status == 404
