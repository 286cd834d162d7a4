"""The shell: login, language, start page, health check."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_pages_require_login(client):
    """An anonymous visitor is sent to the login page, which itself is public."""
    response = client.get(reverse("home:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("account_login")).status_code == 200


@pytest.mark.parametrize("login", ["anna", "ANNA", "anna@example.org", "Anna@Example.org"])
def test_login_with_username_or_email(client, user, login):
    """People log in with their user name or e-mail address, in any letter case."""
    response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home:index")).status_code == 200


def test_wrong_password_is_explained(client, user):
    """A wrong password keeps the person on the form with a clear message."""
    response = client.post(reverse("account_login"), {"login": "anna", "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_login_is_rate_limited(client, user):
    """After repeated failures for one account further attempts are refused."""
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "anna", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "anna", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_signup_is_closed(client):
    """Accounts come from the organisation; nobody can sign themselves up."""
    response = client.get(reverse("account_signup"))
    assert "Sign-in not possible" in response.content.decode() or response.status_code in (302, 403)


def test_start_page_in_german_and_english(client_for, user):
    """The shell speaks German by default and English on request."""
    client = client_for(user)
    german = client.get(reverse("home:index"), headers={"Accept-Language": "de"})
    assert '<html lang="de">' in german.content.decode()
    assert "Hallo Anna" in german.content.decode()
    english = client.get(reverse("home:index"), headers={"Accept-Language": "en"})
    assert "Hello, Anna" in english.content.decode()


def test_profile_language_wins_over_browser(client_for, user):
    """A person's chosen interface language beats the browser's."""
    user.ui_language = "en"
    user.save(update_fields=["ui_language"])
    response = client_for(user).get(reverse("home:index"), headers={"Accept-Language": "de"})
    assert '<html lang="en">' in response.content.decode()


def test_healthz_is_public(client):
    """Load balancers can check health without logging in."""
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_uploaded_files_need_login(client, settings, tmp_path):
    """Media files are served to signed-in employees only."""
    (settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "avatars").mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "avatars" / "a.txt").write_text("x")
    response = client.get("/media/avatars/a.txt")
    assert response.status_code == 302
