"""OpenID Connect Back-Channel Logout 1.0 against the real provider (oidc-provider under Node,
tests/support/oidc.py): a session ended at the provider ends the Hanse sessions of that sign-in
(the provider POSTs a logout token to Hanse's live server), and a logout token that is not
valid ends nothing and is answered with 400 (hanse/identity/slo.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from allauth.usersessions.models import UserSession
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.test import Client

from hanse.audit.models import AuditEntry
from hanse.identity.slo import SSO_SESSION_KEY
from hanse.people.models import User
from tests.support.oidc import (
    CALLBACK,
    CLIENT_SECRET,
    OTHER_KEY,
    PROVIDER_ID,
    SIGNING_KID,
    OpenIDProvider,
    SsoBrowser,
    running_provider,
)

LOGIN = f"/accounts/oidc/{PROVIDER_ID}/login/"
BACKCHANNEL = f"/accounts/oidc/{PROVIDER_ID}/backchannel-logout/"


def _signed_in_as(client: Client) -> User | None:
    response = client.get("/")
    return response.context["request"].user if response.status_code == 200 else None


def _logout_entries() -> list[dict[str, Any]]:
    return [e.data for e in AuditEntry.objects.filter(action="sso.logout").order_by("seq")]


def _post(token: str, client: Client | None = None) -> Any:
    return (client or Client()).post(BACKCHANNEL, {"logout_token": token})


# --- the provider ends its session: a real logout token to the live server ---------------


@pytest.fixture
def live_provider(
    live_server: Any, settings: Any, tmp_path: Path
) -> Iterator[tuple[OpenIDProvider, list[SsoBrowser]]]:
    """oidc-provider whose client has its back-channel logout URI at Hanse's live server;
    sign-ins go through the test client (same database and cache)."""
    # 127.0.0.1, not localhost: Node may try ::1 first, where the live server is not.
    base = live_server.url.replace("localhost", "127.0.0.1")
    with running_provider(
        tmp_path, [CALLBACK], backchannel_logout_uri=f"{base}{BACKCHANNEL}"
    ) as provider:
        settings.SOCIALACCOUNT_PROVIDERS = provider.app_settings()
        # The live server's first request (URLs, templates loaded) may take a while.
        httpx.post(f"{base}{BACKCHANNEL}", timeout=120)
        browsers: list[SsoBrowser] = []
        yield provider, browsers
        for browser in browsers:
            browser.close()


def _browser(browsers: list[SsoBrowser]) -> SsoBrowser:
    browsers.append(SsoBrowser())
    return browsers[-1]


def _end_at_the_provider(browser: SsoBrowser, provider: OpenIDProvider) -> None:
    """The person signs out at the provider (its end_session page, "Yes, sign me out")."""
    page = browser.go("GET", f"{provider.issuer}/session/end")
    assert "Do you want to sign-out" in page.text, page.text[:500]
    page = browser.submit(page, logout="yes")
    assert page.status == 200, (page.url, page.text[:500])


@pytest.mark.django_db(transaction=True)
def test_signing_out_at_the_provider_ends_that_sign_in_at_hanse(
    live_provider: tuple[OpenIDProvider, list[SsoBrowser]],
) -> None:
    """The provider's logout token names the provider session (sid) of the laptop's sign-in:
    that Hanse session ends; the same person's phone (another provider session) and
    somebody else stay signed in."""
    provider, browsers = live_provider
    laptop, phone, karls = _browser(browsers), _browser(browsers), _browser(browsers)
    for browser, login in ((laptop, "nina"), (phone, "nina"), (karls, "karl")):
        assert browser.sign_in(LOGIN, login).status == 200
    nina = User.objects.get(email="nina.neumann@sparkasse.test")
    noted = laptop.client.session[SSO_SESSION_KEY]
    assert noted["sub"] == "nina"
    assert noted["sid"]
    assert noted["sid"] != phone.client.session[SSO_SESSION_KEY]["sid"]
    assert UserSession.objects.filter(user=nina).count() == 2

    _end_at_the_provider(laptop, provider)

    calls = provider.backchannel_calls()
    assert [(c["backchannel"], c["accountId"], c["sid"]) for c in calls] == [
        ("success", "nina", noted["sid"])
    ], provider.process.log_text()
    assert _signed_in_as(laptop.client) is None
    assert _signed_in_as(phone.client) == nina
    assert _signed_in_as(karls.client) is not None
    assert UserSession.objects.filter(user=nina).count() == 1
    assert _logout_entries() == [
        {
            "provider": "openid_connect",
            "initiated_by": "idp",
            "channel": "back",
            "sessions_ended": 1,
        }
    ]
    ended = AuditEntry.objects.get(action="session.ended")
    assert ended.data == {"user_id": nina.pk, "reason": "ended_by_idp"}


# --- logout tokens signed here with the provider's key: each check on its own -------------


@pytest.fixture
def nina(oidc: SsoBrowser) -> SsoBrowser:
    """Nina signed in through the provider (the shared one: no sid in its ID tokens)."""
    assert oidc.sign_in(LOGIN, "nina").status == 200
    return oidc


DB = pytest.mark.django_db


@DB
def test_a_logout_token_naming_the_subject_ends_all_their_sessions(
    nina: SsoBrowser, oidc_provider: OpenIDProvider
) -> None:
    """Without sid: every session of that subject from this provider ends."""
    other = SsoBrowser()
    try:
        other.sign_in(LOGIN, "nina")
        response = _post(oidc_provider.sign(oidc_provider.logout_token(sub="nina")))
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert _signed_in_as(nina.client) is None
        assert _signed_in_as(other.client) is None
    finally:
        other.close()
    assert _logout_entries() == [
        {
            "provider": "openid_connect",
            "initiated_by": "idp",
            "channel": "back",
            "sessions_ended": 2,
        }
    ]


@DB
def test_a_sid_that_is_not_this_sign_ins_ends_nothing(
    nina: SsoBrowser, oidc_provider: OpenIDProvider
) -> None:
    token = oidc_provider.sign(oidc_provider.logout_token(sub="nina", sid="another-session"))
    assert _post(token).status_code == 200
    assert _signed_in_as(nina.client) is not None
    assert not AuditEntry.objects.filter(action="sso.logout").exists()


def _invalid_tokens(provider: OpenIDProvider) -> dict[str, str]:
    valid = provider.logout_token(sub="nina")
    return {
        "bad signature": provider.sign(valid, key=OTHER_KEY),
        "wrong aud": provider.sign({**valid, "aud": "another-client"}),
        "wrong iss": provider.sign({**valid, "iss": "http://127.0.0.1:1"}),
        "missing events": provider.sign(provider.logout_token(sub="nina", events=None)),
        "other event": provider.sign({**valid, "events": {"urn:example:other": {}}}),
        "nonce present": provider.sign({**valid, "nonce": "abc"}),
        "neither sub nor sid": provider.sign(provider.logout_token()),
        "no jti": provider.sign(provider.logout_token(sub="nina", jti=None)),
        "old iat": provider.sign({**valid, "iat": valid["iat"] - 3600, "exp": None}),
        "future iat": provider.sign({**valid, "iat": valid["iat"] + 3600}),
        "alg none": jwt.encode(valid, None, algorithm="none", headers={"kid": SIGNING_KID}),
        # Signed with the client secret, which Hanse and the provider share: not the provider's.
        "hs256": provider.sign(valid, key=CLIENT_SECRET, algorithm="HS256"),
        "unknown kid": provider.sign(valid, headers={"kid": "nobody"}),
        "garbage": "not.a.jwt",
        "empty": "",
    }


@DB
def test_invalid_logout_tokens_are_refused_and_end_nothing(
    nina: SsoBrowser, oidc_provider: OpenIDProvider
) -> None:
    # The real ID token of the sign-in: aud and signature are right, but it is no logout.
    id_token = nina.client.session[SSO_SESSION_KEY]["id_token"]
    tokens = {**_invalid_tokens(oidc_provider), "the id token": id_token}
    for name, token in tokens.items():
        response = _post(token)
        assert response.status_code == 400, name
        assert response["Cache-Control"] == "no-store", name
        assert response.json() == {
            "error": "invalid_request",
            "error_description": "the logout token is not valid",
        }, name
    assert _signed_in_as(nina.client) is not None
    assert not AuditEntry.objects.filter(action__in=["sso.logout", "session.ended"]).exists()


@DB
def test_a_replayed_logout_token_is_refused(
    nina: SsoBrowser, oidc_provider: OpenIDProvider
) -> None:
    token = oidc_provider.sign(oidc_provider.logout_token(sub="karl"))
    assert _post(token).status_code == 200
    again = _post(token)
    assert again.status_code == 400
    assert _signed_in_as(nina.client) is not None


@DB
@pytest.mark.parametrize("subject", ["nina", "karl", "nobody"])
def test_the_answer_never_says_whether_a_person_exists(
    oidc: SsoBrowser, oidc_provider: OpenIDProvider, subject: str
) -> None:
    """A signed-in person, a person without a session, nobody: the same 200, empty; and the
    same 400 for an invalid token about any of them."""
    oidc.sign_in(LOGIN, "nina")
    oidc.client.logout()  # nina exists but has no session; karl and nobody never signed in
    if subject == "nina":
        oidc.sign_in(LOGIN, "nina")
    valid = _post(oidc_provider.sign(oidc_provider.logout_token(sub=subject)))
    assert (valid.status_code, valid.content, valid["Cache-Control"]) == (200, b"", "no-store")
    claims = oidc_provider.logout_token(sub=subject, aud="another-client")
    invalid = _post(oidc_provider.sign(claims))
    assert invalid.status_code == 400
    assert invalid.json()["error_description"] == "the logout token is not valid"


@DB
def test_only_post_and_no_csrf_token_needed(
    oidc: SsoBrowser, oidc_provider: OpenIDProvider
) -> None:
    strict = Client(enforce_csrf_checks=True)
    token = oidc_provider.sign(oidc_provider.logout_token(sub="nobody"))
    assert _post(token, strict).status_code == 200
    assert strict.get(BACKCHANNEL).status_code == 405


@DB
def test_invalid_tokens_are_rate_limited(
    oidc: SsoBrowser, oidc_provider: OpenIDProvider, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "oidc_logout_failed": "2/m"}
    assert _post("garbage").status_code == 400
    assert _post("garbage").status_code == 400
    refused = _post(oidc_provider.sign(oidc_provider.logout_token(sub="nobody")))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


@DB
def test_an_unknown_provider_is_not_found(oidc: SsoBrowser) -> None:
    assert Client().post("/accounts/oidc/nope/backchannel-logout/").status_code == 404


# --- the WebSocket of an ended session closes --------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_back_channel_logout_closes_the_sessions_socket(
    oidc: SsoBrowser, oidc_provider: OpenIDProvider
) -> None:
    from tests.realtime.test_consumer import connected
    from tests.realtime.test_sessions import _closed_with

    await database_sync_to_async(oidc.sign_in)(LOGIN, "nina")
    cookie = oidc.client.cookies[django_settings.SESSION_COOKIE_NAME].value
    socket = await connected(cookie)
    token = oidc_provider.sign(oidc_provider.logout_token(sub="nina"))
    response = await database_sync_to_async(_post)(token)
    assert response.status_code == 200
    assert await _closed_with(socket) == 4401
    await socket.disconnect()
