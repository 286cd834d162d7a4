"""Single sign-on with OpenID Connect against a real provider (oidc-provider under Node,
tests/support/oidc.py): the whole sign-in over HTTP, and who an identity becomes."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from hanse.audit.models import AuditEntry
from hanse.people.models import User
from tests.conftest import PASSWORD
from tests.identity.conftest import totp_code
from tests.support.oidc import PROVIDER_ID, SsoBrowser, settings_from_env
from tests.support.processes import child_env

pytestmark = pytest.mark.django_db

LOGIN = f"/accounts/oidc/{PROVIDER_ID}/login/"


@pytest.fixture
def sso(oidc: SsoBrowser) -> SsoBrowser:
    """This file's name for the conftest's oidc fixture."""
    return oidc


def _signed_in_as(client: Client) -> User | None:
    response = client.get("/")
    if response.status_code != 200:
        return None
    return response.context["request"].user


def _actions(user: User | None = None) -> list[str]:
    entries = AuditEntry.objects.filter(action__startswith="sso.")
    if user is not None:
        entries = entries.filter(target_id=str(user.pk))
    return list(entries.order_by("seq").values_list("action", flat=True))


def test_the_login_page_offers_the_provider(sso: SsoBrowser, settings: Any) -> None:
    page = sso.client.get("/accounts/login/").content.decode()
    assert "Sign in with Sparkasse SSO" in page
    assert f'action="{LOGIN}"' in page
    assert 'name="password"' in page
    settings.LOGIN_PASSWORD_FORM = False
    page = sso.client.get("/accounts/login/").content.decode()
    assert 'name="password"' not in page
    assert "?password=1" in page
    # Break-glass: the form on request, and a password login still works.
    page = sso.client.get("/accounts/login/?password=1").content.decode()
    assert 'name="password"' in page


def test_the_login_page_in_german(sso: SsoBrowser, settings: Any) -> None:
    settings.LANGUAGE_CODE = "de"
    settings.LOGIN_PASSWORD_FORM = False
    page = sso.client.get("/accounts/login/").content.decode()
    assert "Anmelden mit Sparkasse SSO" in page
    assert "Mit einem lokalen Konto anmelden" in page


def test_break_glass_password_login_with_the_form_hidden(
    sso: SsoBrowser, settings: Any, make_user: Any
) -> None:
    settings.LOGIN_PASSWORD_FORM = False
    admin = make_user("notfall", is_staff=True, is_superuser=True)
    response = sso.client.post("/accounts/login/", {"login": "notfall", "password": PASSWORD})
    assert response.status_code == 302
    assert _signed_in_as(sso.client) == admin


def test_a_new_person_is_created_from_the_claims(sso: SsoBrowser) -> None:
    page = sso.sign_in(LOGIN, "nina")
    assert page.status == 200, page.text[:800]
    person = User.objects.get(email="nina.neumann@sparkasse.test")
    assert (person.first_name, person.last_name) == ("Nina", "Neumann")
    assert not person.has_usable_password()
    assert _signed_in_as(sso.client) == person
    account = SocialAccount.objects.get(user=person)
    assert (account.provider, account.uid) == (PROVIDER_ID, "nina")
    assert _actions(person) == ["sso.signup", "sso.login"]
    assert AuditEntry.objects.filter(action="auth.login", actor_id=person.pk).exists()
    # The second time the linked identity signs in, nothing new is made.
    again = SsoBrowser()
    again.sign_in(LOGIN, "nina")
    assert _signed_in_as(again.client) == person
    assert User.objects.filter(email__iexact="nina.neumann@sparkasse.test").count() == 1
    assert _actions(person) == ["sso.signup", "sso.login", "sso.login"]


def test_an_existing_person_without_a_password_is_linked_by_verified_email(
    sso: SsoBrowser, make_user: Any
) -> None:
    # Made by SCIM or an HR import: no password of their own. The IdP sends the address in
    # other letter cases.
    karl = make_user("kkunz", email="karl.kunz@sparkasse.test")
    karl.set_unusable_password()
    karl.save()
    sso.sign_in(LOGIN, "karl")
    assert _signed_in_as(sso.client) == karl
    assert SocialAccount.objects.get(user=karl).uid == "karl"
    assert User.objects.filter(email__iexact="karl.kunz@sparkasse.test").count() == 1
    assert _actions(karl) == ["sso.linked", "sso.login"]


def test_a_local_account_with_a_password_is_not_taken_over(
    sso: SsoBrowser, make_user: Any, settings: Any
) -> None:
    admin = make_user("admin", email="admin@sparkasse.test", is_staff=True, is_superuser=True)
    page = sso.sign_in(LOGIN, "admin")
    assert page.status == 403
    assert "signs in with its own password" in page.text
    assert _signed_in_as(sso.client) is None
    assert not SocialAccount.objects.exists()
    entry = AuditEntry.objects.get(action="sso.refused")
    assert entry.target_id == str(admin.pk)
    assert entry.data == {"provider": PROVIDER_ID, "reason": "local_account"}
    # Unless the bank says so.
    settings.SSO_LINK_PASSWORD_ACCOUNTS = True
    other = SsoBrowser()
    other.sign_in(LOGIN, "admin")
    assert _signed_in_as(other.client) == admin


def test_a_deactivated_person_cannot_sign_in(sso: SsoBrowser, make_user: Any) -> None:
    karl = make_user("kkunz", email="karl.kunz@sparkasse.test", is_active=False)
    karl.set_unusable_password()
    karl.save()
    page = sso.sign_in(LOGIN, "karl")
    assert page.status == 403
    assert "deactivated" in page.text
    assert _signed_in_as(sso.client) is None
    assert not SocialAccount.objects.exists()
    # Linked while active, deactivated since (SCIM, the directory sync, an administrator).
    karl.is_active = True
    karl.save()
    SsoBrowser().sign_in(LOGIN, "karl")
    assert SocialAccount.objects.filter(user=karl).exists()
    User.objects.filter(pk=karl.pk).update(is_active=False)
    again = SsoBrowser()
    page = again.sign_in(LOGIN, "karl")
    assert page.status == 403
    assert _signed_in_as(again.client) is None
    reasons = AuditEntry.objects.filter(action="sso.refused").values_list("data", flat=True)
    assert [r["reason"] for r in reasons] == ["inactive", "inactive"]


def test_an_unverified_address_neither_matches_nor_creates(sso: SsoBrowser, make_user: Any) -> None:
    page = sso.sign_in(LOGIN, "otto")
    assert page.status == 403
    assert not User.objects.filter(email="otto.ohnebestaetigung@sparkasse.test").exists()
    otto = make_user("otto", email="otto.ohnebestaetigung@sparkasse.test")
    otto.set_unusable_password()
    otto.save()
    again = SsoBrowser()
    assert again.sign_in(LOGIN, "otto").status == 403
    assert _signed_in_as(again.client) is None
    assert not SocialAccount.objects.exists()


def test_no_account_is_created_when_auto_signup_is_off(sso: SsoBrowser, settings: Any) -> None:
    settings.SSO_AUTO_SIGNUP = False
    page = sso.sign_in(LOGIN, "nina")
    assert page.status == 403
    assert "ask your administrator to create one" in page.text
    assert not User.objects.filter(email="nina.neumann@sparkasse.test").exists()


def _linked(make_user: Any, **fields: Any) -> User:
    karl = make_user("kkunz", email="karl.kunz@sparkasse.test", **fields)
    karl.set_unusable_password()
    karl.save()
    return karl


def test_the_second_factor_is_asked_after_sso(sso: SsoBrowser, make_user: Any) -> None:
    karl = _linked(make_user)
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(karl, secret)
    page = sso.sign_in(LOGIN, "karl")
    assert page.url.endswith("/accounts/2fa/authenticate/")
    assert _signed_in_as(sso.client) is None
    response = sso.client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert _signed_in_as(sso.client) == karl


def test_sso_counts_as_the_second_factor_when_configured(
    sso: SsoBrowser, make_user: Any, settings: Any, mfa_for: Any
) -> None:
    karl = _linked(make_user, is_staff=True)
    mfa_for("staff")
    # Without the setting: a staff member without a factor is sent to enrolment.
    sso.sign_in(LOGIN, "karl")
    assert sso.client.get("/")["Location"] == "/accounts/2fa/"
    settings.SSO_COUNTS_AS_MFA = True
    other = SsoBrowser()
    other.sign_in(LOGIN, "karl")
    assert _signed_in_as(other.client) == karl
    # With a factor of their own, the IdP's sign-in is still enough.
    TOTP.activate(karl, "JBSWY3DPEHPK3PXP")
    third = SsoBrowser()
    third.sign_in(LOGIN, "karl")
    assert _signed_in_as(third.client) == karl
    # A password sign-in is no SSO sign-in: enrolment again (here: the code is asked).
    karl.set_password(PASSWORD)
    karl.save()
    fourth = Client()
    response = fourth.post("/accounts/login/", {"login": "kkunz", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"


def test_settings_from_the_environment() -> None:
    """The variables of docs/operations.md become allauth's provider settings; a half
    configuration stops Hanse at start with a message."""
    built = settings_from_env(
        OIDC_SERVER_URL="https://login.microsoftonline.com/tenant/v2.0",
        OIDC_CLIENT_ID="id",
        OIDC_CLIENT_SECRET="secret",
        OIDC_NAME="Microsoft",
        OIDC_TRUST_EMAIL="true",
        SAML_IDP_METADATA_URL="https://adfs.bank.example/FederationMetadata.xml",
        SAML_IDP_ENTITY_ID="http://adfs.bank.example/adfs/services/trust",
        SAML_ATTRIBUTES="email=mail|upn,uid=objectGUID",
    )
    oidc = built["openid_connect"]["APPS"][0]
    assert (oidc["provider_id"], oidc["name"], oidc["client_id"]) == ("oidc", "Microsoft", "id")
    assert oidc["settings"]["verified_email"] is True
    saml = built["saml"]["APPS"][0]
    assert saml["client_id"] == "sso"
    assert saml["settings"]["attribute_mapping"] == {
        "email": ["mail", "upn"],
        "uid": ["objectGUID"],
    }
    assert saml["settings"]["verified_email"] is True
    assert settings_from_env() == {}
    code = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'hanse.settings');"
        "from django.conf import settings; settings.INSTALLED_APPS"
    )
    for env in (
        {"OIDC_SERVER_URL": "https://idp.example"},
        {"SAML_IDP_METADATA_URL": "https://idp.example/md"},
    ):
        done = subprocess.run(  # noqa: S603  # our interpreter
            [sys.executable, "-c", code],
            env=child_env(drop_prefixes=("OIDC_", "SAML_"), HANSE_ENV="test", **env),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode != 0
        assert "ImproperlyConfigured" in done.stderr


def test_a_person_without_a_password_enrols_a_second_factor_through_the_idp(
    sso: SsoBrowser, make_user: Any, mfa_for: Any, settings: Any
) -> None:
    """Setting up a factor asks to confirm one's identity: a sign-in through the IdP within
    the last minutes does; later, "Sign in again with <IdP>" does it (no password to type)."""
    karl = _linked(make_user, is_staff=True)
    mfa_for("staff")
    sso.sign_in(LOGIN, "karl")
    assert sso.client.get("/accounts/2fa/totp/activate/").status_code == 200
    # Five minutes later (the timeout at 0): the IdP once more, then back to the page.
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    response = sso.client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    confirm = sso.go("GET", response["Location"])  # allauth's "Continue" page
    assert confirm.hanse and confirm.status == 200
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
    page = sso.go("POST", confirm.url)  # its "Continue" button posts to the same address
    for _ in range(3):  # the IdP remembers the person; consent again if asked
        if page.hanse:
            break
        page = sso.submit(page)
    assert page.url.endswith("/accounts/2fa/totp/activate/"), page.url
    form = sso.client.get("/accounts/2fa/totp/activate/")
    secret = form.context["form"].secret
    response = sso.client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert _signed_in_as(sso.client) == karl
    assert Authenticator.objects.filter(user=karl, type="totp").exists()
