"""One rate limiter for every limit Hanse sets (``RATE_LIMITS`` in settings, from the
environment; docs/operations.md "Rate limits").

Counters live in the Django cache: Redis when ``REDIS_URL`` is set, so a limit holds across
every app process; the local-memory cache of the single embedded process otherwise. A fixed
window per (action, key): the first hit in a window creates the counter with the window as its
lifetime, later hits increment it (atomically: ``add`` is SET NX, ``incr`` is INCR).

A refused request raises ``RateLimited`` (a ``ServiceError`` with status 429) before anything
is written; ``RateLimitMiddleware`` answers it with the friendly 429 page in the person's
language (the API's error handler with its JSON shape), always with ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hanse.core.errors import ServiceError
from hanse.core.net import client_ip

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(text: str) -> Rate | None:
    """``"5/m"``, ``"30/5m"``, ``"100/h"``, ``"20/10s"``; empty or ``"0"``: no limit."""
    if not text or text.strip() in ("0", "off", "none"):
        return None
    match = _RATE.match(text)
    if match is None:
        raise ValueError(f"not a rate: {text!r} (write it as 10/m, 30/5m, 100/h or 20/10s)")
    count, multiple, unit = match.groups()
    return Rate(int(count), int(multiple or 1) * _UNITS[unit])


def rate_for(action: str) -> Rate | None:
    """The configured rate of an action (None: not limited)."""
    return parse_rate(str(settings.RATE_LIMITS.get(action, "")))


class RateLimited(ServiceError):
    """Too many attempts: answered with 429 and ``Retry-After: retry_after``."""

    status = 429

    def __init__(self, retry_after: int, message: str | Promise | None = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(
            message or _("You are doing this too often. Please wait a moment and try again."),
            code="rate_limited",
            status=429,
        )


@dataclass(frozen=True)
class Counted:
    """One attempt, counted: whether it is allowed, when the window ends, how to undo it."""

    allowed: bool
    key: str
    retry_after: int = 1

    def give_back(self) -> None:
        """The attempt did nothing after all: it no longer counts (best effort)."""
        with contextlib.suppress(ValueError):
            cache.decr(self.key)


def _window(action: str, key: Any, per_seconds: int) -> tuple[str, int]:
    now = time.time()
    window = int(now) // per_seconds
    retry = max(1, int((window + 1) * per_seconds - now + 0.999))
    return f"ratelimit:{action}:{key}:{per_seconds}:{window}", retry


def count(key: Any, action: str, *, limit: int, per_seconds: int) -> Counted:
    """Count this attempt of ``action`` by ``key`` (a person's id, ``ip:…``)."""
    name, retry = _window(action, key, per_seconds)
    # add() is atomic (SET NX in Redis): exactly one caller creates the counter.
    if cache.add(name, 1, timeout=per_seconds + 1):
        return Counted(limit >= 1, name, retry)
    try:
        current = cache.incr(name)
    except ValueError:
        # The key expired between add() and incr(): this call opens a new window.
        cache.add(name, 1, timeout=per_seconds + 1)
        return Counted(limit >= 1, name, retry)
    return Counted(current <= limit, name, retry)


def hit(action: str, key: Any) -> Counted:
    """Count an attempt against the action's configured rate (always allowed when off)."""
    rate = rate_for(action)
    if rate is None:
        return Counted(True, "")
    return count(key, action, limit=rate.limit, per_seconds=rate.seconds)


def exhausted(action: str, key: Any) -> int:
    """Seconds until the action is allowed again for ``key`` (0: allowed); counts nothing.
    For limits on failures, which are counted only once they happened (``hit``)."""
    rate = rate_for(action)
    if rate is None:
        return 0
    name, retry = _window(action, key, rate.seconds)
    return retry if int(cache.get(name) or 0) >= rate.limit else 0


def require(action: str, key: Any, *, message: str | Promise | None = None) -> Counted:
    """Count an attempt; raise ``RateLimited`` when it is one too many."""
    counted = hit(action, key)
    if not counted.allowed:
        raise RateLimited(counted.retry_after, message)
    return counted


def ip_key(request: HttpRequest) -> str:
    return f"ip:{client_ip(request) or 'unknown'}"


# --- the answer -----------------------------------------------------------------------------

DEFAULT_RETRY_AFTER = 60


def wait_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": seconds}
    minutes = (seconds + 59) // 60
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}


def too_many_requests(request: HttpRequest, retry_after: int, message: str = "") -> HttpResponse:
    """The 429 answer: the API's error shape under /api/, the friendly page elsewhere."""
    retry_after = max(1, int(retry_after))
    detail = message or _("You are doing this too often. Please wait a moment and try again.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": detail, "code": "rate_limited"}, status=429)
    else:
        response = render(
            request,
            "429.html",
            {"message": detail, "retry_after": retry_after, "wait": wait_text(retry_after)},
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


def handler429(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """allauth's own refusals (password reset, …) get the same page (ROOT_URLCONF.handler429);
    their Retry-After is the shortest window of the action's rates."""
    return too_many_requests(request, DEFAULT_RETRY_AFTER)


class RateLimitMiddleware:
    """Turns ``RateLimited`` raised by a view into the 429 answer, and gives every 429 that
    lacks one a ``Retry-After``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(DEFAULT_RETRY_AFTER)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return too_many_requests(request, exception.retry_after, str(exception.message))
        return None
