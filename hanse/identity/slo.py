"""Single logout: ending the session at the identity provider too (issue 20).

What a sign-in through the IdP leaves in the session (``SSO_SESSION_KEY``): the SAML NameID
and SessionIndex the IdP named, or the OpenID provider's ID token. It is taken on the way in
(``capture_saml``, ``capture_oidc``: the views in hanse/identity/views.py that stand in for
allauth's ACS and callback) and kept by ``remember`` after the login.

- Logging out of Hanse (``logout_url``, asked before the session ends): for SAML a signed or
  unsigned LogoutRequest to the IdP's SingleLogoutService, when its metadata names one (its
  answer, the LogoutResponse, comes back to the SLS and must answer that request); for OpenID
  Connect the provider's ``end_session_endpoint`` with ``id_token_hint`` and
  ``post_logout_redirect_uri`` (Hanse's login page), when the provider advertises one and
  ``OIDC_LOGOUT`` is on.
- A LogoutRequest from the IdP (``saml_sessions_end``): it must carry a valid signature of
  the IdP; every session of the person with that NameID (and SessionIndex, when the request
  names some) ends, not only the browser's, and Hanse answers with a LogoutResponse.
- A logout token from the OpenID provider (``oidc_backchannel_logout``, OpenID Connect
  Back-Channel Logout 1.0): the provider POSTs it server to server; it must be signed with a
  key of the provider's JWKS and name Hanse as audience, the back-channel logout event, a
  ``sid`` and/or ``sub`` and no ``nonce``, be recent and not seen before. Every session of
  that provider session (``sid``), or of that subject when it names no ``sid``, ends.

The sessions a message from the IdP names are found without reading every session: the
people it can be about (the linked identity, and an index in the cache from NameID, ``sub``
and ``sid`` to the people who signed in with them, kept as long as a session may live), then
their sessions, each compared with what its sign-in noted.

Each is recorded as ``sso.logout``, beside the ``auth.logout`` / ``session.ended`` entries.
"""

from __future__ import annotations

import logging
import time
from importlib import import_module
from typing import Any

import jwt
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from hanse.audit.services import record
from hanse.identity.services import session_end_for_idp
from hanse.people.models import User

logger = logging.getLogger(__name__)

SSO_SESSION_KEY = "hanse_sso"
# Set on the request (and in the session, for a login finished later: the second factor)
# between the IdP's answer and the login.
_PENDING_KEY = "hanse_sso_pending"
# A LogoutRequest Hanse sent waits here for the IdP's answer (the session is gone by then).
_SLO_CACHE = "hanse.saml.slo.{}"
SLO_WAIT = 15 * 60
_NAME_ID_CACHE = "hanse.saml.nameid.{}.{}"
# The people who signed in with an OpenID provider's subject or session: {app}.{value}.
_SUB_CACHE = "hanse.oidc.sub.{}.{}"
_SID_CACHE = "hanse.oidc.sid.{}.{}"
# A logout token's jti, once taken: {app}.{jti}.
_JTI_CACHE = "hanse.oidc.logout-jti.{}.{}"
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# How old a logout token may be (its iat), and the clock difference allowed either way.
LOGOUT_TOKEN_MAX_AGE = 5 * 60
LOGOUT_TOKEN_LEEWAY = 60
# Signatures with the provider's published keys only: no "none", no shared secret.
_SIGNING_ALGORITHMS = frozenset(
    ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
)


def _pending(request: HttpRequest, data: dict[str, Any]) -> None:
    request._hanse_sso = data  # type: ignore[attr-defined]  # read by remember(), same request
    if hasattr(request, "session"):
        request.session[_PENDING_KEY] = data


def capture_saml(request: HttpRequest, slug: str, auth: Any) -> None:
    """What a LogoutRequest for this sign-in must name (SAML core 3.7.1)."""
    _pending(
        request,
        {
            "provider": "saml",
            "account": "saml",
            "app": slug,
            "name_id": auth.get_nameid(),
            "name_id_format": auth.get_nameid_format(),
            "nq": auth.get_nameid_nq(),
            "spnq": auth.get_nameid_spnq(),
            "session_index": auth.get_session_index(),
        },
    )


def capture_oidc(
    request: HttpRequest, provider_id: str, id_token: str, claims: dict[str, Any]
) -> None:
    """The ID token (for id_token_hint) and, from its verified claims, the subject and the
    provider's session (``sid``) a back-channel logout names."""
    _pending(
        request,
        {
            "provider": "openid_connect",
            "account": provider_id,  # allauth's SocialAccount.provider for OpenID Connect
            "app": provider_id,
            "id_token": id_token,
            "sub": str(claims.get("sub") or ""),
            "sid": str(claims.get("sid") or ""),
        },
    )


def _index(key: str, user_pk: int) -> None:
    """Note in the cache that this person signed in with what ``key`` names."""
    people = set(cache.get(key) or ()) | {user_pk}
    cache.set(key, sorted(people), settings.SESSION_COOKIE_AGE)


def remember(request: HttpRequest, sociallogin: Any) -> None:
    """After a login (allauth's user_logged_in): keep what the IdP named for this sign-in;
    a login without the IdP keeps nothing (no logout at an IdP follows it)."""
    if not hasattr(request, "session"):
        return
    pending = getattr(request, "_hanse_sso", None) or request.session.get(_PENDING_KEY)
    request.session.pop(_PENDING_KEY, None)
    provider = str(getattr(getattr(sociallogin, "account", None), "provider", ""))
    if sociallogin is not None and pending and pending.get("account") == provider:
        request.session[SSO_SESSION_KEY] = pending
        user_pk = sociallogin.user.pk
        if pending["provider"] == "saml" and pending.get("name_id"):
            # Whose sessions a LogoutRequest for this NameID ends, also when the person's
            # uid at Hanse is an attribute rather than the NameID (SAML_ATTRIBUTES uid=).
            _index(_NAME_ID_CACHE.format(pending["app"], pending["name_id"]), user_pk)
        if pending["provider"] == "openid_connect":
            # Whose sessions a logout token naming this subject or provider session ends
            # (also with OIDC uid_field set to another claim than sub).
            if pending.get("sub"):
                _index(_SUB_CACHE.format(pending["app"], pending["sub"]), user_pk)
            if pending.get("sid"):
                _index(_SID_CACHE.format(pending["app"], pending["sid"]), user_pk)
    else:
        request.session.pop(SSO_SESSION_KEY, None)


def _record(request: HttpRequest, user: Any, data: dict[str, Any]) -> None:
    record("sso.logout", actor=user, target=user, request=request, data=data)


def logout_url(request: HttpRequest) -> str | None:
    """Where the browser goes after Hanse's own logout to end the session at the IdP too, or
    None. Asked while the person is still signed in; records ``sso.logout``."""
    signed_in = request.session.get(SSO_SESSION_KEY) if hasattr(request, "session") else None
    user = request.user
    if not signed_in or not user.is_authenticated:
        return None
    url: str | None = None
    try:
        if signed_in["provider"] == "saml":
            url = _saml_logout_url(request, signed_in)
        elif signed_in["provider"] == "openid_connect" and settings.OIDC_LOGOUT:
            url = _oidc_logout_url(request, signed_in)
    except Exception:
        # The IdP unreachable or its metadata changed: Hanse's session ends all the same.
        logger.exception("single logout at the identity provider not possible")
        url = None
    _record(
        request,
        user,
        {"provider": signed_in["provider"], "initiated_by": "hanse", "at_idp": url is not None},
    )
    return url


def saml_provider(request: HttpRequest, slug: str) -> Any:
    from allauth.socialaccount.providers.saml.utils import get_app_or_404

    return get_app_or_404(request, slug).get_provider(request)


def saml_auth(request: HttpRequest, provider: Any) -> Any:
    """python3-saml for this request; messages about logging out must be signed by the IdP
    (an unsigned LogoutRequest could end anybody's session)."""
    from allauth.socialaccount.providers.saml.utils import (
        build_saml_config,
        prepare_django_request,
    )
    from onelogin.saml2.auth import OneLogin_Saml2_Auth

    config = build_saml_config(request, provider.app.settings, provider.app.client_id)
    config["security"]["wantMessagesSigned"] = True
    return OneLogin_Saml2_Auth(prepare_django_request(request), config)


def _saml_logout_url(request: HttpRequest, signed_in: dict[str, Any]) -> str | None:
    from allauth.socialaccount.providers.saml.utils import build_auth

    provider = saml_provider(request, signed_in["app"])
    auth = build_auth(request, provider)
    if not auth.get_settings().get_idp_slo_url():
        return None
    url = auth.logout(
        return_to=request.build_absolute_uri(reverse("account_login")),
        name_id=signed_in.get("name_id"),
        session_index=signed_in.get("session_index"),
        nq=signed_in.get("nq"),
        name_id_format=signed_in.get("name_id_format"),
        spnq=signed_in.get("spnq"),
    )
    cache.set(_SLO_CACHE.format(auth.get_last_request_id()), signed_in["app"], SLO_WAIT)
    return str(url)


def saml_request_sent(request_id: str | None, slug: str) -> bool:
    """Whether Hanse sent the LogoutRequest this LogoutResponse answers (once only)."""
    if not request_id:
        return False
    key = _SLO_CACHE.format(request_id)
    sent = cache.get(key) == slug
    cache.delete(key)
    return sent


def _oidc_logout_url(request: HttpRequest, signed_in: dict[str, Any]) -> str | None:
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
    from django.utils.http import urlencode

    adapter = OpenIDConnectOAuth2Adapter(request, signed_in["app"])
    endpoint = adapter.openid_config.get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": signed_in["id_token"],
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("account_login")),
            "client_id": adapter.get_provider().app.client_id,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def _session_store(key: str) -> Any:
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=key)


def saml_sessions_end(
    request: HttpRequest, *, slug: str, name_id: str | None, session_indexes: list[str]
) -> int:
    """The IdP ended its session (a valid, signed LogoutRequest): end every Hanse session
    that sign-in made, on every device: those with this NameID, and this SessionIndex when
    the request names some. Returns how many ended."""
    if not name_id:
        return 0

    def matches(data: dict[str, Any] | None) -> bool:
        return bool(
            data
            and data.get("provider") == "saml"
            and data.get("app") == slug
            and data.get("name_id") == name_id
            and (not session_indexes or data.get("session_index") in session_indexes)
        )

    user_ids = set(
        SocialAccount.objects.filter(provider="saml", uid=name_id).values_list("user_id", flat=True)
    )
    user_ids |= set(cache.get(_NAME_ID_CACHE.format(slug, name_id)) or ())
    current = request.user
    if current.is_authenticated and matches(request.session.get(SSO_SESSION_KEY)):
        user_ids.add(current.pk)
    ended = _sessions_end(request, user_ids, matches, {"provider": "saml", "initiated_by": "idp"})
    if current.is_authenticated and current.pk in ended:
        # This browser's session was among them: it holds no person any more.
        from django.contrib.auth import logout

        logout(request)
    return sum(ended.values())


def _sessions_end(
    request: HttpRequest,
    user_ids: set[int],
    matches: Any,
    data: dict[str, Any],
) -> dict[int, int]:
    """End those sessions of these people whose sign-in ``matches`` (what it noted in the
    session), closing their WebSockets; ``sso.logout`` for each person. Returns how many
    ended per person."""
    ended: dict[int, int] = {}
    with transaction.atomic():
        rows = list(UserSession.objects.select_for_update().filter(user_id__in=user_ids))
        for row in rows:
            if not matches(_session_store(row.session_key).load().get(SSO_SESSION_KEY)):
                continue
            session_end_for_idp(session=row, request=request)
            ended[row.user_id] = ended.get(row.user_id, 0) + 1
        users = User.objects.in_bulk(list(ended))
        for pk, user in users.items():
            _record(request, user, {**data, "sessions_ended": ended[pk]})
    return ended


class LogoutTokenInvalid(Exception):
    """A logout token that is not the provider's, not for Hanse, not a logout or seen before
    (the message says which, for the log and the provider)."""


def _oidc_adapter(request: HttpRequest, provider_id: str) -> Any:
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

    return OpenIDConnectOAuth2Adapter(request, provider_id)


def oidc_logout_token_claims(request: HttpRequest, provider_id: str, token: str) -> dict[str, Any]:
    """The claims of a valid logout token (OpenID Connect Back-Channel Logout 1.0, 2.6), its
    jti then taken; raises ``LogoutTokenInvalid`` otherwise. Raises ``SocialApp.DoesNotExist``
    for an unknown provider."""
    from allauth.socialaccount.internal import jwtkit

    adapter = _oidc_adapter(request, provider_id)
    app = adapter.get_provider().app
    if not token:
        raise LogoutTokenInvalid("no logout_token")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise LogoutTokenInvalid("not a JWT") from exc
    alg = header.get("alg")
    if alg not in _SIGNING_ALGORITHMS or not header.get("kid"):
        raise LogoutTokenInvalid("not signed with a key of the provider's")
    typ = str(header.get("typ") or "jwt").lower().removeprefix("application/")
    if typ not in ("jwt", "logout+jwt"):
        raise LogoutTokenInvalid(f"not a logout token (typ {typ})")
    config = adapter.openid_config
    try:
        _alg, key = jwtkit.fetch_key(token, config["jwks_uri"], jwtkit.lookup_kid_jwk)
    except Exception as exc:  # an unknown kid, or the provider's keys unreachable
        raise LogoutTokenInvalid(f"no key of the provider's for it: {exc}") from exc
    if key is None:
        raise LogoutTokenInvalid("no key of the provider's for it")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            issuer=config["issuer"],
            audience=app.client_id,
            leeway=LOGOUT_TOKEN_LEEWAY,
            options={"require": ["iss", "aud", "iat", "jti"]},
        )
    except jwt.PyJWTError as exc:
        raise LogoutTokenInvalid(f"{type(exc).__name__}: {exc}") from exc
    iat = claims["iat"]
    if not isinstance(iat, int | float) or abs(time.time() - iat) > (
        LOGOUT_TOKEN_MAX_AGE + LOGOUT_TOKEN_LEEWAY
    ):
        raise LogoutTokenInvalid("iat too old or in the future")
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_EVENT), dict):
        raise LogoutTokenInvalid("no back-channel logout event")
    if "nonce" in claims:
        raise LogoutTokenInvalid("a nonce (an ID token, not a logout token)")
    sub, sid = claims.get("sub"), claims.get("sid")
    if not (sub or sid) or not all(isinstance(v, str) for v in (sub, sid) if v is not None):
        raise LogoutTokenInvalid("neither sub nor sid")
    if not isinstance(claims["jti"], str) or not claims["jti"]:
        raise LogoutTokenInvalid("no jti")
    # Last: a token refused for another reason does not use up its jti. Kept while iat
    # would still let the token in.
    jti_key = _JTI_CACHE.format(provider_id, claims["jti"])
    if not cache.add(jti_key, True, LOGOUT_TOKEN_MAX_AGE + 3 * LOGOUT_TOKEN_LEEWAY):
        raise LogoutTokenInvalid("jti seen before (a replay)")
    return claims


def _noted_claims(data: dict[str, Any]) -> tuple[str, str]:
    """The sub and sid a sign-in noted (from its ID token for a session from before they were
    noted: it was verified when it came)."""
    if "sub" in data or not data.get("id_token"):
        return str(data.get("sub") or ""), str(data.get("sid") or "")
    try:
        claims = jwt.decode(data["id_token"], options={"verify_signature": False})
    except jwt.PyJWTError:
        return "", ""
    return str(claims.get("sub") or ""), str(claims.get("sid") or "")


def oidc_backchannel_logout(request: HttpRequest, provider_id: str, token: str) -> int:
    """The OpenID provider ended a session (a valid logout token): end every Hanse session
    of that provider session (``sid``) or, when the token names none, of that subject;
    their WebSockets close. Returns how many ended (the provider is told nothing more)."""
    claims = oidc_logout_token_claims(request, provider_id, token)
    sub, sid = str(claims.get("sub") or ""), str(claims.get("sid") or "")

    def matches(data: dict[str, Any] | None) -> bool:
        if not data or data.get("provider") != "openid_connect" or data.get("app") != provider_id:
            return False
        noted_sub, noted_sid = _noted_claims(data)
        return (not sub or noted_sub == sub) and (not sid or noted_sid == sid)

    user_ids: set[int] = set()
    if sub:
        user_ids |= set(
            SocialAccount.objects.filter(provider=provider_id, uid=sub).values_list(
                "user_id", flat=True
            )
        )
        user_ids |= set(cache.get(_SUB_CACHE.format(provider_id, sub)) or ())
    if sid:
        user_ids |= set(cache.get(_SID_CACHE.format(provider_id, sid)) or ())
    ended = _sessions_end(
        request,
        user_ids,
        matches,
        {"provider": "openid_connect", "initiated_by": "idp", "channel": "back"},
    )
    return sum(ended.values())
