"""Two-factor authentication and one's sessions in a real Chromium: an administrator is sent to
enrolment, sets up an authenticator app (codes computed here as the app would) and logs in
with it; an employee adds a security key through Chromium's virtual authenticator (CDP
WebAuthn) and logs in with it, then with it as a passkey and no password; the sessions page
ends another device's session. Screenshots of each page at 390/800/1024/1280 px go to
HANSE_SCREENSHOTS when set; axe-core checks each page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, expect

from hanse.people.models import User
from tests.browser.widths import look_at_widths
from tests.conftest import PASSWORD
from tests.identity.conftest import totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def _confirm_password_if_asked(page: Page) -> None:
    if "/accounts/reauthenticate/" in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("input[name=password]").press("Enter")


def _virtual_authenticator(page: Page) -> Any:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def test_administrator_enrols_an_authenticator_app_and_logs_in_with_it(
    new_page: Callable[..., Page],
    login: Callable[..., None],
    make_user: Callable[..., User],
    settings: Any,
    axe_check: Callable[..., Any],
) -> None:
    settings.MFA_REQUIRED_FOR = ["administrator"]
    settings.MFA_TOTP_TOLERANCE = 1
    admin = make_user("chefin", is_staff=True, is_superuser=True)
    page = new_page()
    login(page, admin)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_role("alert")).to_contain_text("Your role requires two-factor")
    axe_check(page)
    look_at_widths(page, "mfa-index-required")
    page.goto("/people/")
    assert page.url.endswith("/accounts/2fa/")

    page.get_by_role("link", name="Set up an authenticator app").click()
    _confirm_password_if_asked(page)
    assert "/accounts/2fa/totp/activate/" in page.url
    axe_check(page)
    look_at_widths(page, "mfa-totp-activate")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill("123")
    page.get_by_role("button", name="Activate").click()
    expect(page.locator(".errorlist")).to_be_visible()
    page.locator("input[name=code]").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state("load")
    assert Authenticator.objects.filter(user=admin, type="totp").exists()
    page.goto("/accounts/2fa/")
    expect(page.get_by_role("heading", name="Authenticator app")).to_contain_text("active")
    look_at_widths(page, "mfa-index-enrolled")
    page.goto("/accounts/2fa/recovery-codes/")
    axe_check(page)
    look_at_widths(page, "mfa-recovery-codes")
    page.goto("/people/")
    assert page.url.endswith("/people/")

    second = new_page()
    login(second, admin)
    assert "/accounts/2fa/authenticate/" in second.url
    axe_check(second)
    look_at_widths(second, "mfa-authenticate")
    second.locator("input[name=code]").fill("000000")
    second.locator("input[name=code]").press("Enter")
    expect(second.locator(".errorlist, .form-errors").first).to_be_visible()
    second.locator("input[name=code]").fill(totp_code(secret, step=1))
    with second.expect_navigation():
        second.locator("input[name=code]").press("Enter")
    second.goto("/people/")
    assert second.url.endswith("/people/")


def test_employee_adds_a_security_key_and_logs_in_with_it(
    new_page: Callable[..., Page],
    login: Callable[..., None],
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
) -> None:
    person = make_user("kai")
    page = new_page()
    _virtual_authenticator(page)
    login(page, person)
    page.goto("/accounts/2fa/")
    page.get_by_role("link", name="Add a security key").click()
    _confirm_password_if_asked(page)
    assert "/accounts/2fa/webauthn/add/" in page.url
    axe_check(page)
    look_at_widths(page, "mfa-webauthn-add")
    page.get_by_label("Passwordless").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("security key").first).to_be_visible()
    assert Authenticator.objects.filter(user=person, type="webauthn").exists()
    page.goto("/accounts/2fa/webauthn/")
    axe_check(page)
    look_at_widths(page, "mfa-webauthn-list")

    # The same browser profile holds the key: log out, log in with password and key.
    page.evaluate("document.querySelector('form[action=\"/accounts/logout/\"]').submit()")
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    login(page, person)
    assert "/accounts/2fa/authenticate/" in page.url
    with page.expect_navigation():
        page.get_by_role("button", name="Use a security key").click()
    page.goto("/people/")
    assert page.url.endswith("/people/")

    # And as a passkey, without the password.
    page.evaluate("document.querySelector('form[action=\"/accounts/logout/\"]').submit()")
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    axe_check(page)
    look_at_widths(page, "login-with-passkey")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in with a passkey").click()
    page.goto("/people/")
    assert page.url.endswith("/people/")


def test_sessions_page_ends_another_device(
    new_page: Callable[..., Page],
    login: Callable[..., None],
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
) -> None:
    person = make_user("lea")
    laptop, phone = new_page(), new_page(phone=True)
    login(phone, person)
    login(laptop, person)
    laptop.goto("/accounts/sessions/")
    rows = laptop.locator(".sessions li")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("this device")
    axe_check(laptop)
    look_at_widths(laptop, "sessions")
    laptop.get_by_role("button", name="End the session on").click()
    expect(laptop.get_by_text("The session was ended.")).to_be_visible()
    expect(rows).to_have_count(1)
    phone.goto("/people/")
    assert "/accounts/login/" in phone.url
