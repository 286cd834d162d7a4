"""MFA: who must enrol, enrolment with an authenticator app, login with the second step, and
what is refused on the way (a wrong code, removing the last factor)."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.test import Client

from hanse.audit.models import AuditEntry
from hanse.people.models import User
from tests.conftest import PASSWORD
from tests.identity.conftest import totp_code

pytestmark = pytest.mark.django_db


def _reauthenticate(client: Client) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def _activate_totp(client: Client) -> str:
    _reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302, response.content[:800]
    return str(secret)


def test_an_administrator_without_mfa_reaches_only_enrolment(
    client_for: Any, admin_user: User, mfa_for: Any
) -> None:
    """Every page sends them to enrolment; the API says why in its error shape."""
    mfa_for("administrator")
    client = client_for(admin_user)
    for path in ["/", "/people/", "/admin/", "/accounts/sessions/", "/settings/tokens/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/"
    response = client.get("/api/v1/people/me")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    assert "Your role requires two-factor authentication." in page.content.decode()
    assert client.post("/accounts/logout/").status_code == 302


def test_an_employee_is_not_asked(client_for: Any, user: User, mfa_for: Any) -> None:
    mfa_for("administrator", "staff")
    client = client_for(user)
    assert client.get("/").status_code == 200
    assert "Your role requires" not in client.get("/accounts/2fa/").content.decode()


@pytest.mark.parametrize("listed", ["staff", "Moderator", "communities.change_community"])
def test_roles_and_permissions_can_require_mfa(
    client_for: Any, make_user: Any, mfa_for: Any, listed: str
) -> None:
    """Staff, a role (group) or a permission in MFA_REQUIRED_FOR: enrolment first."""
    person = make_user(is_staff=listed == "staff")
    if listed == "Moderator":
        person.groups.add(Group.objects.create(name="Moderator"))
    elif "." in listed:
        app_label, codename = listed.split(".")
        person.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    mfa_for(listed)
    assert client_for(person).get("/")["Location"] == "/accounts/2fa/"
    mfa_for()
    assert client_for(person).get("/").status_code == 200


def test_enrolment_with_an_authenticator_app(
    client_for: Any, admin_user: User, mfa_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A wrong code is refused and nothing is stored; the right one activates the app,
    creates recovery codes, is recorded, and opens Hanse."""
    mfa_for("administrator")
    client = client_for(admin_user)
    _reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    for bad in ["", "12345", "abcdef", "0" * 200, "000000"]:
        response = client.post("/accounts/2fa/totp/activate/", {"code": bad})
        assert response.status_code == 200
        assert response.context["form"].errors["code"], bad
    assert not Authenticator.objects.filter(user=admin_user).exists()
    # allauth sends its signals after the commit; the audit entry follows them.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    kinds = set(Authenticator.objects.filter(user=admin_user).values_list("type", flat=True))
    assert kinds == {"totp", "recovery_codes"}
    actions = list(
        AuditEntry.objects.filter(action__startswith="mfa.").values_list("action", "data")
    )
    assert ("mfa.added", {"user_id": admin_user.pk, "type": "totp"}) in actions
    assert client.get("/").status_code == 200


def test_the_last_factor_of_a_required_role_cannot_be_removed(
    client_for: Any, admin_user: User, mfa_for: Any
) -> None:
    mfa_for("administrator")
    client = client_for(admin_user)
    _activate_totp(client)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=admin_user, type="totp").exists()
    assert not AuditEntry.objects.filter(action="mfa.removed").exists()


def test_an_employee_may_remove_their_app_and_it_is_recorded(
    client_for: Any, user: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(user)
    _activate_totp(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
    assert AuditEntry.objects.filter(action="mfa.removed", actor_id=user.pk).exists()


def test_login_asks_for_the_code(client_for: Any, user: User, settings: Any) -> None:
    """Password, then the code: a wrong code leaves the person signed out; a recovery code
    works once."""
    settings.MFA_TOTP_TOLERANCE = 1
    secret = _activate_totp(client_for(user))
    client = Client()
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/")["Location"].startswith("/accounts/login/")
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get("/")["Location"].startswith("/accounts/login/")
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret, step=1)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200

    codes = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    for attempt, expected in [(codes[0], 302), (codes[0], 200)]:
        other = Client()
        other.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
        assert other.post("/accounts/2fa/authenticate/", {"code": attempt}).status_code == expected


def test_django_admin_login_goes_through_ours(client: Client) -> None:
    """Admin's own form knows no second factor: it sends to the login page, keeping a local
    next and dropping a foreign one."""
    response = client.get("/admin/login/?next=/admin/people/user/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpeople%2Fuser%2F"
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/"
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response["Location"] == "/accounts/login/"


def test_mfa_pages_need_a_login(client: Client) -> None:
    for path in ["/accounts/2fa/", "/accounts/2fa/totp/activate/", "/accounts/2fa/webauthn/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
