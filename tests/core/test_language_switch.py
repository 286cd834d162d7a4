"""One language setting: the footer switch changes the profile's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_footer_switch_changes_the_profile_language(make_user: Callable[..., Any]) -> None:
    """A person whose profile says English switches to German in the footer: the profile now
    says German and the next page is German."""
    person = make_user("lena", ui_language="en")
    client = Client()
    client.force_login(person)
    assert client.get("/people/").headers["Content-Language"] == "en"
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/people/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/people/"
    person.refresh_from_db()
    assert person.ui_language == "de"
    page = client.get("/people/")
    assert page.headers["Content-Language"] == "de"
    assert "Personen" in page.content.decode()


def test_footer_switch_without_a_session_sets_the_cookie_only() -> None:
    """On the login page the switch works without an account: the choice is in the cookie."""
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/accounts/login/").headers["Content-Language"] == "en"


def test_footer_switch_ignores_an_unknown_language(make_user: Callable[..., Any]) -> None:
    """A language Hanse does not offer leaves the profile as it was."""
    person = make_user("lena", ui_language="en")
    client = Client()
    client.force_login(person)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    person.refresh_from_db()
    assert person.ui_language == "en"
