"""SQLite: FTS5 over the exact and stemmed columns (BM25), FTS5 trigram for compound parts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hanse.search.engines import COMPOUND_FACTOR, TITLE_FACTOR, BaseEngine
from hanse.search.query import ParsedQuery, Term

STEM = "{title_stem body_stem}"
EXACT = "{title_exact body_exact}"
TITLE_STEM = "{title_stem}"
TITLE_EXACT = "{title_exact}"
# bm25 weights in the column order of search_fts: a word as written in the title counts
# most; the exact columns add to the stem columns, so exact words rank above stems.
BM25 = "bm25(search_fts, 6.0, 2.0, 3.0, 1.0)"
MIN_COMPOUND = 3  # trigram: shorter parts cannot be looked up


def _quoted(token: str) -> str:
    # Tokens are letters and digits only (normalize.WORD_RE); quoting makes every one,
    # AND/OR/NOT/NEAR included, a plain string to FTS5.
    return '"' + token.replace('"', '""') + '"'


def _term(term: Term, stem: str = STEM, exact: str = EXACT) -> str:
    star = "*" if term.prefix else ""
    return f"({stem}: {_quoted(term.stem)}{star} OR {exact}: {_quoted(term.exact)}{star})"


def _phrase(words: tuple[Term, ...], stem: str = STEM) -> str:
    return f"{stem}: {_quoted(' '.join(w.stem for w in words))}"


def match_expression(parsed: ParsedQuery) -> str:
    parts = [_term(t) for t in parsed.terms] + [_phrase(p) for p in parsed.phrases]
    return " AND ".join(parts)


def title_expression(parsed: ParsedQuery) -> str:
    """Every word and phrase in the title (a person's name, an event's title)."""
    parts = [_term(t, TITLE_STEM, TITLE_EXACT) for t in parsed.terms]
    parts += [_phrase(p, TITLE_STEM) for p in parsed.phrases]
    return " AND ".join(parts)


def phrases_expression(parsed: ParsedQuery) -> str:
    return " AND ".join(_phrase(p) for p in parsed.phrases)


def compound_expression(parsed: ParsedQuery) -> str | None:
    """Every term as a substring of the exact words, or None when a term is too short."""
    if not parsed.terms or any(len(t.stem) < MIN_COMPOUND for t in parsed.terms):
        return None
    return " AND ".join(_quoted(t.stem) for t in parsed.terms)


class SqliteEngine(BaseEngine):
    vendor = "sqlite"

    def _ranked(
        self,
        parsed: ParsedQuery,
        within: tuple[str, list[Any]] | None = None,
        *,
        titles: bool = False,
    ) -> tuple[str, list[Any]]:
        """(id, tier 0, rel) of the word matches, or of those among the ids ``within``
        (``titles``: all of which match in the title)."""
        only, only_params = "", []
        if within is not None:
            # "+rowid": the ids are checked on the rows the one MATCH scan yields; a plain
            # "rowid IN" would be handed to FTS5, which evaluates the MATCH again per id.
            only, only_params = f" AND +rowid IN ({within[0]})", within[1]
        match = match_expression(parsed)
        if titles:
            sql = f"SELECT rowid AS id, 0 AS tier, -{BM25} AS rel FROM search_fts"
            return sql + f" WHERE search_fts MATCH %s{only}", [match, *only_params]
        # The title match is one more FTS lookup, evaluated once (SQLite builds the IN list
        # before the scan).
        sql = (
            f"SELECT rowid AS id, 0 AS tier, -{BM25} * (CASE WHEN rowid IN"
            f" (SELECT rowid FROM search_fts WHERE search_fts MATCH %s{only})"
            f" THEN {TITLE_FACTOR} ELSE 1.0 END) AS rel"
            f" FROM search_fts WHERE search_fts MATCH %s{only}"
        )
        return sql, [title_expression(parsed), *only_params, match, *only_params]

    def match_ids_sql(self, parsed: ParsedQuery, *, title_only: bool) -> tuple[str, list[Any]]:
        sql = (
            "SELECT d.id AS id FROM search_fts"
            " JOIN search_searchdocument d ON d.id = search_fts.rowid"
            " WHERE search_fts MATCH %s"
        )
        return sql, [title_expression(parsed) if title_only else match_expression(parsed)]

    def newest_first(self) -> str:
        # FTS5 walks its doclists backwards: the newest documents without a sort.
        return "search_fts.rowid DESC"

    def ranked_within_sql(
        self, parsed: ParsedQuery, ids_sql: str, ids_params: list[Any], *, titles: bool
    ) -> tuple[str, list[Any]]:
        return self._ranked(parsed, (ids_sql, ids_params), titles=titles)

    def hits_sql(self, parsed: ParsedQuery) -> tuple[str, list[Any]]:
        sql, params = self._ranked(parsed)
        compound = compound_expression(parsed)
        if compound is not None:
            sql += (
                f" UNION ALL SELECT t.rowid AS id, 1 AS tier,"
                f" -bm25(search_tri) * {COMPOUND_FACTOR} AS rel"
                " FROM search_tri t WHERE search_tri MATCH %s"
                " AND t.rowid NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
            )
            params += [compound, match_expression(parsed)]
            if parsed.phrases:
                sql += " AND t.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
                params.append(phrases_expression(parsed))
        return sql, params

    def excluded_sql(self, parsed: ParsedQuery) -> tuple[str, list[Any]]:
        expression = " OR ".join(_phrase(p) for p in parsed.excluded)
        return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression]

    def age_days_sql(self) -> str:
        return "MAX(0.0, julianday(%s) - julianday(d.created_at))"

    def moment(self, value: datetime | None) -> Any:
        # Django stores aware datetimes on SQLite as naive UTC text ("2026-12-04 21:30:00");
        # compare text with text of the same shape.
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
