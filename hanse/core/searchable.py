"""The searchable types: what search finds, registered by the apps that own it.

Like the notification types and upload policies, this is machinery only: it imports no app.
Each content app declares its types in ``<app>/search.py`` and registers them from its
``AppConfig.ready()``::

    from hanse.core import searchable

    searchable.register(searchable.SearchableType(
        key="event",
        label=_("Event"),
        label_plural=_("Events"),
        model=Event,
        queryset=lambda: Event.objects.select_related("organiser"),
        to_document=_event_document,          # (event) -> Document | None
        visible_to=Event.objects.visible_to,   # (user) -> queryset of what they may see
        url=lambda event: event.get_absolute_url(),
    ))

The search app (``hanse/search``) keeps one index of :class:`Document` rows built from these
and asks ``visible_to`` for every hit, count and suggestion at query time: the index may lag,
visibility never does. ``Document.scope`` lets the index filter most of what a person may not
see in SQL before that final check: a scope is ``"<kind>:<id>"`` (``"community:7"``,
``"channel:12"``) or :data:`PUBLIC`, and :func:`register_scope` names, per kind, the ids a
person may read *now* (computed at query time from live memberships).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.utils.functional import Promise

# Every signed-in person may read it (the final word is still the type's visible_to).
PUBLIC = "public"


@dataclass(frozen=True)
class Document:
    """What the index keeps of one object. Text is raw; the index normalises it."""

    object_id: int
    title: str
    body: str = ""
    author_id: int | None = None
    community_id: int | None = None
    # The author's org unit (a department or a branch), for the unit filter.
    unit_id: int | None = None
    created_at: datetime | None = None
    scope: str = PUBLIC
    tags: tuple[str, ...] = ()
    # Extra facets, e.g. {"file_type": "pdf"}; searched by filters, not by words.
    facets: dict[str, str] = field(default_factory=dict)
    # Words a person types to find it that need not be shown (a username, a unit's name).
    keywords: str = ""


@dataclass(frozen=True)
class SearchableType:
    key: str
    label: str | Promise
    label_plural: str | Promise
    model: type[models.Model]
    # The rows to index, with what to_document reads (select_related/prefetch_related).
    queryset: Callable[[], models.QuerySet[Any]]
    # None: not indexed (deleted, a draft, a system message).
    to_document: Callable[[Any], Document | None]
    # The one home of "may this person see it": hits, counts and suggestions pass here.
    visible_to: Callable[[Any], models.QuerySet[Any]]
    url: Callable[[Any], str]
    # Shown in "all results" and counted; False for types only used in suggestions.
    in_results: bool = True
    # False when the title is only a label made from other text (a post's opening words, a
    # chat message's channel): it is then not indexed with a title's weight, so a short
    # comment naming a colleague does not rank like the colleague's own name.
    titled: bool = True
    # False for what does not age (a person, a community, a hashtag): no recency boost
    # applies, it ranks as if it were new.
    dated: bool = True
    # Order on the results page (tabs, counts).
    order: int = 100
    # Saves that change only these fields leave the index alone (counters, last_login).
    ignore_fields: frozenset[str] = frozenset()
    # When a row of another model changes, the ids of this type to index again (a post
    # moved to another community moves its comments too).
    related: tuple[tuple[type[models.Model], Callable[[Any], Iterable[int]]], ...] = ()


@dataclass(frozen=True)
class ScopeKind:
    kind: str
    # The ids of this kind the person may read now; None means all (platform admins).
    readable_ids: Callable[[Any], Iterable[int] | None]


_types: dict[str, SearchableType] = {}
_scopes: dict[str, ScopeKind] = {}


def register(searchable_type: SearchableType) -> None:
    """Register a type; registering the same key again replaces it (autoreload, tests)."""
    _types[searchable_type.key] = searchable_type


def register_scope(scope_kind: ScopeKind) -> None:
    _scopes[scope_kind.kind] = scope_kind


def get(key: str) -> SearchableType | None:
    return _types.get(key)


def all_types() -> list[SearchableType]:
    return sorted(_types.values(), key=lambda t: (t.order, t.key))


def result_types() -> list[SearchableType]:
    return [t for t in all_types() if t.in_results]


def for_model(model: type[models.Model]) -> list[SearchableType]:
    return [t for t in _types.values() if t.model is model]


def scope_kinds() -> list[ScopeKind]:
    return list(_scopes.values())


def scope(kind: str, object_id: int | None) -> str:
    """The scope string of an object read by the readers of ``kind`` ``object_id``."""
    return PUBLIC if object_id is None else f"{kind}:{object_id}"


# --- The text inside stored files ---------------------------------------------------------
# Search reads the text of shared files in a bounded child process (hanse/search/extract.py).
# An app below search that keeps files of its own (the library, hanse/files) asks for that
# text here; search registers the reader from its ready(), so neither imports the other.
# A reader takes (stored file, size in bytes, sniffed content type) and returns
# (status, text), the status one of the ``FileText.Status`` values ("ok", "empty", ...).
FileTextReader = Callable[[Any, int, str], tuple[str, str]]
_file_text_readers: list[FileTextReader] = []


def register_file_text_reader(reader: FileTextReader) -> None:
    """Search's reader of file text (registering again replaces it: autoreload, tests)."""
    _file_text_readers[:] = [reader]


def read_file_text(field_file: Any, size: int, content_type: str) -> tuple[str, str] | None:
    """The text inside a stored file, or None when no reader is registered (no search)."""
    if not _file_text_readers:
        return None
    return _file_text_readers[0](field_file, size, content_type)


# --- Similar objects while typing --------------------------------------------------------
# An app below search asks "what is like this text" (similar questions while one is typed)
# through this hook; search registers its finder from its ready(), so neither imports the
# other. A finder takes (person, text, type key, limit) and returns the live objects of that
# type the person may see, most alike first.
SimilarFinder = Callable[[Any, str, str, int], list[Any]]
_similar_finders: list[SimilarFinder] = []


def register_similar_finder(finder: SimilarFinder) -> None:
    """Search's finder of similar objects (registering again replaces it)."""
    _similar_finders[:] = [finder]


def similar(*, user: Any, text: str, type_key: str, limit: int = 5) -> list[Any] | None:
    """The objects of ``type_key`` most like ``text`` that ``user`` may see, through search;
    None when no search is installed (the caller may fall back to a simpler match)."""
    if not _similar_finders:
        return None
    return _similar_finders[0](user, text, type_key, limit)
