"""The stream's interaction kinds (network analytics): comments, thread replies, reactions,
mentions. Reported by the services after their write; see hanse/core/interactions.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import interactions
from hanse.core.interactions import InteractionKind

if TYPE_CHECKING:
    from collections.abc import Iterable

KINDS = (
    InteractionKind("comment", _("Comment on a colleague's post")),
    InteractionKind("reply", _("Reply in a thread")),
    InteractionKind("reaction", _("Reaction to a colleague's post or comment")),
    InteractionKind("mention", _("Mention")),
)


def register() -> None:
    interactions.register(*KINDS)


def commented(*, author_id: int, post_author_id: int | None, parent_author_id: int | None) -> None:
    day = timezone.localdate()
    interactions.interaction("comment", author_id, post_author_id, day)
    if parent_author_id is not None:
        interactions.interaction("reply", author_id, parent_author_id, day)


def reacted(*, user_id: int, author_id: int | None) -> None:
    interactions.interaction("reaction", user_id, author_id, timezone.localdate())


def mentioned(*, author_id: int, people: Iterable[object]) -> None:
    pairs: list[tuple[int | None, int | None]] = [
        (author_id, getattr(p, "pk", None)) for p in people
    ]
    interactions.interactions("mention", pairs, timezone.localdate())
