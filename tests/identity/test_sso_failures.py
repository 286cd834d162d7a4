"""Single sign-on that fails: cancelled at the provider, an error sent back, a changed SAML
response. Each ends on a page in Hanse's layout, in German and English, that leads back to
the login page, and is recorded; against the real oidc-provider and pysaml2 IdP."""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from hanse.audit.models import AuditEntry
from hanse.people.models import User
from tests.support.oidc import PROVIDER_ID, Page, SsoBrowser
from tests.support.saml import HOST, SLUG

pytestmark = pytest.mark.django_db

OIDC_LOGIN = f"/accounts/oidc/{PROVIDER_ID}/login/"
OIDC_CALLBACK = f"/accounts/oidc/{PROVIDER_ID}/login/callback/"
SAML_LOGIN = f"/accounts/saml/{SLUG}/login/"


def _in_hanse_layout(page: Page | str) -> str:
    """The page is Hanse's (layout, skip link, entrance card) with a way back to the login
    page and none of allauth's own wording; returns its text."""
    text = page if isinstance(page, str) else page.text
    assert 'class="skip-link"' in text
    assert '<main id="main" class="page page--entrance"' in text
    assert "entrance__card" in text
    assert re.search(r'<a class="button" href="/accounts/login/">', text), text[-1500:]
    for allauth_wording in ("Third-Party Login Failure", "Login Cancelled", "Sign Up Closed"):
        assert allauth_wording not in text
    return text


def _failures() -> list[dict[str, Any]]:
    entries = AuditEntry.objects.filter(action="sso.failed").order_by("seq")
    return [entry.data for entry in entries]


def _signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def _to_the_provider(browser: SsoBrowser) -> str:
    """Press the SSO button; the provider's address Hanse sends the browser to."""
    response = browser.client.post(OIDC_LOGIN)
    assert response.status_code == 302
    return str(response["Location"])


def test_cancelled_at_the_provider(oidc: SsoBrowser) -> None:
    """ "[ Cancel ]" on the provider's log-in page: back at Hanse, a page that says so."""
    page = oidc.go("GET", _to_the_provider(oidc))
    assert 'name="login"' in page.text
    abort = re.search(r'href="([^"]*/abort)"', page.text)
    assert abort is not None, page.text[:800]
    result = oidc.go("GET", abort.group(1))
    assert result.hanse and result.url.endswith("/accounts/3rdparty/login/cancelled/")
    assert result.status == 200
    text = _in_hanse_layout(result)
    assert "<h1>Sign-in cancelled</h1>" in text
    assert "You are not signed in." in text
    assert not _signed_in(oidc.client)
    assert _failures() == [{"provider": PROVIDER_ID, "error": "cancelled"}]


def test_cancelled_in_german(oidc: SsoBrowser, settings: Any) -> None:
    settings.LANGUAGE_CODE = "de"
    page = oidc.go("GET", _to_the_provider(oidc))
    abort = re.search(r'href="([^"]*/abort)"', page.text)
    assert abort is not None
    text = _in_hanse_layout(oidc.go("GET", abort.group(1)))
    assert "<h1>Anmeldung abgebrochen</h1>" in text
    assert "Zurück zur Anmeldeseite" in text


def test_an_error_sent_back_by_the_provider(oidc: SsoBrowser, settings: Any) -> None:
    """The provider answers the callback with an error (here: the request it was sent, with
    its real state, answered with ``server_error``): 401, Hanse's page, nobody signed in."""
    state = parse_qs(urlsplit(_to_the_provider(oidc)).query)["state"][0]
    page = oidc.go("GET", f"{OIDC_CALLBACK}?error=server_error&state={state}")
    assert page.status == 401
    text = _in_hanse_layout(page)
    assert "<h1>Single sign-on failed</h1>" in text
    assert "could not be accepted" in text
    assert "Identity provider: Sparkasse SSO" in text
    assert not _signed_in(oidc.client)
    assert _failures() == [{"provider": PROVIDER_ID, "error": "unknown"}]
    # The same in German; an answer with a state Hanse never issued is refused the same way.
    settings.LANGUAGE_CODE = "de"
    page = oidc.go("GET", f"{OIDC_CALLBACK}?code=stolen&state=not-ours")
    assert page.status == 401
    text = _in_hanse_layout(page)
    assert "<h1>Zentrale Anmeldung fehlgeschlagen</h1>" in text
    assert "Bitte versuche es erneut." in text
    assert not _signed_in(oidc.client)


def test_a_changed_saml_response(saml: SsoBrowser, settings: Any) -> None:
    """A signed SAML response changed on the way (another address): refused with Hanse's
    page, in English and German, and nobody is created or signed in."""
    for language, heading in (
        ("en", "<h1>Single sign-on failed</h1>"),
        ("de", "<h1>Zentrale Anmeldung fehlgeschlagen</h1>"),
    ):
        settings.LANGUAGE_CODE = language
        browser = SsoBrowser(host=HOST)
        page = browser.go("POST", SAML_LOGIN)
        page = browser.submit(page, login="sina", password="x")
        action, fields = page.form()
        xml = base64.b64decode(fields["SAMLResponse"]).decode()
        forged = xml.replace("sina.sommer@sparkasse.test", "admin@sparkasse.test")
        fields["SAMLResponse"] = base64.b64encode(forged.encode()).decode()
        result = browser.go("POST", action, fields)
        browser.close()
        assert result.status == 401
        text = _in_hanse_layout(result)
        assert heading in text
        assert not _signed_in(browser.client)
    assert not User.objects.filter(email__in=["sina.sommer@sparkasse.test"]).exists()
    assert [f["error"] for f in _failures()] == ["unknown", "unknown"]
    assert {f["provider"] for f in _failures()} == {"saml"}


def test_the_pages_allauth_may_show_besides(client: Client, settings: Any) -> None:
    """Sign-up closed, an inactive account, and allauth's sign-up form (shown when an identity
    cannot become an account by itself): Hanse's pages, none of them a form to choose one's
    own address."""
    response = client.get("/accounts/signup/")
    text = _in_hanse_layout(response.content.decode())
    assert "<h1>Sign-in not possible</h1>" in text
    assert "ask your administrator to create one" in text
    request = RequestFactory().get("/accounts/3rdparty/signup/")
    for template, expected in (
        ("socialaccount/signup.html", "already belongs to another account"),
        ("account/account_inactive.html", "This account is deactivated."),
    ):
        page = _in_hanse_layout(render_to_string(template, {"form": None}, request=request))
        assert expected in page
        assert "<form" not in page.split('<main id="main"')[1].split("</main>")[0]
    # Without a sign-in in progress, allauth's sign-up URL leads back to the login page.
    response = client.get("/accounts/3rdparty/signup/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    settings.LANGUAGE_CODE = "de"
    text = _in_hanse_layout(client.get("/accounts/signup/").content.decode())
    assert "<h1>Anmeldung nicht möglich</h1>" in text
