"""Single sign-on in a real Chromium: the login page with the provider's button (and with the
password form hidden), a sign-in through a real OpenID provider (oidc-provider) that creates
the person, and the page that refuses to take over a local account. Screenshots at
390/800/1024/1280 px go to HANSE_SCREENSHOTS when set; axe-core checks each page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from hanse.people.models import User
from tests.browser.widths import look_at_widths
from tests.support.oidc import OpenIDProvider, running_provider
from tests.support.saml import SLUG, SamlIdP

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def provider(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[OpenIDProvider]:
    callback = f"{live_server.url}/accounts/oidc/oidc/login/callback/"
    with running_provider(tmp_path, [callback]) as running:
        settings.SOCIALACCOUNT_PROVIDERS = running.app_settings()
        # The live server's first page (templates, URLs, providers loaded) can take longer than
        # a browser step may on a loaded machine: asked once before the browser starts.
        httpx.get(f"{live_server.url}/accounts/login/", timeout=120)
        yield running


def _through_the_provider(page: Page, login: str) -> None:
    """The provider's development pages: the log-in form, then consent."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    if page.locator("button[type=submit]").count() and "/interaction/" in page.url:
        page.locator("button[type=submit]").click()


def test_sign_in_with_the_provider(
    provider: OpenIDProvider,
    new_page: Callable[..., Page],
    axe_check: Callable[..., Any],
    settings: Any,
) -> None:
    page = new_page()
    page.goto("/accounts/login/")
    button = page.get_by_role("button", name="Sign in with Sparkasse SSO")
    expect(button).to_be_visible()
    expect(page.locator("input[name=password]")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "login-sso")

    settings.LOGIN_PASSWORD_FORM = False
    page.goto("/accounts/login/")
    expect(page.locator("input[name=password]")).to_have_count(0)
    local = page.get_by_role("link", name="Sign in with a local account")
    expect(local).to_be_visible()
    axe_check(page)
    look_at_widths(page, "login-sso-only")
    local.click()
    expect(page.locator("input[name=password]")).to_be_visible()
    page.goto("/accounts/login/")

    page.get_by_role("button", name="Sign in with Sparkasse SSO").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    _through_the_provider(page, "nina")
    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/$"))
    expect(page.get_by_role("alert")).to_have_count(0)
    axe_check(page)
    nina = User.objects.get(email="nina.neumann@sparkasse.test")
    assert (nina.first_name, nina.last_name) == ("Nina", "Neumann")


def test_a_local_account_is_refused_with_a_page(
    provider: OpenIDProvider,
    new_page: Callable[..., Page],
    axe_check: Callable[..., Any],
    make_user: Any,
) -> None:
    make_user("admin", email="admin@sparkasse.test", is_staff=True, is_superuser=True)
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Sparkasse SSO").click()
    _through_the_provider(page, "admin")
    expect(page.get_by_role("heading", name="Sign-in not possible")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("signs in with its own password")
    axe_check(page)
    look_at_widths(page, "sso-refused")


def test_failed_sign_ins_end_on_hanses_pages(
    provider: OpenIDProvider,
    new_page: Callable[..., Page],
    axe_check: Callable[..., Any],
) -> None:
    """Cancelled at the provider, or an answer Hanse cannot accept: a page in Hanse's layout
    that says so, with the way back to the login page (axe-checked, screenshots)."""
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Sparkasse SSO").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    page.get_by_role("link", name="[ Cancel ]").click()
    expect(page).to_have_url(re.compile(r"/accounts/3rdparty/login/cancelled/$"))
    expect(page.get_by_role("heading", name="Sign-in cancelled")).to_be_visible()
    back = page.get_by_role("link", name="Back to the login page")
    expect(back).to_be_visible()
    axe_check(page)
    look_at_widths(page, "sso-cancelled")
    back.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    # An answer with a state Hanse never issued (or an error from the provider).
    page.goto("/accounts/oidc/oidc/login/callback/?error=server_error&state=unknown")
    expect(page.get_by_role("heading", name="Single sign-on failed")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("could not be accepted")
    expect(page.get_by_role("link", name="Back to the login page")).to_be_visible()
    axe_check(page)
    look_at_widths(page, "sso-failed")


def test_logging_out_logs_out_at_the_provider_and_comes_back(
    provider: OpenIDProvider,
    new_page: Callable[..., Page],
    axe_check: Callable[..., Any],
    saml_idp: SamlIdP,
    settings: Any,
) -> None:
    """Single logout (OIDC_LOGOUT): "Log out" ends Hanse's session, the provider asks, and the
    browser is back on Hanse's login page; a logout message from a SAML IdP that cannot be
    verified ends on Hanse's page that says so."""
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Sparkasse SSO").click()
    _through_the_provider(page, "nina")
    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/$"))
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/accounts/login/$"))
    expect(page.get_by_role("button", name="Sign in with Sparkasse SSO")).to_be_visible()

    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        **saml_idp.app_settings(),
    }
    page.goto(f"/accounts/saml/{SLUG}/sls/?SAMLRequest=forged")
    expect(page.get_by_role("heading", name="Logout not possible")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("no session was ended")
    axe_check(page)
    look_at_widths(page, "slo-refused")
