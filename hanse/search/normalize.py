"""German text normalisation, in Python, for documents and queries alike.

Both engines index what this module produces (space-separated tokens), so SQLite and
PostgreSQL find the same documents for the same words:

- ``exact``: lower case with umlauts and ß folded (Müller, Mueller and muller are all
  ``muller``; Straße and Strasse are ``strasse``).
- ``stem``: the Snowball German stem of the word, folded the same way (Kredite and Kredit are
  ``kredit``, Filialen and Filiale ``filial``; a female job title stems as the male one).

Compound parts ("Finanzierung" in "Baufinanzierung") are found by substring (trigram)
matching on the exact tokens, by the engines.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

import snowballstemmer

# Letters and digits; an underscore or any punctuation separates words (as in both engines'
# tokenizers, so a token here is one token there).
WORD_RE = re.compile(r"[^\W_]+")
# A longer "word" is a hash, a URL fragment or an attack: cut it, it is never typed.
MAX_WORD = 40
# Enough for a long file's text; beyond it a document is indexed by its beginning.
MAX_INDEXED_CHARS = 200_000

_stemmer = snowballstemmer.stemmer("german")
_DIGRAPHS = re.compile(r"(?<!q)(ae|oe|ue)")
_DIGRAPH_TO = {"ae": "a", "oe": "o", "ue": "u"}


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """One word in lower case without umlauts or accents: Müller, Mueller, MULLER → muller."""
    word = word.casefold().replace("ß", "ss")  # casefold already maps ß → ss; be explicit
    word = _strip_marks(word)
    return _DIGRAPHS.sub(lambda m: _DIGRAPH_TO[m.group(1)], word)


# Female job titles and their plurals (Beraterin, Beraterinnen, Systemadministratorin,
# Referentin, Juristin): Snowball keeps the "-in", so they would not find the male form that
# titles, skills and texts also use. The suffix goes before stemming, on both sides, after
# the endings of person nouns only (a Termin, Benzin or Magazin keeps its "in").
_FEMALE = re.compile(r"(?<=...)(er|or|ist|yst|ent|ant|eur|ier)(?:in|innen)$")


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Snowball German stem of one word, folded: Kredite → kredit, Müller → mull,
    Beraterin → berat (as Berater)."""
    lowered = unicodedata.normalize("NFC", word.casefold())
    lowered = _FEMALE.sub(r"\1", lowered)
    return fold(_stemmer.stemWord(lowered))


def words(text: str) -> Iterator[str]:
    """The words of ``text`` as typed (letters and digits), each at most MAX_WORD long."""
    for match in WORD_RE.finditer(unicodedata.normalize("NFC", text[:MAX_INDEXED_CHARS])):
        yield match.group(0)[:MAX_WORD]


def exact_text(text: str) -> str:
    return " ".join(fold(w) for w in words(text))


def stem_text(text: str) -> str:
    return " ".join(stem(w) for w in words(text))
