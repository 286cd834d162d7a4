"""Personal access tokens: create (shown once), authenticate, revoke."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.api.models import PersonalAccessToken
from hanse.core.errors import ServiceError
from hanse.people.models import User

TOKEN_PREFIX = "hanse_"  # noqa: S105 (a public prefix, not a secret)
MAX_TOKENS_PER_USER = 20
# Writing last_used_at on every request would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: PersonalAccessToken
    raw: str


def token_create(*, user: User, name: str, expires_in_days: int | None = None) -> NewToken:
    """Create a token; the raw value is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Please give the token a name."), code="name_required")
    if len(name) > 80:
        raise ServiceError(_("The name may be at most 80 characters long."), code="name_too_long")
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ServiceError(_("A token expires after 1 to 3650 days."), code="invalid_expiry")
    active = PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_TOKENS_PER_USER:
        raise ServiceError(
            _("You have too many tokens. Revoke one you no longer use."), code="too_many_tokens"
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = (
        timezone.now() + timedelta(days=expires_in_days) if expires_in_days is not None else None
    )
    with transaction.atomic():
        token = PersonalAccessToken.objects.create(
            user=user,
            name=name,
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            token_hash=_hash(raw),
            expires_at=expires_at,
        )
    return NewToken(token=token, raw=raw)


def token_authenticate(*, raw: str) -> User | None:
    """The active user a token belongs to, or None for an unknown, revoked or expired one."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, user: User, token_id: int) -> PersonalAccessToken:
    """Revoke one of the person's own tokens; it stops working at once."""
    token = PersonalAccessToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise ServiceError(_("This token does not exist."), code="not_found", status=404)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every active token of the person at once; returns how many were revoked."""
    return PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def password_reset(*, user: User, password: str) -> int:
    """Set the password chosen through a reset link and revoke every API token of the person.

    A reset is asked for by someone who cannot sign in, often because the account may have
    been used by another: tokens made with the old password must not outlive it. Other
    browser sessions end too (Django's session hash). Returns how many tokens were revoked."""
    # Imported here: allauth's adapter reads its settings when it is first used.
    from allauth.account.adapter import get_adapter

    with transaction.atomic():
        get_adapter().set_password(user, password)
        return tokens_revoke_all(user=user)


def password_change(*, user: User, password: str, revoke_api_tokens: bool) -> None:
    """Set a new password and, if asked, revoke the person's API tokens with it.

    Other browser sessions end with any password change (Django's session hash); tokens do
    not depend on the password, so a person who fears their account was used revokes them
    here in the same step.
    """
    # Imported here: allauth's adapter reads its settings when it is first used.
    from allauth.account.adapter import get_adapter

    with transaction.atomic():
        get_adapter().set_password(user, password)
        if revoke_api_tokens:
            tokens_revoke_all(user=user)
