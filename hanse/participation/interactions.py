"""Participation's interaction kinds (network analytics): an accepted answer, praise.
Reported by the services after their write; see hanse/core/interactions.py."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import interactions
from hanse.core.interactions import InteractionKind

KINDS = (
    InteractionKind("answer_accepted", _("Answer accepted")),
    InteractionKind("praise", _("Praise")),
)


def register() -> None:
    interactions.register(*KINDS)


def answer_accepted(*, asker_id: int | None, answerer_id: int) -> None:
    interactions.interaction("answer_accepted", asker_id, answerer_id, timezone.localdate())


def praised(*, author_id: int, recipient_id: int) -> None:
    interactions.interaction("praise", author_id, recipient_id, timezone.localdate())
