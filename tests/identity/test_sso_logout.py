"""Single logout against the real identity providers (pysaml2's SAML IdP signing with xmlsec1,
oidc-provider under Node): logging out of Hanse logs out at the IdP too, and the SAML IdP's
own LogoutRequest ends the person's sessions at Hanse (hanse/identity/slo.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.test import Client

from hanse.audit.models import AuditEntry
from hanse.identity.slo import SSO_SESSION_KEY
from hanse.people.models import User
from tests.support.oidc import PROVIDER_ID, OpenIDProvider, SsoBrowser
from tests.support.saml import HOST, SLUG, SamlIdP

pytestmark = pytest.mark.django_db

SAML_LOGIN = f"/accounts/saml/{SLUG}/login/"
OIDC_LOGIN = f"/accounts/oidc/{PROVIDER_ID}/login/"


def _signed_in_as(client: Client) -> User | None:
    response = client.get("/")
    return response.context["request"].user if response.status_code == 200 else None


def _logout_entries() -> list[dict[str, Any]]:
    return [e.data for e in AuditEntry.objects.filter(action="sso.logout").order_by("seq")]


@pytest.fixture
def saml(saml_idp: SamlIdP, settings: Any) -> Iterator[Any]:
    settings.SOCIALACCOUNT_PROVIDERS = saml_idp.app_settings()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    browsers: list[SsoBrowser] = []

    def browser() -> SsoBrowser:
        browsers.append(SsoBrowser(host=HOST))
        return browsers[-1]

    yield browser
    for each in browsers:
        each.close()


def test_saml_logout_goes_to_the_idp_and_back(saml: Any, saml_idp: SamlIdP) -> None:
    """Logging out sends a signed LogoutRequest naming the sign-in; the IdP's signed answer
    comes back to the SLS; Hanse's session is over."""
    sso = saml()
    assert sso.sign_in(SAML_LOGIN, "sina").status == 200
    sina = User.objects.get(email="sina.sommer@sparkasse.test")
    signed_in = sso.client.session[SSO_SESSION_KEY]
    assert signed_in["name_id"] == "idp-sina"
    assert signed_in["session_index"]
    before = len(saml_idp.received())
    response = sso.client.post("/accounts/logout/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{saml_idp.base}/slo/redirect?")
    assert "Signature" in parse_qs(urlsplit(location).query)
    assert _signed_in_as(sso.client) is None  # over at once, before the IdP answers
    # The IdP checks Hanse's signature (with the certificate in Hanse's SP metadata).
    forged = location.replace("Signature=", "Signature=AAAA")
    assert sso.web.get(forged).status_code == 400
    assert saml_idp.received()[before:][0]["refused"]
    before = len(saml_idp.received())
    page = sso.go("GET", location)
    # The IdP answered at Hanse's SLS, which accepted the answer and showed the login page.
    assert page.hanse and urlsplit(page.url).path == "/accounts/login/", page.url
    assert page.status == 200
    assert saml_idp.received()[before:] == [
        {
            "type": "LogoutRequest",
            "name_id": "idp-sina",
            "session_index": [signed_in["session_index"]],
        }
    ]
    # The stored session is gone (allauth drops its row later, when it lists sessions).
    assert not any(s.exists() for s in UserSession.objects.filter(user=sina))
    assert _logout_entries() == [{"provider": "saml", "initiated_by": "hanse", "at_idp": True}]
    assert AuditEntry.objects.filter(action="auth.logout", target_id=str(sina.pk)).exists()


def test_a_logout_response_nobody_asked_for_is_refused(saml: Any, saml_idp: SamlIdP) -> None:
    """The IdP's answer is taken once, for a request Hanse sent: replayed, it is a 400."""
    sso = saml()
    sso.sign_in(SAML_LOGIN, "sina")
    location = sso.client.post("/accounts/logout/")["Location"]
    answer = sso.web.get(location).headers["location"]
    assert sso.go("GET", answer).status == 200
    replay = sso.go("GET", answer)
    assert replay.status == 400
    assert "could not be verified" in replay.text


def test_the_idp_ends_every_session_of_that_sign_in(saml: Any, saml_idp: SamlIdP) -> None:
    """An IdP-initiated LogoutRequest (through any browser) ends the person's sessions with
    that NameID on every device, and Hanse answers with a LogoutResponse."""
    laptop, phone, karls = saml(), saml(), saml()
    laptop.sign_in(SAML_LOGIN, "sina")
    phone.sign_in(SAML_LOGIN, "sina")
    karls.sign_in(SAML_LOGIN, "karl")
    sina = User.objects.get(email="sina.sommer@sparkasse.test")
    assert UserSession.objects.filter(user=sina).count() == 2
    before = len(saml_idp.received())
    page = saml().go("GET", saml_idp.logout_url("sina"))
    assert page.text.endswith("<p>Logged out</p>"), page.text[:500]
    assert saml_idp.received()[before:] == [
        {"type": "LogoutResponse", "status": "urn:oasis:names:tc:SAML:2.0:status:Success"}
    ]
    assert _signed_in_as(laptop.client) is None
    assert _signed_in_as(phone.client) is None
    assert not UserSession.objects.filter(user=sina).exists()
    assert _signed_in_as(karls.client) is not None  # somebody else's sign-in stays
    assert _logout_entries() == [{"provider": "saml", "initiated_by": "idp", "sessions_ended": 2}]
    ended = AuditEntry.objects.filter(action="session.ended")
    assert sorted(e.data["reason"] for e in ended) == ["ended_by_idp", "ended_by_idp"]


def test_the_idp_names_one_session_index(saml: Any, saml_idp: SamlIdP) -> None:
    """A LogoutRequest with a SessionIndex ends that sign-in's session only."""
    laptop, phone = saml(), saml()
    laptop.sign_in(SAML_LOGIN, "sina")
    phone.sign_in(SAML_LOGIN, "sina")
    index = phone.client.session[SSO_SESSION_KEY]["session_index"]
    phone.go("GET", saml_idp.logout_url("sina", session_index=index))
    assert _signed_in_as(phone.client) is None
    assert _signed_in_as(laptop.client) is not None


@pytest.mark.parametrize("how", ["unsigned", "tampered", "garbage", "empty"])
def test_a_logout_request_not_signed_by_the_idp_is_refused(
    saml: Any, saml_idp: SamlIdP, how: str
) -> None:
    """Without the IdP's valid signature nobody is logged out, and the answer is a 400 page,
    not a 500."""
    sso = saml()
    sso.sign_in(SAML_LOGIN, "sina")
    location = sso.web.get(saml_idp.logout_url("sina", signed=how != "unsigned")).headers[
        "location"
    ]
    path = urlsplit(location).path
    query = parse_qs(urlsplit(location).query)
    if how == "tampered":
        # A LogoutRequest for karl under the signature made for sina's.
        other = sso.web.get(saml_idp.logout_url("karl", signed=False)).headers["location"]
        query["SAMLRequest"] = parse_qs(urlsplit(other).query)["SAMLRequest"]
    elif how == "garbage":
        query["SAMLRequest"] = ["not-base64-deflate!"]
    elif how == "empty":
        query = {}
    attacker = Client(HTTP_HOST=HOST)
    response = attacker.get(path, {k: v[0] for k, v in query.items()})
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert _signed_in_as(sso.client) is not None
    assert not AuditEntry.objects.filter(action="sso.logout").exists()


def test_a_password_login_does_not_log_out_at_the_idp(
    saml: Any, logged_in: Any, make_user: Any
) -> None:
    person = make_user("pia")
    client = logged_in(person)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not AuditEntry.objects.filter(action="sso.logout").exists()


def test_oidc_logout_goes_to_the_provider_and_back_to_the_login_page(
    oidc: SsoBrowser, oidc_provider: OpenIDProvider
) -> None:
    assert oidc.sign_in(OIDC_LOGIN, "nina").status == 200
    response = oidc.client.post("/accounts/logout/")
    assert response.status_code == 302
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(f"{oidc_provider.issuer}/session/end?")
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert _signed_in_as(oidc.client) is None
    page = oidc.go("GET", location)
    assert "Do you want to sign-out" in page.text
    page = oidc.submit(page, logout="yes")
    assert page.hanse and urlsplit(page.url).path == "/accounts/login/", page.url
    assert page.status == 200
    assert _logout_entries() == [
        {"provider": "openid_connect", "initiated_by": "hanse", "at_idp": True}
    ]
    # Signed out at the provider too: the next sign-in asks for the log-in name again.
    page = oidc.go("POST", OIDC_LOGIN)
    assert 'name="login"' in page.text


def test_oidc_logout_can_be_turned_off(oidc: SsoBrowser, settings: Any) -> None:
    settings.OIDC_LOGOUT = False
    oidc.sign_in(OIDC_LOGIN, "nina")
    response = oidc.client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert _signed_in_as(oidc.client) is None
    assert _logout_entries() == [
        {"provider": "openid_connect", "initiated_by": "hanse", "at_idp": False}
    ]


def test_the_idp_logout_finds_a_person_whose_uid_is_an_attribute(
    saml: Any, saml_idp: SamlIdP
) -> None:
    """With SAML_ATTRIBUTES uid=… the linked identity is not the NameID: the NameID noted at
    sign-in still finds the person's sessions."""
    sso = saml()
    sso.sign_in(SAML_LOGIN, "sina")
    SocialAccount.objects.filter(uid="idp-sina").update(uid="employee-4711")
    saml().go("GET", saml_idp.logout_url("sina"))
    assert _signed_in_as(sso.client) is None


def test_the_refusal_speaks_german(saml: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "de"
    response = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="de").get(f"/accounts/saml/{SLUG}/sls/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Abmelden nicht möglich" in page
    assert "deshalb wurde keine Sitzung beendet" in page
