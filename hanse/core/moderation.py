"""The moderatable types: what people may report and moderators hide or remove.

Like the searchable types, this is machinery only: it imports no app. Each content app
declares its types in ``<app>/moderation.py`` and registers them from ``AppConfig.ready()``::

    from hanse.core import moderation

    moderation.register(moderation.ModeratableType(
        key="event",
        label=_("Event"),
        model=Event,
        visible_to=lambda user: Event.objects.visible_to(user),
        author_id=lambda event: event.organiser_id,
        community_id=lambda event: event.community_id,
        url=lambda event: event.get_absolute_url(),
        excerpt=lambda event: event.title,
    ))

Hiding has one mechanism for every type: the moderation app (``hanse/moderation``) keeps one
row per hidden or removed object, and each type's ``visible_to`` leaves those out with
:func:`exclude_hidden`. Because feeds, search, notifications, the API and WebSocket pushes
all start from ``visible_to``, a hidden object disappears from all of them at once and comes
back when it is restored. The moderation app plugs its policy in with :func:`set_policy`;
without it (a bare core) nothing is hidden.

Who still sees a hidden object: its author (with the reason, never for a removed one),
moderators of its community and platform moderators. That decision is the policy's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.db import models

if TYPE_CHECKING:
    from django.utils.functional import Promise


@dataclass(frozen=True)
class ModeratableType:
    key: str
    label: str | Promise
    model: type[models.Model]
    # Who may see it (and so report it): the type's own visible_to.
    visible_to: Callable[[Any], models.QuerySet[Any]]
    # The person it is about (None: the author left).
    author_id: Callable[[Any], int | None]
    # The community whose moderators may act on it (None: company-wide, platform moderators).
    community_id: Callable[[Any], int | None]
    url: Callable[[Any], str]
    # The text moderators see in the queue (a snapshot is kept with the report).
    excerpt: Callable[[Any], str]
    # Called after commit when it was hidden, removed or restored (live pushes, the index).
    changed: Callable[[Any], None] | None = None
    # Deletes the object for good with its files, index entries and caches (retention of
    # removed content, hanse/moderation/retention.py). None: removed objects of this type stay.
    purge: Callable[[Any], object] | None = None


class Policy(Protocol):
    def hidden_ids(self, key: str, user: Any) -> models.QuerySet[Any] | None:
        """Ids of objects of this type the person may not see because of moderation."""

    def suspended_until(self, user: Any) -> datetime | None:
        """When a running suspension of this person ends, or None."""

    def is_hidden(self, key: str, object_id: int) -> bool:
        """Whether moderation hid or removed this object (for everyone but a few)."""

    def notices(self, key: str, user: Any, ids: list[int]) -> dict[int, str]:
        """The notice (HTML) on each of these objects that this person still sees although
        moderation hid or removed it: their own hidden ones, and what they moderate."""


QS = TypeVar("QS", bound=models.QuerySet[Any])

_types: dict[str, ModeratableType] = {}
_policy: list[Policy] = []


def register(moderatable_type: ModeratableType) -> None:
    """Register a type; registering the same key again replaces it (autoreload, tests)."""
    _types[moderatable_type.key] = moderatable_type


def get(key: str) -> ModeratableType | None:
    return _types.get(key)


def all_types() -> list[ModeratableType]:
    return sorted(_types.values(), key=lambda t: t.key)


def for_model(model: type[models.Model]) -> ModeratableType | None:
    for t in _types.values():
        if t.model is model:
            return t
    return None


def set_policy(policy: Policy) -> None:
    _policy[:] = [policy]


def exclude_hidden(queryset: QS, key: str, user: Any) -> QS:
    """The queryset without what moderation hides from this person (one subquery)."""
    if not _policy:
        return queryset
    hidden = _policy[0].hidden_ids(key, user)
    if hidden is None:
        return queryset
    return queryset.exclude(pk__in=hidden)


def suspended_until(user: Any) -> datetime | None:
    """When the person's suspension ends; None when they are not suspended."""
    if not _policy or user is None or not getattr(user, "is_authenticated", False):
        return None
    return _policy[0].suspended_until(user)


def is_hidden(key: str, object_id: int) -> bool:
    return bool(_policy) and _policy[0].is_hidden(key, object_id)


def notices(key: str, user: Any, ids: list[int]) -> dict[int, str]:
    """HTML notices by object id ("Hidden by moderation" and the reason), one query for all.
    A content app shows them per viewer, never inside HTML it shares between viewers."""
    if not _policy or not ids or user is None or not getattr(user, "is_authenticated", False):
        return {}
    return _policy[0].notices(key, user, ids)
