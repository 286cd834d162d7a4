from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from hanse.api import services
from hanse.core import moderation


class TokenAuth(HttpBearer):
    """`Authorization: Bearer hanse_…`: a personal access token, checked against its hash."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.token_authenticate(raw=token)
        if user is None:
            return None
        if moderation.suspended_until(user) is not None:
            # A suspended person's tokens answer 401 until the suspension ends (issue 21).
            return None
        request.user = user
        return user
