"""The two engines behind one interface: SQL over the index table for SQLite and PostgreSQL.

An engine turns a :class:`Plan` (the parsed words, the filters resolved to ids, the scopes
the person may read now) into candidate rows, best first, and counts per type. Candidates are
not results: the selectors check each against its type's ``visible_to`` and the live object.
Everything user-typed reaches SQL as a parameter; the match expressions are built from
normalised tokens (letters and digits only, hanse/search/normalize.py) and passed as
parameters too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from hanse.core import searchable
from hanse.search.query import ParsedQuery

# Relevance factors, the same on both engines.
RECENCY_BOOST = 0.5  # a document of today scores up to 1.5 times one of long ago
RECENCY_DAYS = 30.0  # ... half of that after a month
TIMELESS_RECENCY = 1.0 + RECENCY_BOOST / 2  # the recency factor of a month-old document
AFFINITY_BOOST = 1.15  # my communities, people I follow
# Every word found in the title or name (not only in the text): a person's name above the
# comments that @mention them, an event's title above the chat messages naming it. BM25
# saturates the frequency a column weight multiplies, so a weight alone cannot say this.
TITLE_FACTOR = 3.0
COMPOUND_FACTOR = 0.2  # a compound part scores below a word (and is ordered after words)
SORTS = {"relevance", "newest", "oldest"}


@dataclass
class Plan:
    parsed: ParsedQuery
    types: tuple[str, ...]  # () = every type
    scopes: list[str] | None  # None = no scope filter (a platform admin)
    author_ids: tuple[int, ...] = ()
    community_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    date_from: datetime | None = None
    date_to: datetime | None = None  # exclusive
    file_type: str = ""
    sort: str = "relevance"
    now: datetime | None = None
    boost_communities: tuple[int, ...] = ()
    boost_authors: tuple[int, ...] = ()
    excluded_types: tuple[str, ...] = field(default=())
    # Scope kinds the person reads all of (a platform admin: every community).
    whole_scope_kinds: tuple[str, ...] = ()


@dataclass
class Candidate:
    doc_id: int
    type: str
    object_id: int
    score: float
    created_at: Any
    tier: int  # 0 words and stems, 1 compound parts only
    author_id: int | None = None


def _in(column: str, values: tuple[Any, ...] | list[Any]) -> tuple[str, list[Any]]:
    if not values:
        return "1=0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


class BaseEngine:
    vendor = ""

    # --- the engine-specific parts -------------------------------------------------------
    def hits_sql(self, parsed: ParsedQuery) -> tuple[str, list[Any]]:
        """SQL of (id, tier, rel) for the documents matching the words."""
        raise NotImplementedError

    def excluded_sql(self, parsed: ParsedQuery) -> tuple[str, list[Any]]:
        """SQL of the ids of documents holding an excluded word or phrase."""
        raise NotImplementedError

    def age_days_sql(self) -> str:
        raise NotImplementedError

    def match_ids_sql(self, parsed: ParsedQuery, *, title_only: bool) -> tuple[str, list[Any]]:
        """SQL selecting ``d.id`` of the documents matching the words (in the title only),
        from an index; the caller adds filters on ``d`` and a limit."""
        raise NotImplementedError

    def newest_first(self) -> str:
        """An order of match_ids_sql's rows that the index gives without a sort, or ""."""
        raise NotImplementedError

    def ranked_within_sql(
        self, parsed: ParsedQuery, ids_sql: str, ids_params: list[Any], *, titles: bool
    ) -> tuple[str, list[Any]]:
        """hits_sql's (id, tier, rel) for the documents among ``ids_sql`` only (``titles``:
        they all match in the title, so the title factor changes no order)."""
        raise NotImplementedError

    def moment(self, value: datetime | None) -> Any:
        """A datetime as the engine compares it with the stored column."""
        return value

    # --- shared -----------------------------------------------------------------------
    def filters(self, plan: Plan, *, with_types: bool = True) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []

        def add(sql: str, values: list[Any]) -> None:
            where.append(sql)
            params.extend(values)

        if with_types and plan.types:
            add(*_in("d.type", plan.types))
        if plan.excluded_types:
            sql, values = _in("d.type", plan.excluded_types)
            add(f"NOT ({sql})", values)
        if plan.scopes is not None:
            sql, values = _in("d.scope", plan.scopes)
            for kind in plan.whole_scope_kinds:
                sql += " OR d.scope LIKE %s"
                values.append(f"{kind}:%")
            add(f"({sql})", values)
        if plan.parsed.authors or plan.author_ids:
            add(*_in("d.author_id", plan.author_ids))
        if plan.parsed.communities or plan.community_ids:
            add(*_in("d.community_id", plan.community_ids))
        if plan.unit_ids:
            add(*_in("d.unit_id", plan.unit_ids))
        if plan.date_from is not None:
            add("d.created_at >= %s", [self.moment(plan.date_from)])
        if plan.date_to is not None:
            add("d.created_at < %s", [self.moment(plan.date_to)])
        if plan.file_type:
            add("d.file_type = %s", [plan.file_type])
        for tag in plan.parsed.tags:
            add("d.tags LIKE %s", [f"% {tag} %"])
        if plan.parsed.excluded:
            sql, values = self.excluded_sql(plan.parsed)
            add(f"d.id NOT IN ({sql})", values)
        return where, params

    def _score_sql(self, plan: Plan) -> tuple[str, list[Any]]:
        params: list[Any] = [self.moment(plan.now or timezone.now())]
        recency = (
            f"(1.0 + {RECENCY_BOOST} / (1.0 + "
            f"(CASE WHEN d.created_at IS NULL THEN 365.0 ELSE {self.age_days_sql()} END)"
            f" / {RECENCY_DAYS}))"
        )
        # A person, a community or a hashtag does not age: it ranks as content of a month
        # ago does (its joining or founding date says nothing of its relevance now).
        timeless = [t.key for t in searchable.all_types() if not t.dated]
        if timeless:
            sql, values = _in("d.type", timeless)
            recency = f"(CASE WHEN {sql} THEN {TIMELESS_RECENCY} ELSE {recency} END)"
            params = values + params
        affinity_parts: list[str] = []
        if plan.boost_communities:
            sql, values = _in("d.community_id", plan.boost_communities)
            affinity_parts.append(sql)
            params.extend(values)
        if plan.boost_authors:
            sql, values = _in("d.author_id", plan.boost_authors)
            affinity_parts.append(sql)
            params.extend(values)
        affinity = "1.0"
        if affinity_parts:
            affinity = (
                f"(CASE WHEN {' OR '.join(affinity_parts)} THEN {AFFINITY_BOOST} ELSE 1.0 END)"
            )
        return f"h.rel * {recency} * {affinity}", params

    def _order(self, plan: Plan) -> str:
        if plan.sort == "newest":
            return "d.created_at DESC, d.id DESC"
        if plan.sort == "oldest":
            return "d.created_at ASC, d.id ASC"
        return "tier ASC, score DESC, d.id DESC"

    def _base(self, plan: Plan, *, with_types: bool = True) -> tuple[str, list[Any]]:
        """FROM … WHERE …, selecting d.*, tier and score."""
        where, where_params = self.filters(plan, with_types=with_types)
        if plan.parsed.has_words:
            hits, hit_params = self.hits_sql(plan.parsed)
            score, score_params = self._score_sql(plan)
            sql = (
                f"SELECT d.id, d.type, d.object_id, h.tier AS tier, {score} AS score, d.created_at,"
                " d.author_id"
                f" FROM ({hits}) h JOIN search_searchdocument d ON d.id = h.id"
            )
            params = score_params + hit_params
        else:
            # Filters only (from:@anna): every document they allow, newest first.
            sql = (
                "SELECT d.id, d.type, d.object_id, 0 AS tier, 0.0 AS score, d.created_at,"
                " d.author_id"
                " FROM search_searchdocument d"
            )
            params = []
        if where:
            sql += " WHERE " + " AND ".join(where)
        return sql, params + where_params

    def candidates(self, plan: Plan, *, offset: int, limit: int) -> list[Candidate]:
        base, params = self._base(plan)
        order = self._order(plan)
        if not plan.parsed.has_words and plan.sort == "relevance":
            order = "d.created_at DESC, d.id DESC"
        # ORDER BY names the select list's aliases through a subquery (PostgreSQL cannot
        # order by an alias inside an expression).
        sql = f"SELECT * FROM ({base}) AS d ORDER BY {order} LIMIT %s OFFSET %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit, offset])
            rows = cursor.fetchall()
        return [
            Candidate(
                doc_id=row[0],
                type=row[1],
                object_id=row[2],
                tier=row[3],
                score=float(row[4] or 0.0),
                created_at=row[5],
                author_id=row[6],
            )
            for row in rows
        ]

    def suggestions(self, plan: Plan, *, title_only: bool, cap: int, limit: int) -> list[Candidate]:
        """The best ``limit`` of at most ``cap`` matches, for suggestions while typing.

        Ranking every match of a two-letter prefix is what made suggestions slow on a large
        index: here the index gives up to ``cap`` matching ids (newest first where it can,
        without sorting), the filters and scopes apply to those, and only they are ranked.
        """
        if not plan.parsed.has_words:
            return []
        ids_sql, ids_params = self.match_ids_sql(plan.parsed, title_only=title_only)
        where, where_params = self.filters(plan)
        if where:
            ids_sql += " AND " + " AND ".join(where)
        order = self.newest_first()
        ids_sql += (f" ORDER BY {order}" if order else "") + " LIMIT %s"
        ids_params = [*ids_params, *where_params, cap]
        hits, hit_params = self.ranked_within_sql(
            plan.parsed, ids_sql, ids_params, titles=title_only
        )
        score, score_params = self._score_sql(plan)
        sql = (
            "SELECT * FROM ("
            f"SELECT d.id, d.type, d.object_id, h.tier AS tier, {score} AS score, d.created_at,"
            " d.author_id"
            f" FROM ({hits}) h JOIN search_searchdocument d ON d.id = h.id"
            ") AS d ORDER BY score DESC, d.id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*score_params, *hit_params, limit])
            rows = cursor.fetchall()
        return [
            Candidate(
                doc_id=row[0],
                type=row[1],
                object_id=row[2],
                tier=row[3],
                score=float(row[4] or 0.0),
                created_at=row[5],
                author_id=row[6],
            )
            for row in rows
        ]

    def ids_per_type(self, plan: Plan, *, cap: int) -> dict[str, tuple[int, list[int]]]:
        """Per type: the number of matching documents and the object ids of up to ``cap`` + 1
        of them (to check against visible_to; one more than ``cap`` says "more than cap")."""
        base, params = self._base(plan, with_types=False)
        # One evaluation of the match: the count per type, and the first ``cap`` ids of each.
        sql = (
            "SELECT w.type, w.object_id, w.n FROM ("
            " SELECT d.type, d.object_id, COUNT(*) OVER (PARTITION BY d.type) AS n,"
            " ROW_NUMBER() OVER (PARTITION BY d.type ORDER BY d.id) AS rn"
            f" FROM ({base}) AS d) AS w WHERE w.rn <= %s"
        )
        counts: dict[str, int] = {}
        found: dict[str, list[int]] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, cap + 1])
            for type_key, object_id, n in cursor.fetchall():
                counts[type_key] = int(n)
                found.setdefault(type_key, []).append(object_id)
        return {t: (n, found[t]) for t, n in counts.items()}


def get_engine() -> BaseEngine:
    if connection.vendor == "postgresql":
        # Imported here so each engine module is loaded only for its own database.
        from hanse.search.engines.postgres import PostgresEngine

        return PostgresEngine()
    from hanse.search.engines.sqlite import SqliteEngine  # loaded only for SQLite

    return SqliteEngine()
