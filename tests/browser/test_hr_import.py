"""The HR import and the 429 page in the browser: upload, preview, confirm; the friendly
page after too many failed logins. axe-core finds nothing serious; nothing scrolls sideways
(HANSE_SCREENSHOTS=dir saves the pages at 390, 800, 1024 and 1280 px)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hanse.people.models import OrgUnit, User
from hanse.people.services import orgunit_create
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)

FILE = (
    "E-Mail;Vorname;Nachname;Organisationseinheit;Übergeordnete Einheit;Standort;"
    "Vorgesetzte E-Mail;Austrittsdatum\n"
    "jan.koch@bank.example;Jan;Koch;IT-Betrieb;;Hauptstelle;;\n"
    "anna.boettcher@bank.example;Anna;Böttcher;IT-Betrieb;;Hauptstelle;jan.koch@bank.example;\n"
    "ole.jensen@bank.example;Ole;Jensen;Kreditservice;Privatkunden;Filiale Ratzeburg;"
    "jan.koch@bank.example;\n"
)


@pytest.fixture(autouse=True)
def _warm(page: Page) -> None:
    """The live server's first page can take longer than a step's timeout on a loaded
    machine (templates, translations and static files are read once)."""
    page.goto("/accounts/login/", timeout=60_000)


def test_admin_previews_and_imports_a_file(
    page: Page,
    make_user: Callable[..., User],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
    tmp_path: Path,
) -> None:
    bank = orgunit_create(name="Sparkasse Hanse", kind=OrgUnit.Kind.ORGANISATION)
    orgunit_create(name="Privatkunden", kind=OrgUnit.Kind.DIVISION, parent=bank)
    orgunit_create(name="IT-Betrieb", kind=OrgUnit.Kind.DEPARTMENT, parent=bank)
    admin = make_user("admin", first_name="Ada", last_name="Admin", is_superuser=True)
    login(page, admin)
    page.goto("/hr-import/")
    expect(page.get_by_role("heading", name="HR import", exact=True)).to_be_visible()
    # No file: a clear error on the form.
    page.get_by_role("button", name="Show the preview").click()
    expect(page.get_by_text("Please choose a CSV file.")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "hr-import-upload-error")
    path = tmp_path / "personal.csv"
    path.write_bytes(FILE.encode("cp1252"))
    page.get_by_label("HR file (CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Show the preview").click()
    expect(page.get_by_role("heading", name="HR import: preview")).to_be_visible()
    expect(page.get_by_role("button", name="Import now")).to_be_visible()
    expect(page.get_by_text("anna.boettcher@bank.example")).to_be_visible()
    expect(page.get_by_text("New unit Kreditservice below Privatkunden")).to_be_visible()
    assert not User.objects.filter(email="anna.boettcher@bank.example").exists()
    axe_check(page)
    look_at_widths(page, "hr-import-preview")
    page.get_by_role("button", name="Import now").click()
    expect(page.get_by_text("The import has started.")).to_be_visible()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    assert User.objects.get(email="anna.boettcher@bank.example").last_name == "Böttcher"
    axe_check(page)
    look_at_widths(page, "hr-import-done")
    page.goto("/hr-import/")
    expect(page.get_by_role("heading", name="Recent runs")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "hr-import-page")


def test_a_file_with_errors_is_shown_with_its_lines(
    page: Page,
    make_user: Callable[..., User],
    login: Callable[..., None],
    axe_check: Callable[..., Any],
    tmp_path: Path,
) -> None:
    orgunit_create(name="IT-Betrieb", kind=OrgUnit.Kind.DEPARTMENT)
    admin = make_user("admin", is_superuser=True, ui_language="de")
    login(page, admin)
    page.goto("/hr-import/")
    path = tmp_path / "kaputt.csv"
    path.write_text(
        "email,first_name,last_name,unit,manager_email,end_date\n"
        "a@bank.example,A,Alpha,IT-Betrieb,b@bank.example,\n"
        "b@bank.example,B,Beta,IT-Betrieb,a@bank.example,\n"
        "a@bank.example,C,Gamma,Nirgendwo,,31.02.2026\n",
        encoding="utf-8",
    )
    page.get_by_label("Personaldatei (CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Vorschau anzeigen").click()
    expect(
        page.get_by_text("Die E-Mail-Adresse a@bank.example steht schon in Zeile 2.")
    ).to_be_visible()
    expect(page.get_by_text("Die Führungskette bildet einen Kreis", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Jetzt importieren")).to_have_count(0)
    axe_check(page)
    look_at_widths(page, "hr-import-errors")


def test_too_many_failed_logins_get_the_friendly_429_page(
    page: Page, make_user: Callable[..., User], axe_check: Callable[..., Any]
) -> None:
    make_user("anna")
    page.goto("/accounts/login/")
    page.locator("#language-select").select_option("de")
    with page.expect_navigation():
        page.get_by_role("button", name="Change").click()
    for _ in range(6):
        page.goto("/accounts/login/")
        form = page.locator("form").filter(has=page.locator("input[name=login]"))
        form.locator("input[name=login]").fill("anna")
        form.locator("input[name=password]").fill("falsch")
        with page.expect_navigation() as navigation:
            form.locator("input[name=password]").press("Enter")
    response = navigation.value
    assert response is not None and response.status == 429
    assert response.headers["retry-after"] == "300"
    expect(page.get_by_role("heading", name="Bitte warte einen Moment")).to_be_visible()
    expect(page.get_by_text("Du kannst es in 5 Minuten erneut versuchen.")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "rate-limited")
