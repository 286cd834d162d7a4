"""Interaction kinds and the one way to report an interaction between two people.

Machinery only, like the searchable types: it imports no app. An app declares its kinds in
its own module and registers them from ``AppConfig.ready()``::

    from hanse.core import interactions

    interactions.register(interactions.InteractionKind("comment", _("Comment on a post")))

and reports what happened from its service, inside or outside the writer's transaction::

    interactions.interaction("comment", author.pk, post.author_id, timezone.localdate())

The report is kept only after the transaction commits (a rolled-back comment is no
interaction) and goes to the one sink that ``hanse.analytics`` installs. Network analytics are
off by default: then the sink drops the report after one primary-key read. Whatever the sink
raises is logged and swallowed: an interaction never breaks, and hardly slows, the write it
comes from (bench/analytics.py measures the cost). A person interacting with themselves is no
interaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from django.utils.functional import Promise

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InteractionKind:
    """One kind of interaction between two people ("comment", "mention", "dm")."""

    key: str
    label: str | Promise


@dataclass(frozen=True)
class Edge:
    """Two people (the smaller id first: an interaction has no direction), a kind, a day."""

    kind: str
    a_id: int
    b_id: int
    day: date


class Sink:
    """Where edges go: ``enabled()`` is asked before lazy pairs are computed."""

    def enabled(self) -> bool:
        raise NotImplementedError

    def __call__(self, edges: list[Edge]) -> None:
        raise NotImplementedError

    def search_missed(self, person_id: int, text: str, day: date) -> None:
        """A search that found nothing (see ``search_missed`` below); ignored by default."""


_kinds: dict[str, InteractionKind] = {}
_sink: Sink | None = None


def register(*kinds: InteractionKind) -> None:
    """Register kinds of interaction; a key registered twice is a programming error."""
    for kind in kinds:
        existing = _kinds.get(kind.key)
        if existing is not None and existing != kind:
            raise ValueError(f"Interaction kind {kind.key!r} is registered twice")
        _kinds[kind.key] = kind


def kinds() -> dict[str, InteractionKind]:
    """Every registered kind by key."""
    return dict(_kinds)


def label(key: str) -> str | Promise:
    kind = _kinds.get(key)
    return kind.label if kind else key


def set_sink(sink: Sink | None) -> None:
    """Install where edges go (hanse.analytics does, from its ready()); None drops them."""
    global _sink
    _sink = sink


Pairs = list[tuple[int | None, int | None]]


def _edges(kind: str, pairs: Pairs, day: date) -> list[Edge]:
    edges = []
    seen: set[tuple[int, int]] = set()
    for a_id, b_id in pairs:
        if a_id is None or b_id is None or a_id == b_id:
            continue  # nobody on one end, or a person with themselves
        a, b = (a_id, b_id) if a_id < b_id else (b_id, a_id)
        if (a, b) not in seen:
            seen.add((a, b))
            edges.append(Edge(kind=kind, a_id=a, b_id=b, day=day))
    return edges


def _deliver(kind: str, pairs: Pairs | Callable[[], Pairs], day: date) -> None:
    sink = _sink
    if sink is None:
        return
    try:
        if not sink.enabled():
            return
        edges = _edges(kind, pairs() if callable(pairs) else pairs, day)
        if edges:
            sink(edges)
    except Exception:
        # The write this came from has committed; losing an edge is better than failing it.
        logger.exception("Recording interactions of kind %s failed", kind)


def interaction(kind: str, a_id: int | None, b_id: int | None, day: date) -> None:
    """Report that two people interacted on ``day``; kept after the transaction commits."""
    interactions(kind, [(a_id, b_id)], day)


def interactions(kind: str, pairs: Pairs | Callable[[], Pairs], day: date) -> None:
    """Report several pairs of one kind at once (one insert after the commit). ``pairs`` may
    be a function, called after the commit and only while analytics record anything: a
    report that needs a query (the other member of a conversation) costs nothing when off."""
    if kind not in _kinds:
        # A typo must fail in tests, not silently record nothing.
        raise ValueError(f"Unknown interaction kind {kind!r}")
    if _sink is None or (not callable(pairs) and not pairs):
        return
    transaction.on_commit(lambda: _deliver(kind, pairs, day))


def search_missed(person_id: int | None, text: str, day: date) -> None:
    """Report a search that found nothing: network analytics show what people look for and
    do not find, counted by distinct people per month and withheld below the minimum group.
    The sink keeps no person id (hanse/analytics/recording.py). Never fails the search."""
    sink = _sink
    text = " ".join((text or "").split()).lower()
    if sink is None or person_id is None or not text:
        return
    try:
        if sink.enabled():
            sink.search_missed(person_id, text, day)
    except Exception:
        logger.exception("Recording a search without results failed")
