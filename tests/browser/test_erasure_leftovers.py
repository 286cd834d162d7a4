"""Issue 21 leftovers in the browser: the erasure page names the communities the person owns
alone; content kept under the pseudonym names it without a link; the record of processing
activities describes erasure. axe-core finds nothing serious; nothing scrolls sideways
(HANSE_SCREENSHOTS=dir saves the pages at 390, 800, 1024 and 1280 px)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Page, expect

from hanse.communities.models import Community
from hanse.people.models import User
from hanse.posts.models import Comment, Post
from hanse.posts.services.comments import comment_create
from hanse.posts.services.posts import post_create
from hanse.privacy.erasure import _pseudonym
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_erasure_page_names_the_communities_owned_alone(
    page: Page,
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
) -> None:
    admin = make_user("boss", first_name="Berta", last_name="Boss", is_superuser=True)
    anna = make_user("annab", first_name="Anna", last_name="Becker")
    mona = make_user("mona", first_name="Mona", last_name="Meyer")
    make_community(owner=anna, name="Zinsrunde Nord", moderators=(mona,))
    make_community(owner=anna, name="Nur Anna")
    login(page, admin)
    page.goto("/privacy/erasure/person/annab/")
    section = page.get_by_role("region", name="Communities they own alone")
    expect(section).to_be_visible()
    expect(section.get_by_role("listitem").filter(has_text="Zinsrunde Nord")).to_contain_text(
        "passes to Mona Meyer"
    )
    expect(section.get_by_role("listitem").filter(has_text="Nur Anna")).to_contain_text(
        "it will have no owner"
    )
    expect(section.get_by_role("link", name="Zinsrunde Nord")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "erasure-ownership")


def test_the_pseudonym_is_plain_text_on_a_post(
    page: Page,
    make_user: Callable[..., User],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
) -> None:
    anna = make_user("annab", first_name="Anna", last_name="Becker")
    zoe = make_user("zoe", first_name="Zoe", last_name="Zander")
    post = post_create(author=anna, body="Die Zinsen steigen.", scope=Post.Scope.COMPANY)
    comment_create(post=post, author=anna, body="Nachtrag von Anna")
    comment_create(post=post, author=zoe, body="Danke!")
    pseudonym = _pseudonym()
    Post.objects.filter(author=anna).update(author=pseudonym)
    Comment.objects.filter(author=anna).update(author=pseudonym)
    login(page, zoe)
    page.goto(f"/posts/{post.pk}/")
    article = page.locator(f"#post-{post.pk}")
    expect(article.locator(".post__author")).to_have_text("Former employee")
    expect(article.get_by_role("link", name="Former employee")).to_have_count(0)
    expect(page.get_by_role("link", name="Zoe Zander").first).to_be_visible()
    expect(page.locator(".comment__author.person--former")).to_have_text("Former employee")
    axe_check(page)
    look_at_widths(page, "pseudonym-post")


def test_the_record_describes_erasure(
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
    page.get_by_role("link", name="Löschung einer Person").click()
    section = page.get_by_role("region", name="Löschung einer Person")
    expect(section).to_contain_text("Ehemalige:r Mitarbeiter:in")
    expect(section).to_contain_text("RETENTION_AUDIT_DAYS")
    axe_check(page)
    section.scroll_into_view_if_needed()
    look_at_widths(page, "processing-erasure")
