"""Every identity surface x every actor: anonymous, employee, administrator with a second
factor, administrator without one (MFA required for administrators).

"login" = sent to the login page; "mfa" = sent to enrolment; a number = that status. Ending a
session that is not one's own answers like an unknown one (a redirect with the same message),
and nobody ever ends another person's session.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.test import Client

from hanse.identity.models import HrImportRun
from hanse.people.models import User

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "employee", "admin", "admin_without_mfa"]

# (method, path, expected for anonymous, employee, admin, admin without a second factor)
TABLE: list[tuple[str, str, tuple[Any, Any, Any, Any]]] = [
    ("get", "/accounts/sessions/", ("login", 200, 200, "mfa")),
    ("post", "/accounts/sessions/{victim_session}/end/", ("login", 302, 302, "mfa")),
    ("post", "/accounts/sessions/end-others/", ("login", 302, 302, "mfa")),
    ("get", "/accounts/2fa/", ("login", 200, 200, 200)),
    ("get", "/accounts/2fa/webauthn/", ("login", 200, 200, 200)),
    ("get", "/admin/identity/networkplace/", ("login", "admin_login", 200, "mfa")),
    ("get", "/api/v1/people/me", (401, 200, 200, 403)),
    # The HR import (platform administrators only; everyone else: the page does not exist).
    ("get", "/hr-import/", ("login", 404, 200, "mfa")),
    ("post", "/hr-import/", ("login", 404, 400, "mfa")),  # no file: the form's error
    ("get", "/hr-import/{hr_run}/", ("login", 404, 200, "mfa")),
    ("get", "/hr-import/{hr_run}/status/", ("login", 404, 200, "mfa")),
    ("post", "/hr-import/{hr_run}/confirm/", ("login", 404, 302, "mfa")),  # not confirmable
    # Single sign-on (no provider configured here; tests/identity/test_sso_*.py configure one).
    ("get", "/accounts/3rdparty/", ("login", 200, 200, "mfa")),
    # Signing in (again) through an IdP stays open during MFA enrolment.
    ("get", "/accounts/oidc/unknown/login/", (404, 404, 404, 404)),
    ("post", "/accounts/saml/unknown/acs/", (302, 302, 302, 302)),
    # Single logout (hanse/identity/slo.py): open to everyone, as the IdP's messages come
    # through any browser; an unknown IdP does not exist.
    ("get", "/accounts/saml/unknown/sls/", (404, 404, 404, 404)),
    ("get", "/accounts/saml/unknown/acs/finish/", (404, 404, 404, 404)),
    ("get", "/accounts/oidc/unknown/login/callback/", (404, 404, 404, 404)),
    ("post", "/accounts/logout/", (302, 302, 302, 302)),
    ("get", "/admin/socialaccount/socialapp/", ("login", "admin_login", 200, "mfa")),
    ("get", "/admin/socialaccount/socialaccount/", ("login", "admin_login", 200, "mfa")),
]


def _client(actor: str, make_user: Any) -> Client:
    client = Client()
    if actor == "anonymous":
        return client
    admin = actor.startswith("admin")
    person = make_user(f"p_{actor}", is_staff=admin, is_superuser=admin)
    if actor == "admin":
        Authenticator.objects.create(user=person, type="totp", data={"secret": "x"})
    client.force_login(person)
    return client


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "expected"), TABLE)
def test_permission_table(
    settings: Any,
    make_user: Any,
    logged_in: Any,
    actor: str,
    method: str,
    path: str,
    expected: tuple[Any, Any, Any, Any],
) -> None:
    settings.MFA_REQUIRED_FOR = ["administrator"]
    victim: User = make_user("victim")
    victim_client = logged_in(victim)
    victim_session = UserSession.objects.get(user=victim)
    client = _client(actor, make_user)
    hr_run = HrImportRun.objects.create(content="email\n", status=HrImportRun.Status.FAILED)
    response = getattr(client, method)(
        path.format(victim_session=victim_session.pk, hr_run=hr_run.pk)
    )
    want = expected[ACTORS.index(actor)]
    if want == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif want == "admin_login":
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    elif want == "mfa":
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/"
    else:
        assert response.status_code == want
    # Whoever asked, the victim's session is untouched.
    assert UserSession.objects.filter(pk=victim_session.pk).exists()
    assert victim_client.get("/people/").status_code == 200
    # Nobody started an import by knocking.
    assert HrImportRun.objects.count() == 1
