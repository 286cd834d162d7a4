"""Single sign-on with SAML 2.0 against a real identity provider (pysaml2's IdP signing with
xmlsec1, tests/support/saml.py): the whole sign-in over HTTP, and who an identity becomes."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from hanse.audit.models import AuditEntry
from hanse.people.models import User
from tests.support.oidc import SsoBrowser
from tests.support.saml import HOST, SLUG

pytestmark = pytest.mark.django_db

LOGIN = f"/accounts/saml/{SLUG}/login/"


@pytest.fixture
def sso(saml: SsoBrowser) -> SsoBrowser:
    """This file's name for the conftest's saml fixture."""
    return saml


def _signed_in_as(client: Client) -> User | None:
    response = client.get("/")
    return response.context["request"].user if response.status_code == 200 else None


def test_the_login_page_offers_the_idp(sso: SsoBrowser) -> None:
    page = sso.client.get("/accounts/login/").content.decode()
    assert "Sign in with Sparkasse ADFS" in page
    assert f'action="{LOGIN}"' in page


def test_a_new_person_is_created_from_the_assertion(sso: SsoBrowser) -> None:
    page = sso.sign_in(LOGIN, "sina")
    assert page.status == 200, page.text[:1500]
    person = User.objects.get(email="sina.sommer@sparkasse.test")
    assert (person.first_name, person.last_name) == ("Sina", "Sommer")
    assert not person.has_usable_password()
    assert _signed_in_as(sso.client) == person
    account = SocialAccount.objects.get(user=person)
    assert (account.provider, account.uid) == ("saml", "idp-sina")
    actions = AuditEntry.objects.filter(action__startswith="sso.", target_id=str(person.pk))
    assert list(actions.order_by("seq").values_list("action", flat=True)) == [
        "sso.signup",
        "sso.login",
    ]


def test_an_existing_person_without_a_password_is_linked(sso: SsoBrowser, make_user: Any) -> None:
    karl = make_user("kkunz", email="karl.kunz@sparkasse.test")
    karl.set_unusable_password()
    karl.save()
    sso.sign_in(LOGIN, "karl")
    assert _signed_in_as(sso.client) == karl
    assert SocialAccount.objects.get(user=karl).uid == "idp-karl"
    assert AuditEntry.objects.filter(action="sso.linked", target_id=str(karl.pk)).exists()


def test_a_local_account_and_a_deactivated_person_are_refused(
    sso: SsoBrowser, make_user: Any
) -> None:
    make_user("admin", email="admin@sparkasse.test", is_staff=True, is_superuser=True)
    page = sso.sign_in(LOGIN, "admin")
    assert page.status == 403
    assert _signed_in_as(sso.client) is None
    karl = make_user("kkunz", email="karl.kunz@sparkasse.test", is_active=False)
    karl.set_unusable_password()
    karl.save()
    other = SsoBrowser(host=HOST)
    assert other.sign_in(LOGIN, "karl").status == 403
    assert _signed_in_as(other.client) is None
    assert not SocialAccount.objects.exists()
    reasons = AuditEntry.objects.filter(action="sso.refused").order_by("seq")
    assert [e.data["reason"] for e in reasons] == ["local_account", "inactive"]


def test_a_forged_response_is_refused(sso: SsoBrowser, make_user: Any) -> None:
    """A response whose signed content was changed on the way (another person's address)
    signs nobody in: not the person it names, who could otherwise be linked."""
    target = make_user("ada", email="admin@sparkasse.test")
    target.set_unusable_password()
    target.save()
    page = sso.go("POST", LOGIN)
    page = sso.submit(page, login="sina", password="x")
    action, fields = page.form()
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert "sina.sommer@sparkasse.test" in xml
    forged = xml.replace("sina.sommer@sparkasse.test", "admin@sparkasse.test")
    fields["SAMLResponse"] = base64.b64encode(forged.encode()).decode()
    result = sso.go("POST", action, fields)
    assert _signed_in_as(sso.client) is None
    assert result.status == 401
    assert "<h1>Single sign-on failed</h1>" in result.text
    assert not User.objects.filter(email="sina.sommer@sparkasse.test").exists()
    assert not SocialAccount.objects.exists()
    # Nobody signed in or linked: only the failure is recorded.
    entries = AuditEntry.objects.filter(action__startswith="sso.")
    assert [(e.action, e.data) for e in entries] == [
        ("sso.failed", {"provider": "saml", "error": "unknown"})
    ]
