"""Guests and single sign-on, against the real oidc-provider: a guest signs in through the IdP
only with SSO_GUESTS and stays a guest; an employee stays an employee; an address with an open
guest invitation is never turned into an account by the IdP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.utils import timezone

from hanse.audit.models import AuditEntry
from hanse.core.errors import ServiceError
from hanse.guests.models import GuestInvitation
from hanse.guests.services import guest_accept, guest_invite
from hanse.people.models import User
from tests.conftest import PASSWORD
from tests.support.oidc import PROVIDER_ID, SsoBrowser

pytestmark = pytest.mark.django_db

LOGIN = f"/accounts/oidc/{PROVIDER_ID}/login/"
NINA = "nina.neumann@sparkasse.test"


@pytest.fixture
def sso(oidc: SsoBrowser) -> SsoBrowser:
    """This file's name for the conftest's oidc fixture."""
    return oidc


@pytest.fixture
def owner(make_user: Any) -> User:
    return make_user("owner")


@pytest.fixture
def community(owner: User, make_community: Any) -> Any:
    return make_community(owner=owner, name="Gemeinschaftsprojekt")


def _signed_in_as(client: Client) -> User | None:
    response = client.get("/")
    return response.context["request"].user if response.status_code == 200 else None


def _refusals() -> list[str]:
    entries = AuditEntry.objects.filter(action="sso.refused").order_by("seq")
    return [entry.data["reason"] for entry in entries]


def _guest(make_user: Any, **fields: Any) -> User:
    """Karl from a partner bank, a guest with the password he chose on accepting."""
    fields.setdefault("guest_expires_at", timezone.now() + timedelta(days=30))
    return make_user("kkunz", email="karl.kunz@sparkasse.test", is_guest=True, **fields)


def test_a_guest_is_refused_unless_the_policy_allows(sso: SsoBrowser, make_user: Any) -> None:
    karl = _guest(make_user)
    page = sso.sign_in(LOGIN, "karl")
    assert page.status == 403
    assert "Guests sign in with the e-mail address and password" in page.text
    assert 'href="/accounts/login/"' in page.text
    assert _signed_in_as(sso.client) is None
    assert not SocialAccount.objects.exists()
    assert _refusals() == ["guest"]
    # His own password still works.
    client = Client()
    client.post("/accounts/login/", {"login": "kkunz", "password": PASSWORD})
    assert _signed_in_as(client) == karl


def test_with_the_policy_a_guest_signs_in_and_stays_a_guest(
    sso: SsoBrowser, make_user: Any, settings: Any
) -> None:
    settings.SSO_GUESTS = True
    karl = _guest(make_user)
    sso.sign_in(LOGIN, "karl")
    assert _signed_in_as(sso.client) == karl
    karl.refresh_from_db()
    assert karl.is_guest
    assert SocialAccount.objects.get(user=karl).uid == "karl"
    # Signing in again through the linked identity: still a guest.
    again = SsoBrowser()
    again.sign_in(LOGIN, "karl")
    assert _signed_in_as(again.client) == karl
    assert User.objects.get(pk=karl.pk).is_guest
    assert User.objects.filter(email__iexact="karl.kunz@sparkasse.test").count() == 1
    # The policy turned off: the linked identity is refused too.
    settings.SSO_GUESTS = False
    third = SsoBrowser()
    assert third.sign_in(LOGIN, "karl").status == 403
    assert _signed_in_as(third.client) is None
    # On again, but his access has ended: refused with that reason.
    settings.SSO_GUESTS = True
    User.objects.filter(pk=karl.pk).update(guest_expires_at=timezone.now() - timedelta(hours=1))
    fourth = SsoBrowser()
    page = fourth.sign_in(LOGIN, "karl")
    assert page.status == 403
    assert "Your guest access has ended." in page.text
    assert _signed_in_as(fourth.client) is None
    assert _refusals() == ["guest", "guest_expired"]


def test_an_employee_stays_an_employee(sso: SsoBrowser, make_user: Any, settings: Any) -> None:
    settings.SSO_GUESTS = True
    karl = make_user("kkunz", email="karl.kunz@sparkasse.test")
    karl.set_unusable_password()
    karl.save()
    sso.sign_in(LOGIN, "karl")
    assert _signed_in_as(sso.client) == karl
    assert not User.objects.get(pk=karl.pk).is_guest


def test_an_open_invitation_is_not_turned_into_an_account(
    sso: SsoBrowser, owner: User, community: Any, settings: Any
) -> None:
    """Nina is invited as a guest; the bank's IdP knows her too (a B2B guest there). Signing
    in there creates nobody: not an employee, and not a guest either (the invitation's link
    does that). Once she has accepted, she is a guest, and the IdP never makes her more."""
    _invitation, token = guest_invite(
        by=owner, community=community, email=NINA.upper(), organisation="Partnerbank"
    )
    page = sso.sign_in(LOGIN, "nina")
    assert page.status == 403
    assert "You have been invited as a guest" in page.text
    assert _signed_in_as(sso.client) is None
    assert not User.objects.filter(email__iexact=NINA).exists()
    assert not SocialAccount.objects.exists()
    assert _refusals() == ["guest_invitation"]
    # Also once the invitation's link has run out (an administrator deletes it if need be).
    GuestInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert SsoBrowser().sign_in(LOGIN, "nina").status == 403
    assert not User.objects.filter(email__iexact=NINA).exists()
    assert _refusals() == ["guest_invitation", "guest_invitation"]
    GuestInvitation.objects.update(expires_at=timezone.now() + timedelta(days=1))

    nina = guest_accept(token=token, first_name="Nina", last_name="Neumann", password=PASSWORD)
    assert nina.is_guest
    other = SsoBrowser()
    assert other.sign_in(LOGIN, "nina").status == 403  # a guest, SSO_GUESTS off
    settings.SSO_GUESTS = True
    last = SsoBrowser()
    last.sign_in(LOGIN, "nina")
    assert _signed_in_as(last.client) == nina
    assert User.objects.get(pk=nina.pk).is_guest
    assert User.objects.filter(email__iexact=NINA).count() == 1


def test_an_employee_made_through_sso_cannot_be_invited_as_a_guest(
    sso: SsoBrowser, owner: User, community: Any
) -> None:
    sso.sign_in(LOGIN, "nina")
    nina = User.objects.get(email__iexact=NINA)
    assert not nina.is_guest
    with pytest.raises(ServiceError, match="belongs to a colleague"):
        guest_invite(by=owner, community=community, email=NINA, organisation="X")
    assert not User.objects.get(pk=nina.pk).is_guest


def test_a_guest_cannot_link_an_identity_unless_the_policy_allows(
    sso: SsoBrowser, make_user: Any, settings: Any
) -> None:
    karl = _guest(make_user)
    sso.client.force_login(karl)
    page = sso.go("POST", LOGIN, {"process": "connect"})
    for _ in range(4):
        if page.hanse:
            break
        if 'name="login"' in page.text:
            page = sso.submit(page, login="karl", password="anything")
        else:
            page = sso.submit(page)
    assert page.status == 403
    assert not SocialAccount.objects.filter(user=karl).exists()
    assert _refusals() == ["guest"]
