"""The circles' interaction kind (network analytics): belonging to the same circle.
Reported by circle_create after its write; see hanse/core/interactions.py."""

from __future__ import annotations

from itertools import combinations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import interactions
from hanse.core.interactions import InteractionKind

KINDS = (InteractionKind("circle", _("Same Working Out Loud circle")),)


def register() -> None:
    interactions.register(*KINDS)


def circle_formed(*, member_ids: list[int]) -> None:
    pairs: list[tuple[int | None, int | None]] = list(combinations(member_ids, 2))
    interactions.interactions("circle", pairs, timezone.localdate())
