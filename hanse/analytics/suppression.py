"""Small-group suppression: no figure shown, exported or served derives from fewer than N
people, alone or together with totals or with another view of the same data.

1. Primary: a figure from fewer than N distinct people is withheld.
2. Complementary: wherever shown figures add up to a shown total (the units of one kind add
   up to the organisation, a region's departments to the region, the cells of the unit
   matrix to all interactions, the weeks that exactly make up a month to the month), the
   withheld parts of that total together must again come from at least N people; otherwise
   the next smallest part is withheld too, and if none is left, the total. Repeated until
   nothing changes. For parts that share no person (units of one kind) their people add up;
   for parts that may (matrix cells, weeks) only the largest part counts, which can only
   withhold more.

The whole family of figures a period's pages can show (its month with the weeks that tile
it) is suppressed at once, so every page, export and API answer withholds the same cells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from hanse.analytics.org import DIMENSIONS

PERSON_MEASURES = ("active", "posters", "commenters", "reacters")
ADDITIVE_MEASURES = (
    "interactions",
    "matrix",
    *(f"cross_{d}" for d in DIMENSIONS),
    *(f"within_{d}" for d in DIMENSIONS),
)

CellId = tuple[str, str, str, str, str, str]  # period, start (ISO), dimension, measure, key, key2


@dataclass(frozen=True)
class Cell:
    id: CellId
    value: float
    people: int


@dataclass(frozen=True)
class Group:
    parent: CellId
    children: tuple[CellId, ...]
    disjoint: bool


def groups_for(cells: dict[CellId, Cell], region_of_department: dict[str, str]) -> list[Group]:
    groups: list[Group] = []
    by: dict[tuple[str, str, str, str], list[CellId]] = defaultdict(list)
    for cid in cells:
        period, start, dim, measure, _key, _key2 = cid
        by[(period, start, dim, measure)].append(cid)
    # In a fixed order (as the cells): which part is withheld next must not depend on the
    # order the rows were stored in, so a recomputation withholds the same cells.
    periods = sorted({(c[0], c[1]) for c in cells})
    for period, start in periods:
        for measure in PERSON_MEASURES:
            parent: CellId = (period, start, "org", measure, "", "")
            for dim in DIMENSIONS:
                children = tuple(by.get((period, start, dim, measure), ()))
                groups.append(Group(parent, children, disjoint=True))
            regions: dict[str, list[CellId]] = defaultdict(list)
            for cid in by.get((period, start, "department", measure), ()):
                regions[region_of_department.get(cid[4], "")].append(cid)
            for region, parts in regions.items():
                region_cell: CellId = (period, start, "region", measure, region, "")
                groups.append(Group(region_cell, tuple(parts), disjoint=True))
        for dim in DIMENSIONS:
            matrix = by.get((period, start, dim, "matrix"), [])
            total: CellId = (period, start, "org", "interactions", "", "")
            groups.append(Group(total, tuple(matrix), disjoint=False))
            cross: CellId = (period, start, "org", f"cross_{dim}", "", "")
            groups.append(Group(cross, tuple(c for c in matrix if c[4] != c[5]), disjoint=False))
            # The share across lines is shown with the total: inside = total - across.
            within: CellId = (period, start, "org", f"within_{dim}", "", "")
            groups.append(Group(total, (cross, within), disjoint=False))
    return groups


def tiling_groups(cells: dict[CellId, Cell], tiles: dict[str, list[str]]) -> list[Group]:
    """Month = sum of its weeks, for additive figures, where the weeks exactly tile it."""
    groups = []
    for cid in cells:
        period, start, dim, measure, key, key2 = cid
        if period != "month" or start not in tiles or measure not in ADDITIVE_MEASURES:
            continue
        children = tuple(("week", w, dim, measure, key, key2) for w in tiles[start])
        groups.append(Group(cid, children, disjoint=False))
    return groups


def suppress(cells: dict[CellId, Cell], groups: Iterable[Group], n: int) -> set[CellId]:
    """The ids of the cells to withhold."""
    hidden = {cid for cid, cell in cells.items() if cell.people < n}
    relevant = [g for g in groups if g.parent in cells]
    changed = True
    while changed:
        changed = False
        for group in relevant:
            if group.parent in hidden:
                continue
            # A part with no figure at all (nobody active there) is zero to everyone.
            parts = [cells[c] for c in group.children if c in cells]
            withheld = [c for c in parts if c.id in hidden]
            if not withheld:
                continue
            people = [c.people for c in withheld]
            covered = sum(people) if group.disjoint else max(people)
            if covered >= n:
                continue
            shown = sorted((c for c in parts if c.id not in hidden), key=lambda c: (c.people, c.id))
            if shown:
                hidden.add(shown[0].id)
            else:
                hidden.add(group.parent)
            changed = True
    return hidden
