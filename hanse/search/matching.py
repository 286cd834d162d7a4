"""The live check and the snippet: does the object, as it is now, still match the words?

The index may lag behind an edit by the time the task queue takes; a hit is shown only if
the live object still matches, with the same rules as the engines (normalize.py: a word, its
stem, a prefix while typing, a compound part; phrases; excluded words). The snippet is cut
from the live text and highlights the matched words, escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from hanse.core.searchable import Document
from hanse.search import normalize
from hanse.search.query import ParsedQuery, Term

SNIPPET_WORDS = 30
MIN_COMPOUND = 3


@dataclass(frozen=True)
class LiveText:
    exact: tuple[str, ...]
    stems: tuple[str, ...]
    joined_exact: str
    tags: frozenset[str]

    @classmethod
    def of(cls, doc: Document) -> LiveText:
        text = " ".join(filter(None, [doc.title, doc.body, doc.keywords, " ".join(doc.tags)]))
        words = list(normalize.words(text))
        exact = tuple(normalize.fold(w) for w in words)
        tags = frozenset("".join(normalize.fold(x) for x in normalize.words(t)) for t in doc.tags)
        return cls(
            exact=exact,
            stems=tuple(normalize.stem(w) for w in words),
            joined_exact=" ".join(exact),
            tags=tags,
        )


def _word_hits(term: Term, exact: str, stem: str) -> bool:
    if stem == term.stem or exact == term.exact:
        return True
    return term.prefix and (stem.startswith(term.stem) or exact.startswith(term.exact))


def _term_matches(term: Term, live: LiveText, *, compound: bool) -> int:
    """0: no match; 1: a word or its stem (or a prefix); 2: only a compound part."""
    if any(_word_hits(term, e, s) for e, s in zip(live.exact, live.stems, strict=True)):
        return 1
    if compound and term.stem in live.joined_exact:
        return 2
    return 0


def _has_phrase(words: tuple[Term, ...], live: LiveText) -> bool:
    wanted = [w.stem for w in words]
    n = len(wanted)
    stems = live.stems
    return any(list(stems[i : i + n]) == wanted for i in range(len(stems) - n + 1))


def matches(parsed: ParsedQuery, doc: Document) -> bool:
    live = LiveText.of(doc)
    compound = bool(parsed.terms) and all(len(t.stem) >= MIN_COMPOUND for t in parsed.terms)
    if not all(_term_matches(t, live, compound=compound) for t in parsed.terms):
        return False
    if not all(_has_phrase(p, live) for p in parsed.phrases):
        return False
    if any(_has_phrase(p, live) for p in parsed.excluded):
        return False
    return all(tag in live.tags for tag in parsed.tags)


_TOKEN_SPLIT = re.compile(r"([^\W_]+)")


def _is_hit_word(word: str, terms: tuple[Term, ...]) -> bool:
    exact = normalize.fold(word)
    stem = normalize.stem(word)
    for term in terms:
        if _word_hits(term, exact, stem):
            return True
        if len(term.stem) >= MIN_COMPOUND and term.stem in exact:
            return True
    return False


def highlight(text: str, terms: tuple[Term, ...], *, words: int = SNIPPET_WORDS) -> SafeString:
    """Up to ``words`` words of ``text`` around the first match, escaped, with each matched
    word in <mark>…</mark>."""
    text = " ".join(text.split())
    parts = _TOKEN_SPLIT.split(text)
    # parts alternate: separator, word, separator, word, ..., separator
    word_positions = list(range(1, len(parts), 2))
    first = next((i for i in word_positions if _is_hit_word(parts[i], terms)), None)
    start_word = 0
    if first is not None:
        start_word = max(0, word_positions.index(first) - words // 3)
    end_word = start_word + words
    out: list[str] = []
    if start_word > 0:
        out.append("… ")
    begin = word_positions[start_word] if start_word < len(word_positions) else len(parts)
    end = word_positions[end_word] if end_word < len(word_positions) else len(parts)
    for index in range(begin, end):
        piece = parts[index]
        if index % 2 == 1 and terms and _is_hit_word(piece, terms):
            out.append(f"<mark>{html.escape(piece)}</mark>")
        else:
            out.append(html.escape(piece))
    if end < len(parts):
        out.append(" …")
    return mark_safe("".join(out).strip())  # noqa: S308  # every piece is escaped above
