"""Search reads: the results page, suggestions while typing, and matches per author.

Every hit, count and suggestion passes through its type's ``visible_to`` at query time
(hanse/core/searchable.py), so the index may lag behind an edit, a deletion or a membership
that ended, never what a person sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from hanse.people.models import User

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class SearchQuery:
    # The raw box text; operators (from:@u in:slug #tag type:file "…" -word) are parsed inside.
    text: str
    types: tuple[str, ...] = ()  # registry keys; () = all result types
    community: str | None = None  # slug
    author: str | None = None  # username
    unit: int | None = None  # OrgUnit id (department or branch) of the author, with sub-units
    date_from: date | None = None
    date_to: date | None = None
    file_type: str | None = None  # "pdf", "docx", ...
    sort: str = "relevance"  # "relevance" | "newest" | "oldest"
    page: int = 1
    per_page: int = 20


@dataclass
class Hit:
    type: str
    object_id: int
    title: str
    snippet: SafeString  # escaped text with <mark>…</mark> around matched words
    url: str
    created_at: datetime | None
    author_id: int | None
    community_id: int | None
    score: float
    obj: Any  # the live object, loaded through the type's visible_to


@dataclass
class SearchResults:
    query: SearchQuery
    hits: list[Hit]
    total: int  # of the type(s) asked for, after visibility
    counts: dict[str, int]  # per result type, after visibility (0 for none)
    has_next: bool
    message: str | None = None  # a friendly translated message for unusable input


@dataclass
class Suggestions:
    people: list[Any] = field(default_factory=list)  # User objects
    communities: list[Any] = field(default_factory=list)  # Community objects
    hashtags: list[Any] = field(default_factory=list)  # Tag objects
    hits: list[Hit] = field(default_factory=list)  # the best few content hits


@dataclass
class AuthorMatch:
    author_id: int
    count: int  # visible matching documents by this author
    object_ids: dict[str, list[int]]  # per type key


def search(*, user: User | None, query: SearchQuery) -> SearchResults:
    """One page of results for ``query`` as ``user`` may see them."""
    raise NotImplementedError


def suggest(*, user: User | None, text: str, limit: int = 5) -> Suggestions:
    """Suggestions while typing (two letters or more): people, communities, hashtags, hits."""
    raise NotImplementedError


def match_authors(
    *, user: User | None, text: str, types: tuple[str, ...] = ("post", "comment")
) -> dict[int, AuthorMatch]:
    """Per author, the visible documents of ``types`` that match ``text`` (expert finder)."""
    raise NotImplementedError
