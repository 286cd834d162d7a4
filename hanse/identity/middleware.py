"""Session timeouts, each session's last activity, and MFA enrolment for the roles that need it.

Both run after Django's and allauth's authentication middleware (hanse/settings.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from hanse.identity import rules
from hanse.identity.selectors import has_second_factor
from hanse.identity.session_store import BROWSER_SESSION_KEY

SSO_MFA_KEY = "_hanse_sso_mfa"  # hanse/identity/sso.py sets it

AUTH_AT_KEY = "_hanse_auth_at"
SEEN_AT_KEY = "_hanse_seen_at"
# A session's expiry and its "last seen" are written at most once a minute: not one session
# write and one query for every request of a busy page.
TOUCH_SECONDS = 60


def session_ends_at(*, auth_at: float, now: float) -> float | None:
    """When a session used at ``now`` ends: the idle or the absolute timeout, whichever comes
    first (None: neither is set)."""
    ends = []
    idle = int(getattr(settings, "SESSION_IDLE_TIMEOUT", 0))
    absolute = int(getattr(settings, "SESSION_ABSOLUTE_TIMEOUT", 0))
    if idle > 0:
        ends.append(now + idle)
    if absolute > 0:
        ends.append(auth_at + absolute)
    return min(ends) if ends else None


class SessionTimeoutMiddleware:
    """Idle and absolute timeouts as the session's own expiry date in the store.

    The store ends the session itself when either is reached: the next request is signed out
    and an open WebSocket's periodic check (hanse/realtime/sessions.py) finds it gone. The
    same once-a-minute write records the session's address, device and last activity for the
    sessions page (allauth's UserSession). Login sets the first expiry (signals.py), so that
    the first page after it writes nothing more.

    Only a session someone signed in to is touched: an API call with a personal access token
    has a person (hanse/api/auth.py) but no sign-in in its session, and touching that empty
    session would save a new session row and send a cookie with every such call.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if (
            user is None
            or session is None
            or not user.is_authenticated
            or auth.SESSION_KEY not in session
        ):
            return response
        now = time.time()
        expiry = session.get("_session_expiry")
        # A number (0: a browser session; seconds: "Stay logged in") is what allauth's login
        # form has just set, or a session from before the timeouts: it becomes our date.
        changed = not isinstance(expiry, str)
        if changed:
            session[BROWSER_SESSION_KEY] = expiry == 0
        elif now - float(session.get(SEEN_AT_KEY, 0)) < TOUCH_SECONDS:
            return response
        touch(session, now=now)
        if session.session_key and response.status_code < 500:
            # allauth's model, imported once the app registry is ready.
            from allauth.usersessions.models import UserSession

            UserSession.objects.create_from_request(request, user=user, session=session)
        return response


def touch(session: Any, *, now: float) -> None:
    """Record activity at ``now`` and move the session's end accordingly."""
    auth_at = float(session.setdefault(AUTH_AT_KEY, now))
    session[SEEN_AT_KEY] = now
    ends = session_ends_at(auth_at=auth_at, now=now)
    if ends is not None:
        session.set_expiry(datetime.fromtimestamp(ends, tz=UTC))


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("mfa_index"),  # /accounts/2fa/…: every MFA page lives below it
        reverse("account_reauthenticate"),
        reverse("account_logout"),
        reverse("account_login"),
        reverse("set_language"),
        settings.STATIC_URL or "/static/",
        *_sso_prefixes(),
    )


def _sso_prefixes() -> tuple[str, ...]:
    """Signing in (again) through an identity provider: /accounts/oidc/, /accounts/saml/."""
    prefixes = []
    for name, kwargs in (
        ("openid_connect_login", {"provider_id": "_"}),
        ("saml_login", {"organization_slug": "_"}),
    ):
        try:
            prefixes.append(reverse(name, kwargs=kwargs).split("/_/")[0] + "/")
        except NoReverseMatch:  # allauth.socialaccount's provider is not installed
            continue
    return tuple(prefixes)


class MFARequiredMiddleware:
    """A person whose role requires a second factor (``MFA_REQUIRED_FOR``) and who has none
    reaches only the enrolment pages, logout and the language switch until they add one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and self._guarded(request.path_info)
            # A sign-in through the IdP stands for the second factor (SSO_COUNTS_AS_MFA).
            and not (settings.SSO_COUNTS_AS_MFA and request.session.get(SSO_MFA_KEY))
            and rules.mfa_required(user)
            and not has_second_factor(user)
        ):
            return self._refuse(request)
        return self.get_response(request)

    def _guarded(self, path: str) -> bool:
        if self._exempt is None:
            self._exempt = _exempt_prefixes()
        return not path.startswith(self._exempt)

    def _refuse(self, request: HttpRequest) -> HttpResponseBase:
        message = _(
            "Your role requires two-factor authentication. Set up an authenticator app or a "
            "security key first."
        )
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "mfa_required"}, status=403)
        return redirect(reverse("mfa_index"))
