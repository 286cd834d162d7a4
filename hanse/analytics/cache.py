"""The dashboard's figures, cached per period, unit kind and language until the next
computation (or a change of the minimum group) gives them a new generation.

Everything the page, its CSV files and the API serve is built by ``exports.tables`` from the
visible aggregates; those change only when a period is computed or suppression is decided
again. Each of those bumps the generation after its commit, so a cached table is never older
than the flags it was built from. The audit entry of each view is written per request, as
before: only the figures are shared.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

GENERATION_KEY = "analytics:generation"
# A bound, not the mechanism: generations change after every computation anyway.
SECONDS = 24 * 3600


def generation() -> str:
    found = cache.get(GENERATION_KEY)
    if found is None:
        found = str(time.time_ns())
        cache.add(GENERATION_KEY, found, None)
        found = cache.get(GENERATION_KEY, found)
    return str(found)


def bump() -> None:
    """The aggregates or their flags changed: every cached figure is stale. Now, and again
    after the commit (a page read between the two saw the old rows under the new number)."""

    def new() -> None:
        cache.set(GENERATION_KEY, str(time.time_ns()), None)

    new()
    transaction.on_commit(new)


def cached(name: str, parts: tuple[Any, ...], build: Any) -> Any:
    """``build()`` once per generation, language and ``parts``."""
    key = ":".join(
        ["analytics", name, generation(), get_language() or "", *(str(p) for p in parts)]
    )
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, SECONDS)
    return found
