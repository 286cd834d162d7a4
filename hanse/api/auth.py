from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from hanse.api import services
from hanse.core import moderation, ratelimit
from hanse.people.guests import guest_expired, guest_may_open_api


class TokenAuth(HttpBearer):
    """`Authorization: Bearer hanse_…`: a personal access token, checked against its hash."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Guessing tokens: an address that sent too many bad ones is refused for a while
        # (RATE_LIMITS "api_token_failed"), before its next token is even looked up.
        client = ratelimit.ip_key(request)
        wait = ratelimit.exhausted("api_token_failed", client)
        if wait:
            raise ratelimit.RateLimited(
                wait, _("Too many requests with an invalid token. Please wait a moment.")
            )
        user = services.token_authenticate(raw=token)
        if user is None:
            ratelimit.hit("api_token_failed", client)
            return None
        if moderation.suspended_until(user) is not None:
            # A suspended person's tokens answer 401 until the suspension ends (issue 21).
            return None
        if guest_expired(user):
            return None  # the sweep deactivates them; until then the token is refused already
        if not guest_may_open_api(user, request.path_info):
            raise Http404
        request.user = user
        return user
