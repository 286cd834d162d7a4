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

Each is recorded as ``sso.logout``, beside the ``auth.logout`` / ``session.ended`` entries.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

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


def capture_oidc(request: HttpRequest, provider_id: str, id_token: str) -> None:
    _pending(
        request,
        {
            "provider": "openid_connect",
            "account": provider_id,  # allauth's SocialAccount.provider for OpenID Connect
            "app": provider_id,
            "id_token": id_token,
        },
    )


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
        if pending["provider"] == "saml" and pending.get("name_id"):
            # Whose sessions a LogoutRequest for this NameID ends, also when the person's
            # uid at Hanse is an attribute rather than the NameID (SAML_ATTRIBUTES uid=).
            key = _NAME_ID_CACHE.format(pending["app"], pending["name_id"])
            people = set(cache.get(key) or ()) | {sociallogin.user.pk}
            cache.set(key, sorted(people), settings.SESSION_COOKIE_AGE)
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
            _record(
                request,
                user,
                {"provider": "saml", "initiated_by": "idp", "sessions_ended": ended[pk]},
            )
    if current.is_authenticated and current.pk in ended:
        # This browser's session was among them: it holds no person any more.
        from django.contrib.auth import logout

        logout(request)
    return sum(ended.values())
