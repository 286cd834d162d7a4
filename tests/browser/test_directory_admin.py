"""LDAP in the browser: an administrator signs in with the directory password on the normal
login page, and the directory's admin pages (the sync runs with their report, the group
mapping) pass axe-core and fit at phone and desktop widths (HANSE_SCREENSHOTS=dir saves them at
390, 800, 1024 and 1280 px)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support import slapd as server

server.require_python_ldap()

from hanse.identity.ldap.sync import run_sync  # noqa: E402
from hanse.identity.models import DirectoryGroup, DirectorySyncRun  # noqa: E402
from hanse.people.models import OrgUnit, User  # noqa: E402
from hanse.people.services import orgunit_create  # noqa: E402
from tests.browser.widths import look_at_widths  # noqa: E402
from tests.support.slapd import directory, slapd  # noqa: E402, F401  # the real OpenLDAP

pytestmark = pytest.mark.django_db(transaction=True)


def test_directory_admin_signs_in_and_reads_the_sync_runs(
    new_page: Callable[..., Page],
    directory: server.Slapd,  # noqa: F811  # the fixture imported above
    axe_check: Callable[..., Any],
) -> None:
    root = orgunit_create(name="Sparkasse Test", kind=OrgUnit.Kind.ORGANISATION)
    orgunit_create(name="Filiale Nord", kind=OrgUnit.Kind.BRANCH, parent=root)
    it = orgunit_create(name="IT-Betrieb", kind=OrgUnit.Kind.DEPARTMENT, parent=root)
    DirectoryGroup.objects.create(dn=server.group_dn("it-betrieb"), org_unit=it)
    DirectoryGroup.objects.create(dn=server.group_dn("fehlt"), org_unit=it)  # a problem
    run_sync()
    User.objects.filter(username="lweber").update(is_staff=True, is_superuser=True)
    directory.modify(server.person_dn("amueller"), title="Teamleiterin")
    run_sync()

    page = new_page()
    # Admin pages are heavier than the app's: generous on a loaded machine.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    page.goto("/accounts/login/")
    form = page.locator("form").filter(has=page.locator("input[name=login]"))
    form.locator("input[name=login]").fill("lweber")
    form.locator("input[name=password]").fill(server.PASSWORD)
    with page.expect_navigation():
        form.locator("input[name=password]").press("Enter")
    assert "/accounts/login/" not in page.url

    page.goto("/admin/identity/directorysyncrun/")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    axe_check(page)
    look_at_widths(page, "sync-runs")

    latest = DirectorySyncRun.objects.first()
    assert latest is not None
    page.goto(f"/admin/identity/directorysyncrun/{latest.pk}/change/")
    expect(page.get_by_text("Teamleiterin")).to_be_visible()
    expect(page.get_by_text("cn=fehlt", exact=False)).to_be_visible()
    axe_check(page)
    look_at_widths(page, "sync-run")

    page.goto("/admin/identity/directorygroup/add/")
    axe_check(page)
    look_at_widths(page, "group-add")
