"""Personal access tokens: shown once, stored hashed, revocable, expiring."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hanse.api import services
from hanse.api.models import PersonalAccessToken
from hanse.core.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_token_is_stored_as_hash_only(user):
    """The raw token never reaches the database; only its SHA-256 does."""
    new = services.token_create(user=user, name="Reporting")
    stored = PersonalAccessToken.objects.get()
    assert new.raw.startswith("hanse_")
    assert stored.token_hash == hashlib.sha256(new.raw.encode()).hexdigest()
    assert new.raw not in {stored.prefix, stored.token_hash, stored.name}
    assert new.raw.startswith(stored.prefix)


def test_token_authenticates_and_records_use(user):
    """A valid token yields its user and stamps last_used_at."""
    new = services.token_create(user=user, name="Script")
    assert services.token_authenticate(raw=new.raw) == user
    assert PersonalAccessToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("raw", ["", "hanse_wrong", "Bearer x", "hanse_" + "a" * 300])
def test_unknown_tokens_are_refused(user, raw):
    """Anything that is not a stored token authenticates nobody."""
    services.token_create(user=user, name="Script")
    assert services.token_authenticate(raw=raw) is None


def test_revoked_expired_and_inactive_tokens_are_refused(user, make_user):
    """Revoking, expiry and deactivating the person each stop a token at once."""
    revoked = services.token_create(user=user, name="A")
    services.token_revoke(user=user, token_id=revoked.token.pk)
    assert services.token_authenticate(raw=revoked.raw) is None

    expiring = services.token_create(user=user, name="B", expires_in_days=1)
    PersonalAccessToken.objects.filter(pk=expiring.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.token_authenticate(raw=expiring.raw) is None

    other = make_user("leaver")
    token = services.token_create(user=other, name="C")
    other.is_active = False
    other.save(update_fields=["is_active"])
    assert services.token_authenticate(raw=token.raw) is None


@pytest.mark.parametrize(
    ("name", "days", "message"),
    [
        ("", None, "Please give the token a name."),
        ("   ", None, "Please give the token a name."),
        ("x" * 81, None, "The name may be at most 80 characters long."),
        ("ok", 0, "A token expires after 1 to 3650 days."),
        ("ok", 5000, "A token expires after 1 to 3650 days."),
    ],
)
def test_bad_token_input_writes_nothing(user, name, days, message):
    """Bad input gives a clear message and no token."""
    with pytest.raises(ServiceError) as excinfo:
        services.token_create(user=user, name=name, expires_in_days=days)
    assert str(excinfo.value.message) == message
    assert not PersonalAccessToken.objects.exists()


def test_cannot_revoke_someone_elses_token(user, make_user):
    """Revoking is limited to one's own tokens."""
    other = make_user("other")
    token = services.token_create(user=other, name="Theirs")
    with pytest.raises(ServiceError):
        services.token_revoke(user=user, token_id=token.token.pk)
    assert PersonalAccessToken.objects.get().revoked_at is None


def test_api_accepts_bearer_token_and_rejects_bad_one(client, user):
    """The API answers a request with a valid token and refuses a wrong or missing one."""
    new = services.token_create(user=user, name="Script")
    ok = client.get("/api/v1/people/me", headers={"Authorization": f"Bearer {new.raw}"})
    assert ok.status_code == 200
    assert ok.json()["username"] == "anna"
    bad = client.get("/api/v1/people/me", headers={"Authorization": "Bearer hanse_nope"})
    assert bad.status_code == 401
    assert client.get("/api/v1/people/me").status_code == 401


def test_token_page_shows_new_token_once_and_revokes(client_for, user):
    """Creating a token in the settings page shows it once; revoking marks it revoked."""
    client = client_for(user)
    response = client.post(reverse("api:tokens"), {"name": "Excel export", "expires_in_days": ""})
    assert response.status_code == 200
    token = PersonalAccessToken.objects.get()
    body = response.content.decode()
    assert 'id="new-token"' in body
    assert token.prefix in body
    again = client.get(reverse("api:tokens")).content.decode()
    assert 'id="new-token"' not in again
    assert "Excel export" in again

    response = client.post(reverse("api:token_revoke", args=[token.pk]), follow=True)
    assert "was revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_page_bad_input_shows_error(client_for, user):
    """A missing name is explained and nothing is created."""
    response = client_for(user).post(reverse("api:tokens"), {"name": "", "expires_in_days": "x"})
    assert response.status_code == 400
    assert "Please enter the number of days as a whole number." in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


def test_openapi_document_and_docs_are_served(client_for, user):
    """The OpenAPI document lists the API and the interactive docs page loads."""
    client = client_for(user)
    doc = client.get("/api/v1/openapi.json")
    assert doc.status_code == 200
    paths = doc.json()["paths"]
    assert "/api/v1/people/me" in paths
    assert any(p.startswith("/api/v1/communities") for p in paths)
    assert "/api/v1/org-units" in paths or "/api/v1/org-units/" in paths
    assert client.get("/api/v1/docs").status_code == 200


NEW_PASSWORD = "Neues-Passwort-2026!"


def _change_password(client, **extra):
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": "Hanse-Test-2026!", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        | extra,
    )


def test_password_change_page_offers_to_revoke_tokens(client_for, user, settings):
    """The box "Also revoke my API tokens" is ticked by default and says what it does."""
    html = client_for(user).get(reverse("account_change_password")).content.decode()
    assert "Also revoke my API tokens" in html
    assert "programs that use them stop working" in html
    assert re.search(r'<input[^>]*name="revoke_api_tokens"[^>]*\bchecked\b', html)
    user.ui_language = "de"
    user.save(update_fields=["ui_language"])
    html = client_for(user).get(reverse("account_change_password")).content.decode()
    assert "Auch meine API-Tokens widerrufen" in html


def test_password_change_revokes_tokens_when_ticked(client_for, user, make_user):
    """With the box ticked every token of the person stops working; others' tokens stay."""
    mine = [services.token_create(user=user, name=f"Skript {n}").raw for n in range(2)]
    other = services.token_create(user=make_user("ben"), name="Ben").raw
    response = _change_password(client_for(user), revoke_api_tokens="on")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert [services.token_authenticate(raw=raw) for raw in mine] == [None, None]
    assert not PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert services.token_authenticate(raw=other) is not None


def test_password_change_keeps_tokens_when_unticked(client_for, user):
    """Without the box the tokens keep working."""
    raw = services.token_create(user=user, name="Reporting").raw
    response = _change_password(client_for(user))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert services.token_authenticate(raw=raw) == user


def test_failed_password_change_revokes_nothing(client_for, user):
    """A wrong current password changes neither the password nor the tokens."""
    raw = services.token_create(user=user, name="Reporting").raw
    response = _change_password(client_for(user), oldpassword="wrong", revoke_api_tokens="on")
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)
    assert services.token_authenticate(raw=raw) == user


def test_tokens_page_shows_how_to_send_a_token(client_for, user):
    """The help names the header with its placeholder, escaped, not swallowed as a tag."""
    html = client_for(user).get("/settings/tokens/").content.decode()
    assert "Authorization: Bearer &lt;token&gt;" in html
    assert "<token>" not in html


def test_password_reset_by_email_revokes_tokens_and_other_sessions(
    client, client_for, user, mailoutbox
):
    """A reset through the e-mailed link sets the password, revokes every API token of the
    person and signs out their other sessions."""
    raw = services.token_create(user=user, name="Reporting").raw
    elsewhere = client_for(user)
    assert elsewhere.get(reverse("home:index")).status_code == 200
    assert client.post(reverse("account_reset_password"), {"email": user.email}).status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    form_url = client.get(link.group(1)).headers["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert services.token_authenticate(raw=raw) is None
    assert elsewhere.get(reverse("home:index")).status_code == 302  # back to the login page
