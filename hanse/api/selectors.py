from __future__ import annotations

from django.db.models import QuerySet

from hanse.api.models import PersonalAccessToken
from hanse.people.models import User


def tokens_of(*, user: User) -> QuerySet[PersonalAccessToken]:
    """The person's tokens, active first, newest first."""
    return PersonalAccessToken.objects.filter(user=user).order_by("revoked_at", "-created_at")
