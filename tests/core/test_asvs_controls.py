"""Controls of OWASP ASVS 5.0 that Django provides and Hanse's settings keep switched on
(docs/asvs.md cites these): the password policy, a new session key at login, the session
cookie's attributes."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_password_policy_length_and_common_passwords(make_user) -> None:
    """At least 8 characters (6.2.1), long passphrases allowed (6.2.9), common ones refused
    (6.2.4)."""
    person = make_user("clara")
    with pytest.raises(ValidationError):
        validate_password("Kx7#qp2", user=person)
    with pytest.raises(ValidationError):
        validate_password("password123", user=person)
    validate_password("Kx7#qp2w", user=person)
    validate_password("Der Leuchtturm am Priwall blinkt dreimal, wenn die Fähre anlegt! 1x", person)


def test_login_gives_a_new_session_key_and_a_protected_cookie(make_user) -> None:
    """A session from before the login is not reused (7.2.4); the cookie is HttpOnly and
    SameSite (3.3.2, 3.3.4)."""
    person = make_user("dirk")
    client = Client()
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    response = client.post("/accounts/login/", {"login": person.username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie.value and cookie.value != before
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() in {"lax", "strict"}
    assert client.get("/").status_code == 200
