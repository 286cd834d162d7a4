"""Guests in a real Chromium: the guest mark on a stream card and a profile at four widths
(screenshots with HANSE_SCREENSHOTS), the invitation page, and axe on each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from hanse.communities.models import Community
from hanse.communities.services import membership_add
from hanse.posts.services.posts import post_create
from tests.browser.widths import look_at_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project(make_user: Callable[..., Any]) -> dict[str, Any]:
    owner = make_user("olga", first_name="Olga", last_name="Owner")
    guest = make_user(
        "pia",
        first_name="Pia",
        last_name="Partnerin",
        is_guest=True,
        guest_organisation="Sparkasse Nordheide",
        guest_expires_at=timezone.now() + timedelta(days=60),
    )
    community = Community.objects.create(
        name="Gemeinsames Kreditprojekt", slug="kreditprojekt", kind="private"
    )
    membership_add(community=community, user=owner, role="owner")
    membership_add(community=community, user=guest)
    post_create(
        author=guest,
        community=community,
        body="Hallo aus Nordheide! Wir freuen uns auf das gemeinsame Projekt.",
    )
    return {"owner": owner, "guest": guest, "community": community}


def test_guest_mark_on_card_and_profile(
    project: dict[str, Any],
    new_page: Callable[..., Page],
    login: Callable[..., None],
    axe_check: Callable[..., list[dict[str, Any]]],
) -> None:
    """The owner sees the guest's post and profile marked "Guest · Sparkasse Nordheide" at
    every width, nothing scrolls sideways, axe finds nothing serious."""
    page = new_page()
    page.set_default_timeout(60_000)  # many pages at four widths on a shared, loaded machine
    login(page, project["owner"])
    targets = {
        "stream": reverse("communities:detail", args=["kreditprojekt"]),
        "profile": reverse("people:profile", args=["pia"]),
        "invite": reverse("guests:invite", args=["kreditprojekt"]),
    }
    for name, url in targets.items():
        page.goto(url)  # once; then resized through the widths

        def marked(width: int, name: str = name) -> None:
            if name != "invite":
                marks = page.locator(".badge--guest")
                expect(marks.first).to_have_text("Guest · Sparkasse Nordheide")
                # The post card's mark in view (the last one on both pages).
                marks.last.scroll_into_view_if_needed()
            if width in (390, 1280):
                axe_check(page)

        look_at_widths(page, f"guest-{name}", each=marked, full_page=False)


def test_guest_sees_only_their_community(
    project: dict[str, Any], new_page: Callable[..., Page], login: Callable[..., None]
) -> None:
    """Signed in, the guest finds their community; the directory answers like an unknown
    page."""
    page = new_page()
    login(page, project["guest"])
    page.goto(reverse("communities:directory"))
    expect(page.get_by_role("link", name="Gemeinsames Kreditprojekt").first).to_be_visible()
    response = page.goto(reverse("people:directory"))
    assert response is not None and response.status == 404
