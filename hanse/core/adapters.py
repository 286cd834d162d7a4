from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats

from hanse.core import moderation
from hanse.core.net import client_ip
from hanse.core.ratelimit import DEFAULT_RETRY_AFTER, RateLimited, parse_rate

# allauth's internal rate limiter is used because its public wrapper does not hand back the
# usage that a successful login rolls back.
_APP = "allauth.account"


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from the organisation (admin, seed, later SSO/SCIM): no self sign-up.

    Failed logins are limited in two ways (``LOGIN_RATE_LIMIT``, docs/operations.md):
    - per (account, IP address): a guesser gets a few tries at one account from one address,
      and whoever guesses from another address cannot lock the person out where they are;
    - per IP address, counting failures only: a branch behind one NAT address, whose people
      log in at the same moment, never uses up each other's attempts by logging in.
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # Keyed by the account, not the text typed: the username and the e-mail address of
        # one person share one allowance. An unknown login is keyed by its normalised text,
        # so that it behaves like a known one from outside.
        typed = credentials.get("email") or credentials.get("username") or ""
        login = " ".join(str(typed).split()).lower()
        field = "email__iexact" if "@" in login else "username__iexact"
        pks = list(get_user_model().objects.filter(**{field: login}).values_list("pk")[:2])
        account = f"account:{pks[0][0]}" if len(pks) == 1 else f"login:{login}"
        ip = ratelimit.truncate_ip(self.get_client_ip(request))
        return f"{account}|ip:{ip}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # The address's failures are only checked here; authentication_failed counts them.
        ip_ok = ratelimit.consume(request, app=_APP, action="login_failed_ip", dry_run=True)
        # The (account, IP) attempt is taken now, so that parallel guesses at one account are
        # held to the limit too; a successful login gives it back (allauth's authenticate).
        self._login_failed_rl_usage = (
            ratelimit.consume(
                request,
                app=_APP,
                action="login_failed",
                key=self._get_login_attempts_cache_key(request, **credentials),
            )
            if ip_ok
            else None
        )
        if not self._login_failed_rl_usage:
            # The friendly 429 page with Retry-After (hanse/core/ratelimit.py), not a form
            # error: the window of the limit that was reached.
            action = "login_failed" if ip_ok else "login_failed_ip"
            raise RateLimited(
                _longest_period(settings.ACCOUNT_RATE_LIMITS.get(action, "")),
                str(self.error_messages["too_many_login_attempts"]),
            )

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        # A suspended person may not sign in until the suspension ends (issue 21).
        until = moderation.suspended_until(user)
        if until is not None:
            shown = formats.date_format(until, "DATETIME_FORMAT")
            return HttpResponseRedirect(
                reverse("moderation:suspended") + "?" + urlencode({"until": shown})
            )
        return super().pre_login(request, user, **kwargs)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        ratelimit.consume(request, app=_APP, action="login_failed_ip")


def _longest_period(rates: str) -> int:
    """Seconds of the longest window among allauth's rates ("10/m/ip,5/5m/key")."""
    periods = []
    for rate in rates.split(","):
        parsed = parse_rate("/".join(rate.strip().split("/")[:2])) if rate.strip() else None
        if parsed is not None:
            periods.append(parsed.seconds)
    return max(periods, default=DEFAULT_RETRY_AFTER)
