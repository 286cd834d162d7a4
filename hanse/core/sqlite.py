"""SQLite: letter case beyond ASCII in LIKE, so that searching for "özdemir" finds "Özdemir".

Django turns ``icontains``, ``istartswith``, ``iexact`` (and, on SQLite, ``contains`` and
``startswith`` too) into ``LIKE %s ESCAPE '\\'``. SQLite's built-in LIKE folds only the 26
ASCII letters, so every search in Hanse missed umlauts of the other case on SQLite while
PostgreSQL (``UPPER(col) LIKE UPPER(%s)``) found them. SQLite lets an application replace
LIKE by defining ``like(pattern, text[, escape])``; this module does that on each new
connection (``CoreConfig.ready`` connects ``register`` to ``connection_created``).

Matching is Python's case-insensitive regular expressions: one character for one character
(Unicode simple case folding: Ö/ö, É/é, Ω/ω), as PostgreSQL's UPPER does per character. "ß"
therefore does not match "SS" on either database.

LOWER() and UPPER() are deliberately left as SQLite's own: the people table has an index on
``Lower("last_name"), Lower("first_name")``, built with the built-in LOWER; a different LOWER
would disagree with the entries already stored in existing databases and corrupt that index.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

# Patterns repeat for every row of one query and across requests: compile each once.
_PATTERN_CACHE = 1024


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _compile(pattern: str, escape: str | None) -> re.Pattern[str]:
    """A LIKE pattern as a regular expression: ``%`` any run of characters, ``_`` exactly one,
    the escape character makes the next one literal (Django escapes ``\\``, ``%`` and ``_``)."""
    if escape is not None and len(escape) != 1:
        raise ValueError("ESCAPE expression must be a single character")
    parts: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if escape is not None and ch == escape:
            # A trailing escape character stands for itself.
            parts.append(re.escape(next(chars, ch)))
        elif ch == "%":
            if not parts or parts[-1] != ".*":
                parts.append(".*")
        elif ch == "_":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    # A leading or trailing "%" becomes an unanchored search rather than ".*" at either end,
    # which spares the regex engine backtracking over the whole text.
    head = "" if parts[:1] == [".*"] else r"\A"
    tail = "" if parts[-1:] == [".*"] else r"\Z"
    body = parts[(1 if head == "" else 0) : (len(parts) - 1 if tail == "" else len(parts))]
    return re.compile(head + "".join(body) + tail, re.IGNORECASE | re.DOTALL)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def like(pattern: Any, value: Any, escape: Any = None) -> bool | None:
    """SQLite's ``like(X, Y[, Z])``: does text Y match pattern X, ignoring case (Unicode)?"""
    # Called once per row and column: the common case (text, text) takes no detour.
    try:
        return _compile(pattern, escape).search(value) is not None
    except TypeError:
        if pattern is None or value is None:
            return None
        return like(_text(pattern), _text(value), None if escape is None else _text(escape))


def register(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: replace LIKE on SQLite connections."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, like, deterministic=True)
    raw.create_function("like", 3, like, deterministic=True)
