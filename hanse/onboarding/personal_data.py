"""What the first-day checklist stores about a person: whether they dismissed or finished it.
It goes with the account on erasure (nothing to move)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.onboarding.models import FirstDayChecklist


def _export(user: Any) -> personal_data.Export:
    return personal_data.Export(
        personal_data.rows(
            FirstDayChecklist.objects.filter(user=user),
            "dismissed_at",
            "completed_at",
            kind="first_day_checklist",
        )
    )


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="onboarding",
            label=_("First steps"),
            description=_("When you dismissed or finished the first-day checklist."),
            export=_export,
            order=105,
        )
    )
