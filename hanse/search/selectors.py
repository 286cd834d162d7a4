"""Search reads: the results page, suggestions while typing, and matches per author.

Every hit, count and suggestion passes through its type's ``visible_to`` at query time
(hanse/core/searchable.py), so the index may lag behind an edit, a deletion or a membership
that ended, never what a person sees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from hanse.communities.models import Community, Membership
from hanse.core import searchable
from hanse.core.searchable import Document, SearchableType
from hanse.people.models import Follow, OrgUnit, User
from hanse.search import matching
from hanse.search.engines import Candidate, Plan, get_engine
from hanse.search.query import ParsedQuery, Term, parse

if TYPE_CHECKING:
    from django.db.models import QuerySet

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
    # Types whose count is a lower bound: more than ``counts[type]`` of them are visible
    # (checked), and more matches were not checked one by one ("mehr als 500").
    more: frozenset[str] = frozenset()
    total_more: bool = False  # the total is a lower bound too


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


# Counts are checked object by object against visible_to up to this many per type. Beyond
# it the count says "more than" a number that was checked: never the engine's own figure,
# which may hold what the person cannot see (a deleted post not yet gone from the index).
COUNT_CHECKED = 500
# Candidates fetched beyond a page, so that hits dropped by the live check rarely leave a
# page short; at most this many rounds of fetching.
OVERFETCH = 10
ROUNDS = 4
SUGGEST_CONTENT_TYPES = ("post", "comment", "announcement", "event", "file", "message")
MIN_SUGGEST_CHARS = 2
# Suggestions rank at most this many matches per group (names; content): a two-letter prefix
# matches a large part of a big index, and ranking all of it took seconds.
SUGGEST_CAP = 100
SUGGEST_CONTENT_CAP = 300
# Each group's share of the suggestions asked for (5: 3 people, 2 communities, 2 hashtags,
# 3 content hits).
SUGGEST_SHARES = {"person": 0.6, "community": 0.4, "hashtag": 0.4, "content": 0.6}


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _scopes(user: User) -> tuple[list[str], tuple[str, ...]]:
    """The scopes the person may read now: the listed ones, and the kinds they read all of."""
    listed = [searchable.PUBLIC]
    whole_kinds: list[str] = []
    for kind in searchable.scope_kinds():
        ids = kind.readable_ids(user)
        if ids is None:
            whole_kinds.append(kind.kind)
        else:
            listed += [f"{kind.kind}:{i}" for i in ids]
    return listed, tuple(whole_kinds)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _types_asked(query: SearchQuery, parsed: ParsedQuery) -> tuple[str, ...]:
    known = {t.key for t in searchable.result_types()}
    asked = tuple(dict.fromkeys(query.types + parsed.types))
    return tuple(t for t in asked if t in known) if asked else ()


def _plan(user: User, query: SearchQuery, parsed: ParsedQuery, types: tuple[str, ...]) -> Plan:
    scopes, whole_kinds = _scopes(user)
    usernames = [*parsed.authors, *([query.author.lstrip("@").casefold()] if query.author else [])]
    author_ids: tuple[int, ...] = ()
    if usernames:
        author_ids = tuple(User.objects.filter(username__in=usernames).values_list("id", flat=True))
        # Several from: mean all of them at once: one author cannot be two people.
        if len(set(usernames)) > 1 and len(author_ids) < len(set(usernames)):
            author_ids = ()
    slugs = [*parsed.communities, *([query.community] if query.community else [])]
    community_ids: tuple[int, ...] = ()
    if slugs:
        # Only communities the person may know of: a secret one's slug finds nothing.
        community_ids = tuple(
            Community.objects.visible_to(user).filter(slug__in=slugs).values_list("id", flat=True)
        )
    unit_ids: tuple[int, ...] = ()
    if query.unit is not None:
        unit = OrgUnit.objects.filter(pk=query.unit).first()
        unit_ids = (
            tuple(OrgUnit.objects.filter(path__startswith=unit.path).values_list("id", flat=True))
            if unit is not None
            else (-1,)
        )
    plan = Plan(
        parsed=parsed,
        types=types or tuple(t.key for t in searchable.result_types()),
        scopes=None if is_admin_all(whole_kinds) else scopes,
        author_ids=author_ids,
        community_ids=community_ids,
        unit_ids=unit_ids,
        date_from=_day_start(query.date_from) if query.date_from else None,
        date_to=_day_start(query.date_to + timedelta(days=1)) if query.date_to else None,
        file_type=(query.file_type or "").casefold()[:20],
        sort=query.sort if query.sort in SORTS else "relevance",
        now=timezone.now(),
        boost_communities=tuple(
            Membership.objects.filter(user=user).values_list("community_id", flat=True)
        ),
        boost_authors=tuple(
            Follow.objects.filter(follower=user).values_list("followee_id", flat=True)
        ),
        whole_scope_kinds=whole_kinds,
    )
    if slugs and not community_ids:
        plan = replace(plan, community_ids=(-1,))
    if usernames and not author_ids:
        plan = replace(plan, author_ids=(-1,))
    return plan


def is_admin_all(whole_kinds: tuple[str, ...]) -> bool:
    """No scope filter at all only when the person reads every kind of scope."""
    kinds = {k.kind for k in searchable.scope_kinds()}
    return bool(kinds) and kinds <= set(whole_kinds)


def _visible(stype: SearchableType, user: User, ids: list[int]) -> QuerySet[Any]:
    return stype.queryset().filter(pk__in=stype.visible_to(user).filter(pk__in=ids).values("pk"))


def _live_ok(plan: Plan, stype: SearchableType, doc: Document) -> bool:
    """The live object still fits: its words, and the filters on who, where and when."""
    if plan.author_ids and doc.author_id not in plan.author_ids:
        return False
    if plan.community_ids and doc.community_id not in plan.community_ids:
        return False
    if plan.unit_ids and doc.unit_id not in plan.unit_ids:
        return False
    if plan.date_from and (doc.created_at is None or doc.created_at < plan.date_from):
        return False
    if plan.date_to and (doc.created_at is None or doc.created_at >= plan.date_to):
        return False
    if plan.file_type and (doc.facets.get("file_type") or "").casefold() != plan.file_type:
        return False
    if not plan.parsed.has_words:
        return all(tag in matching.LiveText.of(doc).tags for tag in plan.parsed.tags)
    return matching.matches(plan.parsed, doc)


def _hits(user: User, plan: Plan, candidates: list[Candidate]) -> list[Hit]:
    """The candidates that pass visible_to and the live check, in their order."""
    by_type: dict[str, list[int]] = defaultdict(list)
    for c in candidates:
        by_type[c.type].append(c.object_id)
    live: dict[tuple[str, int], tuple[SearchableType, Any, Document]] = {}
    for type_key, ids in by_type.items():
        stype = searchable.get(type_key)
        if stype is None:
            continue
        for obj in _visible(stype, user, ids):
            doc = stype.to_document(obj)
            if doc is not None and _live_ok(plan, stype, doc):
                live[(type_key, obj.pk)] = (stype, obj, doc)
    terms = plan.parsed.all_terms()
    hits = []
    for c in candidates:
        found = live.get((c.type, c.object_id))
        if found is None:
            continue
        stype, obj, doc = found
        # The body only: keywords need not be shown, and the card shows the title already.
        hits.append(
            Hit(
                type=c.type,
                object_id=c.object_id,
                title=doc.title,
                snippet=matching.highlight(doc.body, terms),
                url=stype.url(obj),
                created_at=doc.created_at,
                author_id=doc.author_id,
                community_id=doc.community_id,
                score=c.score,
                obj=obj,
            )
        )
    return hits


def _counts(user: User, plan: Plan) -> tuple[dict[str, int], frozenset[str]]:
    """Per result type: the visible matches, and the types counted as "more than"."""
    counted = replace(plan, types=tuple(t.key for t in searchable.result_types()))
    found = get_engine().ids_per_type(counted, cap=COUNT_CHECKED)
    counts = {t.key: 0 for t in searchable.result_types()}
    more: set[str] = set()
    for type_key, (count, ids) in found.items():
        stype = searchable.get(type_key)
        if stype is None or type_key not in counts or not ids:
            continue
        visible = stype.visible_to(user).filter(pk__in=ids).count()
        if count <= COUNT_CHECKED:
            counts[type_key] = visible  # every match checked: exact
        elif visible > 0:
            # COUNT_CHECKED + 1 were checked; of those ``visible`` may be seen, so "more than
            # visible - 1" is true (more than 500 when all were), and nothing unchecked is
            # counted.
            counts[type_key] = min(visible - 1, COUNT_CHECKED)
            more.add(type_key)
    return counts, frozenset(more)


def _empty(query: SearchQuery, message: str | None) -> SearchResults:
    counts = {t.key: 0 for t in searchable.result_types()}
    return SearchResults(
        query=query, hits=[], total=0, counts=counts, has_next=False, message=message
    )


def search(*, user: User | None, query: SearchQuery) -> SearchResults:
    """One page of results for ``query`` as ``user`` may see them."""
    parsed = parse(query.text)
    has_side_filters = bool(
        query.community or query.author or query.unit or query.date_from or query.date_to
    )
    if parsed.message and not has_side_filters:
        return _empty(query, parsed.message)
    if user is None or not _signed_in(user):
        return _empty(query, None)
    if query.date_from and query.date_to and query.date_from > query.date_to:
        return _empty(query, _("The start date is after the end date."))
    types = _types_asked(query, parsed)
    if (query.types or parsed.types) and not types:
        return _empty(query, _("There is nothing of this type to search."))
    plan = _plan(user, query, parsed, types)
    per_page = max(1, min(int(query.per_page), MAX_PER_PAGE))
    page = max(1, min(int(query.page), 10_000))
    engine = get_engine()
    offset = (page - 1) * per_page
    hits: list[Hit] = []
    for _round in range(ROUNDS):
        want = per_page + 1 - len(hits)
        candidates = engine.candidates(plan, offset=offset, limit=want + OVERFETCH)
        hits += _hits(user, plan, candidates)
        offset += len(candidates)
        if len(hits) > per_page or len(candidates) < want + OVERFETCH:
            break
    counts, more = _counts(user, plan)
    chosen = plan.types
    total = sum(counts.get(k, 0) for k in chosen)
    message = " ".join(parsed.notes) or None
    return SearchResults(
        query=query,
        hits=hits[:per_page],
        total=total,
        counts=counts,
        has_next=len(hits) > per_page,
        message=message,
        more=more,
        total_more=any(k in more for k in chosen),
    )


def suggest(*, user: User | None, text: str, limit: int = 5) -> Suggestions:
    """Suggestions while typing (two letters or more): people, communities, hashtags, hits."""
    parsed = parse(text)
    if user is None or not _signed_in(user) or parsed.message or not parsed.has_words:
        return Suggestions()
    if sum(len(t.exact) for t in parsed.all_terms()) < MIN_SUGGEST_CHARS:
        return Suggestions()
    limit = max(1, min(limit, 10))
    engine = get_engine()
    base = _plan(user, SearchQuery(text=text), parsed, ())
    result = Suggestions()

    def best(types: tuple[str, ...], n: int, *, title_only: bool, cap: int) -> list[Hit]:
        registered = tuple(t for t in types if searchable.get(t) is not None)
        if not registered:
            return []
        plan = replace(base, types=registered, sort="relevance")
        found = engine.suggestions(plan, title_only=title_only, cap=cap, limit=n + 5)
        return _hits(user, plan, found)[:n]

    # Names are matched in the title only (a person's name, a community's, a tag), content
    # anywhere; each from a capped candidate set (engines.BaseEngine.suggestions).
    # Per group at most its share of ``limit`` (people and content first): the whole list
    # fits a phone's screen without scrolling.
    per = {k: max(1, round(limit * share)) for k, share in SUGGEST_SHARES.items()}
    result.people = [
        h.obj for h in best(("person",), per["person"], title_only=True, cap=SUGGEST_CAP)
    ]
    result.communities = [
        h.obj for h in best(("community",), per["community"], title_only=True, cap=SUGGEST_CAP)
    ]
    result.hashtags = [
        h.obj for h in best(("hashtag",), per["hashtag"], title_only=True, cap=SUGGEST_CAP)
    ]
    result.hits = best(
        SUGGEST_CONTENT_TYPES, per["content"], title_only=False, cap=SUGGEST_CONTENT_CAP
    )
    return result


MATCH_AUTHORS_CAP = 5000


def match_authors(
    *, user: User | None, text: str, types: tuple[str, ...] = ("post", "comment")
) -> dict[int, AuthorMatch]:
    """Per author, the visible documents of ``types`` that match ``text`` (expert finder).
    Only what the asking person may see counts."""
    parsed = parse(text)
    if user is None or not _signed_in(user) or parsed.message or not parsed.has_words:
        return {}
    registered = tuple(t for t in types if searchable.get(t) is not None)
    if not registered:
        return {}
    plan = replace(_plan(user, SearchQuery(text=text), parsed, registered), sort="relevance")
    candidates = get_engine().candidates(plan, offset=0, limit=MATCH_AUTHORS_CAP)
    by_type: dict[str, list[int]] = defaultdict(list)
    for c in candidates:
        by_type[c.type].append(c.object_id)
    authors = {(c.type, c.object_id): c.author_id for c in candidates}
    result: dict[int, AuthorMatch] = {}
    for type_key, ids in by_type.items():
        stype = searchable.get(type_key)
        if stype is None:
            continue
        visible = set(stype.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        for object_id in ids:
            author_id = authors.get((type_key, object_id))
            if object_id not in visible or author_id is None:
                continue
            match = result.setdefault(author_id, AuthorMatch(author_id, 0, {}))
            match.count += 1
            match.object_ids.setdefault(type_key, []).append(object_id)
    return result


# --- Similar objects of one type (hanse/core/searchable.py: similar) ---------------------
SIMILAR_MIN_CHARS = 4  # shorter words ("wie", "ich", "der") say little about a question
SIMILAR_WORDS = 4  # the longest words of the text are the ones asked for


def similar(user: User | None, text: str, type_key: str, limit: int = 5) -> list[Any]:
    """The objects of one type most like ``text`` that ``user`` may see, best first.

    A typed question is not a query: all its words need not match. The longest words
    (folded, stemmed) are asked for together first, then fewer of them, then each alone,
    until ``limit`` objects are found; every hit passes the type's ``visible_to``."""
    stype = searchable.get(type_key)
    if stype is None or user is None or not _signed_in(user) or limit < 1:
        return []
    parsed = parse(text)
    words: dict[str, Term] = {}
    for term in parsed.all_terms():
        if len(term.exact) >= SIMILAR_MIN_CHARS:
            words.setdefault(term.stem, Term(exact=term.exact, stem=term.stem))
    terms = sorted(words.values(), key=lambda t: -len(t.exact))[:SIMILAR_WORDS]
    if not terms:
        return []
    base = _plan(user, SearchQuery(text=""), ParsedQuery(), (type_key,))
    engine = get_engine()
    rounds = [tuple(terms[:n]) for n in range(len(terms), 1, -1)] + [(t,) for t in terms]
    found: dict[int, Any] = {}
    for asked in rounds:
        plan = replace(base, parsed=ParsedQuery(terms=asked))
        for hit in _hits(user, plan, engine.candidates(plan, offset=0, limit=limit + OVERFETCH)):
            found.setdefault(hit.object_id, hit.obj)
        if len(found) >= limit:
            break
    return list(found.values())[:limit]
