"""The state that makes the daily computation incremental.

Recomputing the open week and month from all their raw edges every night grows with the
month (millions of edges at the end of it). Instead two things are kept between runs:

- ``EdgeDay``: per day, who had an interaction (a bitmask of person ids). A complete day
  does not change, so it is read from the edges once; daily active people and adoption are
  unions of these masks.
- ``PeriodState``: per open period, the edges up to ``through`` condensed per unit kind to
  the interactions between units and, per unit, a bitmask of the people who met someone of
  it (a person's own unit follows from the unit map stored with it). Yesterday's edges are
  added to it; the figures are derived from it.

Both are derived from the raw edges and can always be rebuilt from them: a full
computation builds the state from scratch with the same code the daily run uses to add a
day, so both give the same figures. The state is rebuilt in full when it cannot be trusted:
an interaction recorded late for a day it already holds (``LateDay``), a person whose unit
changed or who left or came back, or a period without state.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection

from hanse.analytics.models import EdgeDay, InteractionEdge, PeriodState
from hanse.analytics.org import DIMENSIONS, Org


def mask_of(people: Iterable[int]) -> int:
    """A bitmask with bit ``pk`` set for each person id."""
    ids = list(people)
    if not ids:
        return 0
    bits = bytearray(max(ids) // 8 + 1)
    for pk in ids:
        bits[pk >> 3] |= 1 << (pk & 7)
    return int.from_bytes(bits, "little")


def members(mask: int) -> set[int]:
    """The person ids of a bitmask."""
    if not mask:
        return set()
    bits = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    return {i * 8 + j for i, byte in enumerate(bits) if byte for j in range(8) if byte >> j & 1}


def _text(mask: int) -> str:
    return format(mask, "x") if mask else ""


def _mask(text: str) -> int:
    return int(text, 16) if text else 0


def _as_date(value: date | str) -> date:
    # SQLite hands a raw cursor's dates back as text.
    return value if isinstance(value, date) else date.fromisoformat(value)


# --- who was active on which day -------------------------------------------------------


def edge_days(first: date, until: date) -> dict[date, int]:
    """Per day in [first, until): who had an interaction that day, as a bitmask. Days not yet
    kept are read from the raw edges in one query and kept."""
    if until <= first:
        return {}
    kept = {
        row.day: _mask(row.people)
        for row in EdgeDay.objects.filter(day__gte=first, day__lt=until).only("day", "people")
    }
    missing = [first + timedelta(days=i) for i in range((until - first).days)]
    missing = [d for d in missing if d not in kept]
    if missing:
        found = _read_days(missing[0], missing[-1] + timedelta(days=1))
        fresh = {d: found.get(d, 0) for d in missing}
        EdgeDay.objects.bulk_create(
            [EdgeDay(day=d, people=_text(m)) for d, m in fresh.items()],
            ignore_conflicts=True,
        )
        kept.update(fresh)
    return kept


def _read_days(first: date, until: date) -> dict[date, int]:
    table = InteractionEdge._meta.db_table
    people: dict[date, set[int]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT day, a_id FROM {table} WHERE day >= %s AND day < %s "  # noqa: S608
            f"UNION SELECT day, b_id FROM {table} WHERE day >= %s AND day < %s",
            [first, until, first, until],
        )
        for day, pk in cursor.fetchall():
            people[_as_date(day)].add(pk)
    return {day: mask_of(ids) for day, ids in people.items()}


def edge_days_since_oldest(until: date) -> dict[date, int]:
    """Per day from the oldest edge still kept to ``until``: who had an interaction."""
    oldest = InteractionEdge.objects.order_by("day").values_list("day", flat=True).first()
    if oldest is None or oldest >= until:
        return {}
    return edge_days(oldest, until)


def forget_days(days: Iterable[date]) -> None:
    """These days got interactions late: read them from the edges again when next needed."""
    EdgeDay.objects.filter(day__in=list(days)).delete()


# --- the condensed interactions of a period --------------------------------------------

Parts = tuple[dict[tuple[str, str], int], dict[tuple[str, str], int], dict[str, int], int]


@dataclass
class Condensed:
    """A period's edges condensed to units: per unit kind the interactions between two units
    (keys sorted) and per unit the people who met someone of it; ``units`` maps each person
    who took part to their units (in DIMENSIONS order) when they were added, ``outside`` the
    people whose edges were left out because they are not in the organisation's map."""

    units: dict[int, tuple[str, ...]] = field(default_factory=dict)
    outside: set[int] = field(default_factory=set)
    cells: dict[str, dict[tuple[str, str], int]] = field(
        default_factory=lambda: {d: defaultdict(int) for d in DIMENSIONS}
    )
    touched: dict[str, dict[str, int]] = field(
        default_factory=lambda: {d: defaultdict(int) for d in DIMENSIONS}
    )

    def add(self, pairs: Iterable[tuple[int, int, int]], org: Org) -> None:
        """Add interactions: (person, person, how many). Counted per pair of unit tuples (a
        person's units of all kinds at once: few distinct ones), spread to the kinds after."""
        known = org.units["department"]
        maps = [org.units[d] for d in DIMENSIONS]
        units = self.units
        between: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = defaultdict(int)
        met: dict[tuple[str, ...], set[int]] = defaultdict(set)  # others' units -> people
        for a, b, w in pairs:
            ua = units.get(a)
            if ua is None:
                if a not in known:
                    self.outside.add(a)
                    continue
                ua = units[a] = tuple(m[a] for m in maps)
            ub = units.get(b)
            if ub is None:
                if b not in known:
                    self.outside.add(b)
                    continue
                ub = units[b] = tuple(m[b] for m in maps)
            between[(ua, ub)] += w
            met[ub].add(a)
            met[ua].add(b)
        for (ua, ub), w in between.items():
            for i, dim in enumerate(DIMENSIONS):
                ka, kb = ua[i], ub[i]
                self.cells[dim][(ka, kb) if ka <= kb else (kb, ka)] += w
        for others, people in met.items():
            mask = mask_of(people)
            for i, dim in enumerate(DIMENSIONS):
                self.touched[dim][others[i]] |= mask

    def merge(self, other: Condensed) -> None:
        """Add another condensation of the same organisation's map (other days): the same as
        adding its edges (``other`` is left as it is)."""
        self.units.update(other.units)
        self.outside |= other.outside
        for dim in DIMENSIONS:
            cells, touched = self.cells[dim], self.touched[dim]
            for key, n in other.cells[dim].items():
                cells[key] += n
            for unit, mask in other.touched[dim].items():
                touched[unit] |= mask

    def trusted(self, org: Org) -> bool:
        """Whether the organisation's map still says what it said when the edges were added."""
        maps = [org.units[d] for d in DIMENSIONS]
        known = org.units["department"]
        for pk, units in self.units.items():
            if pk not in known or tuple(m[pk] for m in maps) != units:
                return False
        return not any(pk in known for pk in self.outside)

    def parts(self) -> dict[str, Parts]:
        """Per unit kind: the interactions between units, how many people of a unit met
        someone of another (``(own, other)``), how many people of each unit took part, and
        how many met someone outside their unit (``compute.condense`` gives the same)."""
        result = {}
        for i, dim in enumerate(DIMENSIONS):
            own_of: dict[str, set[int]] = defaultdict(set)
            for pk, units in self.units.items():
                own_of[units[i]].add(pk)
            group = {unit: mask_of(people) for unit, people in own_of.items()}
            touches: dict[tuple[str, str], int] = {}
            everyone, crossed = 0, 0
            for other, mask in self.touched[dim].items():
                everyone |= mask
                crossed |= mask & ~group.get(other, 0)
                for unit, people in group.items():
                    n = (mask & people).bit_count()
                    if n:
                        touches[(unit, other)] = n
            own = {}
            for unit, people in group.items():
                n = (everyone & people).bit_count()
                if n:
                    own[unit] = n
            cells = {k: n for k, n in self.cells[dim].items() if n}
            result[dim] = (cells, touches, own, crossed.bit_count())
        return result

    def dumps(self) -> str:
        by_units: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for pk, units in self.units.items():
            by_units[units].add(pk)
        return json.dumps(
            {
                # Each distinct tuple of units with a bitmask of its people (compact).
                "units": [[list(u), _text(mask_of(p))] for u, p in by_units.items()],
                "outside": sorted(self.outside),
                "cells": {d: [[a, b, n] for (a, b), n in c.items()] for d, c in self.cells.items()},
                "touched": {
                    d: {k: _text(m) for k, m in t.items()} for d, t in self.touched.items()
                },
            },
            separators=(",", ":"),
        )

    @classmethod
    def loads(cls, text: str) -> Condensed:
        raw = json.loads(text)
        found = cls()
        for units, people in raw["units"]:
            key = tuple(units)
            for pk in members(_mask(people)):
                found.units[pk] = key
        found.outside = set(raw["outside"])
        for dim in DIMENSIONS:
            for a, b, n in raw["cells"][dim]:
                found.cells[dim][(a, b)] = n
            for unit, mask in raw["touched"][dim].items():
                found.touched[dim][unit] = _mask(mask)
        return found


# The days one run condensed already (a week and its month add the same day).
PairCache = dict[tuple[date, date], Condensed]


def read_pairs(first: date, until: date) -> list[tuple[int, int, int]]:
    """The pairs of people who interacted on a day in [first, until), with how often (the
    database counts; one row per pair)."""
    if until <= first:
        return []
    table = InteractionEdge._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a_id, b_id, COUNT(*) FROM {table} "  # noqa: S608 - our table
            "WHERE day >= %s AND day < %s GROUP BY a_id, b_id",
            [first, until],
        )
        return cursor.fetchall()


def condensed_for(
    period: str,
    start: date,
    until: date,
    org: Org,
    *,
    late: Collection[date] = (),
    full: bool = False,
    end: date | None = None,
    cache: PairCache | None = None,
) -> tuple[Condensed, bool]:
    """The period's edges of days before ``until`` condensed: from its kept state plus the
    days since, when that can be trusted, else (or ``full``) from all its edges. Returns the
    state and whether it was built in full, and keeps it while the period is open (``until``
    before ``end``); a complete period keeps only how far it was computed."""
    row = PeriodState.objects.filter(period=period, start=start).first()
    found: Condensed | None = None
    first = start
    if (
        not full
        and row is not None
        and row.data
        and row.through <= until
        and not any(start <= d < row.through for d in late)
    ):
        found = Condensed.loads(row.data)
        first = row.through
        if not found.trusted(org):
            found, first = None, start
    rebuilt = found is None
    if found is None:
        found = Condensed()
    if cache is None:
        found.add(read_pairs(first, until), org)
    else:
        if (first, until) not in cache:
            days = Condensed()
            days.add(read_pairs(first, until), org)
            cache[(first, until)] = days
        found.merge(cache[(first, until)])
    data = found.dumps() if end is None or until < end else ""
    PeriodState.objects.update_or_create(
        period=period, start=start, defaults={"through": until, "data": data}
    )
    return found, rebuilt


def forget_all() -> None:
    """Drop every kept state (a person was erased): the next run rebuilds it from the edges."""
    EdgeDay.objects.all().delete()
    PeriodState.objects.update(data="")
