"""Bearer tokens for the SCIM client: created in admin, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from hanse.audit.services import record
from hanse.identity.models import ScimToken

PREFIX = "hscim_"
# last_used_at is written at most this often: not one write for every provisioning call.
TOUCH_SECONDS = 60


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(
    *, name: str, by: Any, request: HttpRequest | None = None
) -> tuple[ScimToken, str]:
    """A new token; the raw value is returned once and never stored."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        name=name.strip()[:80], prefix=raw[: len(PREFIX) + 4], digest=_digest(raw), created_by=by
    )
    record("scim.token_created", actor=by, target=token, request=request)
    return token, raw


def token_revoke(*, token: ScimToken, by: Any, request: HttpRequest | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record("scim.token_revoked", actor=by, target=token, request=request)


def authenticate(request: HttpRequest) -> ScimToken | None:
    """The token of an ``Authorization: Bearer …`` header, if it is known and not revoked."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = ScimToken.objects.filter(digest=_digest(raw), revoked_at__isnull=True).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > TOUCH_SECONDS:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
