"""The audit log viewer in the browser: a failed and a successful sign-in show up, the filter
narrows the list, axe-core finds nothing serious at phone and desktop widths, nothing scrolls
sideways (HANSE_SCREENSHOTS=dir saves the page at 390, 800, 1024 and 1280 px)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Page, expect

from hanse.people.models import User
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)


def test_auditor_sees_sign_ins_and_filters(
    new_page: Callable[..., Page],
    make_user: Callable[..., User],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
) -> None:
    auditor = make_user("revision", first_name="Rita", last_name="Revision", is_staff=True)
    auditor.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    berta = make_user("berta", first_name="Berta", last_name="Brandt")
    # A transactional test starts from an emptied database: the data migration's groups are gone.
    group, _ = Group.objects.get_or_create(name="Kommunikation")
    berta.groups.add(group)

    other = new_page(name="berta")
    with pytest.raises(AssertionError):
        login(other, berta, password="falsch")
    login(other, berta)

    page = new_page()
    login(page, auditor)
    page.goto("/audit/")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    rows = page.locator(".audit-table tbody tr")
    expect(rows.filter(has_text="auth.login_failed")).to_have_count(1)
    expect(rows.filter(has_text="Berta Brandt")).not_to_have_count(0)
    axe_check(page)
    look_at_widths(page, "audit-log")

    page.get_by_label("Action", exact=True).fill("roles")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    expect(rows.filter(has_text="roles.group_added")).to_have_count(1)
    expect(rows.filter(has_text="auth.login")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these entries (JSON lines)").click()
    assert download.value.suggested_filename.endswith(".jsonl")
    # Read it to the end (the stream closes cleanly) and check it is JSON lines of the filter.
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines and all('"action":"roles.' in line for line in lines)

    page.goto("/audit/?since=2026-05-02&until=2026-05-01")
    expect(page.get_by_text("The end lies before the start.")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "audit-log-error")

    phone = new_page(phone=True)
    login(phone, auditor)
    phone.goto("/audit/")
    axe_check(phone)


def test_no_page_breaks_the_content_security_policy(
    new_page: Callable[..., Page],
    make_user: Callable[..., User],
    login: Callable[..., None],
) -> None:
    """Chromium reports every refused inline script, style or eval on the console."""
    from hanse.communities.services import community_create
    from hanse.participation.services import poll_create

    admin = make_user("chefin", is_staff=True, is_superuser=True)
    community = community_create(by=admin, name="Kreditrisiko", kind="open")
    poll = poll_create(author=admin, question="Homeoffice?", options=["Ja", "Nein"])
    page = new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    login(page, admin)
    for url in (
        "/",
        f"/communities/{community.slug}/",
        f"/participation/polls/{poll.pk}/",
        "/settings/tokens/",
        "/audit/",
        "/admin/",
        "/admin/auth/group/add/",
        "/api/v1/docs",
    ):
        page.goto(url)
        page.wait_for_load_state("load")
    assert refused == []
