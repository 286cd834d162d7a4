"""What the API stores about a person: their personal access tokens (never the token)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.api.models import PersonalAccessToken
from hanse.core import personal_data


def _export(user: Any) -> personal_data.Export:
    records = personal_data.rows(
        PersonalAccessToken.objects.filter(user=user).order_by("created_at"),
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        kind="api_token",
    )
    return personal_data.Export(records)


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="api_tokens",
            label=_("API tokens"),
            description=_("Your personal API tokens: name, prefix and dates (never the token)."),
            export=_export,
            order=160,
        )
    )
