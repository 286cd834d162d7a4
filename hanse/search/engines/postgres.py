"""PostgreSQL: tsvector columns of the normalised text (ts_rank_cd, title weight A above body
weight B), pg_trgm for compound parts. The 'simple' configuration only splits the tokens that
hanse/search/normalize.py made, so both engines match the same words."""

from __future__ import annotations

from typing import Any

from hanse.search.engines import COMPOUND_FACTOR, TITLE_FACTOR, BaseEngine
from hanse.search.query import ParsedQuery, Term

EXACT_WEIGHT = 1.5  # an exact word adds to its stem's rank: exact above stem
MIN_COMPOUND = 3
TEXT = "(X.title_exact || ' ' || X.body_exact)"  # the expression of the trigram index


def _lexeme(token: str, prefix: bool = False, weight: str = "") -> str:
    # Tokens are letters and digits only (normalize.WORD_RE): quoting is enough for tsquery.
    # A weight letter (A: the title) restricts the lexeme to that part of the vector.
    marks = ("*" if prefix else "") + weight
    return "'" + token.replace("'", "''") + "'" + (f":{marks}" if marks else "")


def _phrase(words: tuple[Term, ...], weight: str = "") -> str:
    return "(" + " <-> ".join(_lexeme(w.stem, weight=weight) for w in words) + ")"


def _in_title(parsed: ParsedQuery, alias: str) -> tuple[str, list[Any]]:
    """Every word (its stem or as written) and phrase in the title: weight A."""
    sql: list[str] = []
    params: list[Any] = []
    for term in parsed.terms:
        sql.append(
            f"({alias}.stem_vec @@ to_tsquery('simple', %s)"
            f" OR {alias}.exact_vec @@ to_tsquery('simple', %s))"
        )
        params += [_lexeme(term.stem, term.prefix, "A"), _lexeme(term.exact, term.prefix, "A")]
    if parsed.phrases:
        sql.append(f"{alias}.stem_vec @@ to_tsquery('simple', %s)")
        params.append(" & ".join(_phrase(p, "A") for p in parsed.phrases))
    return " AND ".join(sql) or "FALSE", params


def _conditions(parsed: ParsedQuery, alias: str) -> tuple[str, list[Any]]:
    """Each term and phrase must match; one tsquery for all but the prefix word, which may
    match its stem or its exact form."""
    parts = [_lexeme(t.stem) for t in parsed.terms if not t.prefix]
    parts += [_phrase(p) for p in parsed.phrases]
    sql: list[str] = []
    params: list[Any] = []
    if parts:
        sql.append(f"{alias}.stem_vec @@ to_tsquery('simple', %s)")
        params.append(" & ".join(parts))
    for term in parsed.terms:
        if term.prefix:
            sql.append(
                f"({alias}.stem_vec @@ to_tsquery('simple', %s)"
                f" OR {alias}.exact_vec @@ to_tsquery('simple', %s))"
            )
            params += [_lexeme(term.stem, True), _lexeme(term.exact, True)]
    return " AND ".join(sql), params


class PostgresEngine(BaseEngine):
    vendor = "postgresql"

    def _ranked(
        self, parsed: ParsedQuery, where: str, where_params: list[Any]
    ) -> tuple[str, list[Any]]:
        rank_stem = " & ".join(
            [_lexeme(t.stem, t.prefix) for t in parsed.terms] + [_phrase(p) for p in parsed.phrases]
        )
        rank_exact = " | ".join(_lexeme(t.exact, t.prefix) for t in parsed.all_terms())
        title, title_params = _in_title(parsed, "d2")
        sql = (
            "SELECT d2.id AS id, 0 AS tier,"
            " (ts_rank_cd(d2.stem_vec, to_tsquery('simple', %s))"
            f" + {EXACT_WEIGHT} * ts_rank_cd(d2.exact_vec, to_tsquery('simple', %s)))"
            f" * (CASE WHEN {title} THEN {TITLE_FACTOR} ELSE 1.0 END) AS rel"
            f" FROM search_searchdocument d2 WHERE {where}"
        )
        return sql, [rank_stem, rank_exact, *title_params, *where_params]

    def match_ids_sql(self, parsed: ParsedQuery, *, title_only: bool) -> tuple[str, list[Any]]:
        # Title only: the weight-A lexemes, looked up in the same GIN indexes (rechecked).
        words, params = _in_title(parsed, "d") if title_only else _conditions(parsed, "d")
        return f"SELECT d.id AS id FROM search_searchdocument d WHERE {words}", params

    def newest_first(self) -> str:
        # No order: a sort would read every match (or walk the whole table by id for a rare
        # word); a bitmap scan stops after the cap. A short prefix is answered by some of its
        # matches, a longer word (fewer matches than the cap) by all of them.
        return ""

    def ranked_within_sql(
        self, parsed: ParsedQuery, ids_sql: str, ids_params: list[Any], *, titles: bool
    ) -> tuple[str, list[Any]]:
        # The title factor is one check per ranked row here (not a scan): kept either way.
        return self._ranked(parsed, f"d2.id IN ({ids_sql})", ids_params)

    def hits_sql(self, parsed: ParsedQuery) -> tuple[str, list[Any]]:
        words, word_params = _conditions(parsed, "d2")
        sql, params = self._ranked(parsed, words, word_params)
        if parsed.terms and all(len(t.stem) >= MIN_COMPOUND for t in parsed.terms):
            text = TEXT.replace("X", "d3")
            likes = " AND ".join(f"{text} LIKE %s" for _ in parsed.terms)
            not_words, not_params = _conditions(parsed, "d3")
            sql += (
                f" UNION ALL SELECT d3.id AS id, 1 AS tier, {COMPOUND_FACTOR} * 0.1 AS rel"
                f" FROM search_searchdocument d3 WHERE {likes} AND NOT ({not_words})"
            )
            params += [f"%{t.stem}%" for t in parsed.terms] + not_params
            if parsed.phrases:
                sql += " AND d3.stem_vec @@ to_tsquery('simple', %s)"
                params.append(" & ".join(_phrase(p) for p in parsed.phrases))
        return sql, params

    def excluded_sql(self, parsed: ParsedQuery) -> tuple[str, list[Any]]:
        expression = " | ".join(_phrase(p) for p in parsed.excluded)
        return (
            "SELECT e.id FROM search_searchdocument e WHERE e.stem_vec @@ to_tsquery('simple', %s)",
            [expression],
        )

    def age_days_sql(self) -> str:
        return "GREATEST(0.0, EXTRACT(EPOCH FROM (%s::timestamptz - d.created_at)) / 86400.0)"
