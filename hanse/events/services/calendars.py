"""Calendar subscription tokens: the secret in an iCal feed's URL (hanse/events/ical.py)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.events.models import CalendarToken

if TYPE_CHECKING:
    from hanse.people.models import User
from hanse.events.services.validation import signed_in

CALENDAR_TOKEN_PREFIX = "hcal_"  # noqa: S105 (a public prefix, not a secret)
MAX_CALENDAR_TOKENS = 10
TOKEN_LAST_USED_RESOLUTION = timedelta(minutes=15)


# --- calendar tokens -----------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def calendar_token_create(*, user: User) -> str:
    """A new secret for the personal iCal subscription; the raw value is returned once and
    only its hash is stored."""
    if not signed_in(user):
        raise PermissionRefused(_("Please sign in to subscribe to your calendar."))
    active = CalendarToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_CALENDAR_TOKENS:
        raise ServiceError(
            _("You have too many calendar subscriptions. Revoke one you no longer use."),
            code="too_many_tokens",
        )
    raw = CALENDAR_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarToken.objects.create(user=user, token_hash=_hash(raw))
    return raw


def calendar_token_revoke(*, user: User, token_id: int) -> CalendarToken:
    """Revoke one of the person's own subscription tokens; the URL stops working at once."""
    token = CalendarToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise ServiceError(
            _("This calendar subscription does not exist."), code="not_found", status=404
        )
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def calendar_token_user(raw: str) -> User | None:
    """The active person a subscription token belongs to, or None (unknown or revoked)."""
    if not raw or not raw.startswith(CALENDAR_TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        CalendarToken.objects.select_related("user")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_LAST_USED_RESOLUTION:
        CalendarToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
