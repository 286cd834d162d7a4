"""Suppression properties over random small organisations and activity: no figure that is
shown, alone or combined with a total or with another view of the same period (a region and
its departments, a month and the weeks that make it up), comes from fewer than N people."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hanse.analytics.compute import (
    Activity,
    Row,
    condense_edges,
    interaction_rows,
    person_rows,
)
from hanse.analytics.org import DIMENSIONS, Org
from hanse.analytics.periods import weeks_tiling
from hanse.analytics.suppression import Cell, CellId, groups_for, suppress, tiling_groups

MONTH = dt.date(2027, 2, 1)  # a February starting on a Monday: four weeks make it up
WEEKS = weeks_tiling(MONTH) or []
PERSON = ("active", "posters", "commenters", "reacters")


@st.composite
def organisations(draw: st.DrawFn) -> tuple[Org, Activity, int]:
    n = draw(st.integers(min_value=2, max_value=6))
    people = draw(st.integers(min_value=2, max_value=24))
    departments = draw(st.integers(min_value=1, max_value=5))
    region_of = {str(d): str(100 + draw(st.integers(0, 2))) for d in range(1, departments + 1)}
    units: dict[str, dict[int, str]] = {d: {} for d in DIMENSIONS}
    for pk in range(1, people + 1):
        dept = str(draw(st.integers(1, departments)))
        units["department"][pk] = dept
        units["region"][pk] = region_of[dept]
        units["branch"][pk] = str(200 + draw(st.integers(0, 2)))
    org = Org(units=units, names={d: {} for d in DIMENSIONS}, region_of_department=region_of)
    act = Activity()
    ids = st.integers(1, people)
    for a, b, offset in draw(st.lists(st.tuples(ids, ids, st.integers(0, 27)), max_size=60)):
        if a != b:
            day = MONTH + dt.timedelta(days=offset)
            act.edges.append((min(a, b), max(a, b), day))
            act.daily[day].update((a, b))
    for target in (act.posters, act.commenters, act.reacters):
        for pk, offset in draw(st.lists(st.tuples(ids, st.integers(0, 27)), max_size=15)):
            target.add(pk)
            act.daily[MONTH + dt.timedelta(days=offset)].add(pk)
    return org, act, n


def _slice(act: Activity, start: dt.date, end: dt.date) -> Activity:
    part = Activity()
    part.edges = [e for e in act.edges if start <= e[2] < end]
    for day, who in act.daily.items():
        if start <= day < end:
            part.daily[day] = set(who)
    # Content is not dated in this model of activity: a week counts what its days show.
    days_people = set().union(*part.daily.values()) if part.daily else set()
    part.posters = act.posters & days_people
    part.commenters = act.commenters & days_people
    part.reacters = act.reacters & days_people
    return part


def truth(act: Activity, org: Org) -> dict[tuple[str, str, str, str, str], set[int]]:
    """Who each figure really comes from, worked out independently of the computation."""
    who: dict[tuple[str, str, str, str, str], set[int]] = defaultdict(set)
    active = set().union(*act.daily.values()) if act.daily else set()
    sets = {
        "active": active,
        "posters": act.posters,
        "commenters": act.commenters,
        "reacters": act.reacters,
    }
    for measure, people in sets.items():
        who[("org", measure, "", "")] |= people
        for dim in DIMENSIONS:
            for pk in people:
                who[(dim, measure, org.units[dim][pk], "")].add(pk)
    for a, b, _day in act.edges:
        who[("org", "interactions", "", "")] |= {a, b}
        for dim in DIMENSIONS:
            ka, kb = sorted((org.units[dim][a], org.units[dim][b]))
            who[(dim, "matrix", ka, kb)] |= {a, b}
            side = "cross" if ka != kb else "within"
            who[("org", f"{side}_{dim}", "", "")] |= {a, b}
    return who


def cells_of(period: str, start: dt.date, rows: list[Row]) -> dict[CellId, Cell]:
    cells = {}
    for r in rows:
        cid: CellId = (period, start.isoformat(), r.dimension, r.measure, r.key, r.key2)
        cells[cid] = Cell(cid, r.value, r.people)
    return cells


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_no_shown_figure_comes_from_fewer_than_n(case: tuple[Org, Activity, int]) -> None:
    org, act, n = case
    periods = [("month", MONTH, act)] + [
        ("week", w, _slice(act, w, w + dt.timedelta(days=7))) for w in WEEKS
    ]
    cells: dict[CellId, Cell] = {}
    who: dict[CellId, set[int]] = {}
    for period, start, part in periods:
        rows = person_rows(part, org) + interaction_rows(condense_edges(part.edges, org), org, n)
        cells.update(cells_of(period, start, rows))
        for key, people in truth(part, org).items():
            who[(period, start.isoformat(), *key)] = people
    groups = groups_for(cells, org.region_of_department)
    groups += tiling_groups(cells, {MONTH.isoformat(): [w.isoformat() for w in WEEKS]})
    hidden = suppress(cells, groups, n)
    shown = {cid for cid in cells if cid not in hidden}
    # 1. Alone: every shown figure with known contributors comes from at least N people.
    for cid in shown:
        if cid in who:
            assert len(who[cid]) >= n, cid
        assert cells[cid].people >= n, cid
    # 2. With a total: whatever the total minus the shown parts reveals about the withheld
    #    parts comes from at least N people (or there is nothing withheld).
    for group in groups:
        if group.parent not in shown:
            continue
        withheld = [c for c in group.children if c in cells and c in hidden]
        if withheld:
            revealed = set().union(*(who.get(c, set()) for c in withheld))
            assert len(revealed) >= n, (group.parent, withheld)
    # 3. The computed people counts agree with the independent truth.
    for cid, cell in cells.items():
        if cid in who and cid[3] in (*PERSON, "matrix", "interactions"):
            assert cell.people == len(who[cid]), cid
