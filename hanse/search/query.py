"""The query parser: what a person types into the box, made safe for both engines.

Words are normalised by ``normalize`` exactly as documents are, and reach the engines only as
tokens of letters and digits, so no FTS5 or tsquery operator, quote or SQL survives parsing.
Recognised in the box:

- ``"a phrase"`` (an unbalanced quote runs to the end), ``-word`` and ``-"a phrase"`` exclude,
- ``from:@username``, ``in:community-slug``, ``#tag``, ``type:file`` (also German names),
- the last word is a prefix while typing (``Kred`` finds Kredit), unless a space follows it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hanse.search import normalize

MAX_QUERY_CHARS = 300
MAX_TERMS = 12
# Fewer letters than this match too much as a prefix to be worth the engines' time.
MIN_PREFIX = 2

# type:… in the box: registry keys and the words people use for them.
TYPE_ALIASES = {
    "post": "post",
    "posts": "post",
    "beitrag": "post",
    "beitrage": "post",
    "comment": "comment",
    "comments": "comment",
    "kommentar": "comment",
    "kommentare": "comment",
    "announcement": "announcement",
    "ankundigung": "announcement",
    "person": "person",
    "people": "person",
    "personen": "person",
    "user": "person",
    "community": "community",
    "communities": "community",
    "gemeinschaft": "community",
    "event": "event",
    "events": "event",
    "termin": "event",
    "termine": "event",
    "veranstaltung": "event",
    "file": "file",
    "files": "file",
    "datei": "file",
    "dateien": "file",
    "message": "message",
    "messages": "message",
    "chat": "message",
    "nachricht": "message",
    "nachrichten": "message",
    "hashtag": "hashtag",
    "tag": "hashtag",
}

_TOKEN_RE = re.compile(r'-?"[^"]*"?|\S+')
_NAME_RE = re.compile(r"[^\w.@+-]")


@dataclass(frozen=True)
class Term:
    exact: str  # folded word (muller)
    stem: str  # folded Snowball stem (mull)
    prefix: bool = False

    @classmethod
    def of(cls, word: str, *, prefix: bool = False) -> Term:
        exact = normalize.fold(word)
        return cls(exact=exact, stem=normalize.stem(word), prefix=prefix)


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...] = ()  # each must match (stem, exact or as a compound part)
    phrases: tuple[tuple[Term, ...], ...] = ()  # each must match word for word (stems)
    excluded: tuple[tuple[Term, ...], ...] = ()  # none may match (a word is a 1-word phrase)
    authors: tuple[str, ...] = ()  # usernames (from:@…)
    communities: tuple[str, ...] = ()  # slugs (in:…)
    tags: tuple[str, ...] = ()  # folded tag names (#…)
    types: tuple[str, ...] = ()  # registry keys (type:…)
    message: str | None = None  # why nothing can be searched, for the person
    notes: tuple[str, ...] = field(default=())  # what was left out (too long, unknown type)

    @property
    def has_words(self) -> bool:
        return bool(self.terms or self.phrases)

    @property
    def has_filters(self) -> bool:
        return bool(self.authors or self.communities or self.tags or self.types)

    def all_terms(self) -> tuple[Term, ...]:
        """Every positive word: the terms and the words of the phrases (for highlighting)."""
        return self.terms + tuple(t for phrase in self.phrases for t in phrase)


def clean(text: str) -> str:
    """The box text without control or format characters, at most MAX_QUERY_CHARS long."""
    text = unicodedata.normalize("NFC", str(text)[: MAX_QUERY_CHARS * 4])
    kept = (
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"} else ch
        for ch in text
    )
    return "".join(kept)[:MAX_QUERY_CHARS]


def _name(value: str) -> str:
    return _NAME_RE.sub("", value.lstrip("@")).casefold()[:150]


def parse(text: str) -> ParsedQuery:
    """Parse the box text; never raises, whatever it holds."""
    raw = str(text or "")
    notes: list[str] = []
    if len(raw) > MAX_QUERY_CHARS:
        notes.append(_("Only the first %(n)d characters were searched.") % {"n": MAX_QUERY_CHARS})
    cleaned = clean(raw)
    terms: list[Term] = []
    phrases: list[tuple[Term, ...]] = []
    excluded: list[tuple[Term, ...]] = []
    authors: list[str] = []
    communities: list[str] = []
    tags: list[str] = []
    types: list[str] = []
    last_plain_word_index: int | None = None
    tokens = _TOKEN_RE.findall(cleaned)
    for index, token in enumerate(tokens):
        negative = token.startswith("-") and len(token) > 1
        body = token[1:] if negative else token
        if body.startswith('"'):
            words = tuple(Term.of(w) for w in normalize.words(body.strip('"')))
            if not words:
                continue
            if negative:
                excluded.append(words)
            elif len(words) == 1:
                terms.append(words[0])
            else:
                phrases.append(words)
            continue
        lowered = body.casefold()
        if not negative and lowered.startswith("from:") and len(body) > 5:
            if name := _name(body[5:]):
                authors.append(name)
            continue
        if not negative and lowered.startswith("in:") and len(body) > 3:
            if slug := _name(body[3:]):
                communities.append(slug)
            continue
        if not negative and lowered.startswith("type:") and len(body) > 5:
            key = TYPE_ALIASES.get(normalize.fold(body[5:]))
            if key:
                types.append(key)
            else:
                notes.append(_("Unknown type “%(type)s” was left out.") % {"type": body[5:40]})
            continue
        if not negative and body.startswith("#") and len(body) > 1:
            tag = "".join(normalize.fold(w) for w in normalize.words(body[1:]))
            if tag:
                tags.append(tag)
            continue
        words = tuple(Term.of(w) for w in normalize.words(body))
        if not words:
            continue
        if negative:
            excluded.append(words if len(words) > 1 else (words[0],))
        elif len(words) > 1:
            # "E-Mail", "Baufinanzierung/Kredit": the parts as written, next to each other.
            phrases.append(words)
        else:
            terms.append(words[0])
            if index == len(tokens) - 1:
                last_plain_word_index = len(terms) - 1
    if len(terms) + sum(len(p) for p in phrases) > MAX_TERMS:
        notes.append(_("Only the first %(n)d words were searched.") % {"n": MAX_TERMS})
        terms = terms[:MAX_TERMS]
        phrases = phrases[: max(0, MAX_TERMS - len(terms))]
        if last_plain_word_index is not None and last_plain_word_index >= len(terms):
            last_plain_word_index = None
    # Search as you type: the word being typed is a prefix, unless a space ended it.
    if (
        last_plain_word_index is not None
        and cleaned
        and not cleaned[-1].isspace()
        and len(terms[last_plain_word_index].exact) >= MIN_PREFIX
    ):
        word = terms[last_plain_word_index]
        terms[last_plain_word_index] = Term(exact=word.exact, stem=word.stem, prefix=True)
    message = None
    parsed = ParsedQuery(
        terms=tuple(terms),
        phrases=tuple(phrases),
        excluded=tuple(excluded[:MAX_TERMS]),
        authors=tuple(dict.fromkeys(authors)),
        communities=tuple(dict.fromkeys(communities)),
        tags=tuple(dict.fromkeys(tags)),
        types=tuple(dict.fromkeys(types)),
        notes=tuple(notes),
    )
    if not parsed.has_words and not parsed.has_filters:
        if excluded:
            message = _("Add a word to search for: a minus sign only leaves words out.")
        else:
            message = _("Type a word to search for.")
        return ParsedQuery(notes=tuple(notes), message=message)
    return parsed
