"""Computing one period's aggregates from raw edges and content (no figure names a person).

``compute_period`` reads the interaction edges (condensed to units through the state in
hanse/analytics/state.py) and the posts, comments and reactions of one week or month and
replaces that period's ``Aggregate`` rows. The daily job adds the days since its last run
(hanse/analytics/tasks.py); ``analytics_recompute`` recomputes a range in full.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import combinations
from typing import Any

import networkx as nx
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone

from hanse.analytics import cache as analytics_cache
from hanse.analytics import state
from hanse.analytics.models import Aggregate, InteractionEdge, MissedSearch
from hanse.analytics.org import DIMENSIONS, Org, load_org
from hanse.analytics.periods import month_start, period_end, weeks_tiling
from hanse.analytics.suppression import Cell, CellId, groups_for, suppress, tiling_groups


@dataclass
class Row:
    dimension: str
    measure: str
    value: float
    people: int
    key: str = ""
    key2: str = ""


@dataclass
class Activity:
    """What happened in a period, by person id (kept in memory only while computing)."""

    edges: list[tuple[int, int, date]] = field(default_factory=list)
    daily: dict[date, set[int]] = field(default_factory=lambda: defaultdict(set))
    posters: set[int] = field(default_factory=set)
    commenters: set[int] = field(default_factory=set)
    reacters: set[int] = field(default_factory=set)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time(), tz), datetime.combine(end, time(), tz)


def load_activity(start: date, until: date, edge_days: dict[date, int]) -> Activity:
    """Who was active on which day (edges and content) and who posted, commented, reacted.
    ``edge_days``: per day who had an interaction (hanse/analytics/state.py keeps them)."""
    # Imported here: the content apps are read only while computing (analytics is the top
    # layer, so this is allowed; kept local to show which reads the computation makes).
    from hanse.posts.models import Comment, Post, Reaction

    act = Activity()
    for day, mask in edge_days.items():
        if mask and start <= day < until:
            act.daily[day] |= state.members(mask)
    since, before = _bounds(start, until)
    for model, field_name, into in (
        (Post, "author_id", act.posters),
        (Comment, "author_id", act.commenters),
        (Reaction, "user_id", act.reacters),
    ):
        rows = model.objects.filter(created_at__gte=since, created_at__lt=before).values_list(
            field_name, "created_at"
        )
        for pk, at in rows.iterator(chunk_size=20000):
            into.add(pk)
            act.daily[timezone.localtime(at).date()].add(pk)
    return act


def _by_unit(people: set[int], units: dict[int, str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for pk in people:
        if pk in units:
            counts[units[pk]] += 1
    return counts


def person_rows(act: Activity, org: Org) -> list[Row]:
    """Active people and who posts, comments and reacts, for the organisation and each unit."""
    active: set[int] = set().union(*act.daily.values()) if act.daily else set()
    known = set(org.units["department"])
    active &= known
    sets = {
        "active": active,
        "posters": act.posters & known,
        "commenters": act.commenters & known,
        "reacters": act.reacters & known,
    }
    rows = [Row("org", m, len(s), len(s)) for m, s in sets.items()]
    days = [len(s & known) for s in act.daily.values()]
    if days:
        rows.append(Row("org", "daily_active", round(statistics.fmean(days), 1), len(active)))
    for dim in DIMENSIONS:
        for measure, people in sets.items():
            for key, count in _by_unit(people, org.units[dim]).items():
                rows.append(Row(dim, measure, count, count, key=key))
    return rows


@dataclass
class UnitCounts:
    """One period's interactions condensed to units of one kind (no person left in it).

    ``cells``: for each pair of units (keys sorted) the interactions between them and from
    how many distinct people they come; ``own``: per unit, how many of its people took part;
    ``cross_people``: people with at least one interaction outside their unit."""

    cells: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    own: dict[str, int] = field(default_factory=dict)
    cross_people: int = 0

    @property
    def involved(self) -> int:
        return sum(self.own.values())  # a person has one unit: the parts are disjoint

    @property
    def within_people(self) -> int:
        return sum(people for (ka, kb), (_n, people) in self.cells.items() if ka == kb)


def condense_edges(edges: list[tuple[int, int, date]], org: Org) -> dict[str, UnitCounts]:
    """The reference condensation in Python (small data: tests and the property test)."""
    known = org.units["department"]
    result: dict[str, UnitCounts] = {}
    for dim in DIMENSIONS:
        units = org.units[dim]
        counts: dict[tuple[str, str], int] = defaultdict(int)
        touched: dict[tuple[str, str], set[int]] = defaultdict(set)  # own, other -> people
        for a, b, _day in edges:
            if a not in known or b not in known:
                continue
            ka, kb = units[a], units[b]
            counts[(min(ka, kb), max(ka, kb))] += 1
            touched[(ka, kb)].add(a)
            touched[(kb, ka)].add(b)
        result[dim] = _from_touches(
            counts,
            {k: len(v) for k, v in touched.items()},
            _own(touched),
            len({p for (ka, kb), ps in touched.items() if ka != kb for p in ps}),
        )
    return result


def _own(touched: dict[tuple[str, str], set[int]]) -> dict[str, int]:
    own: dict[str, set[int]] = defaultdict(set)
    for (ka, _kb), people in touched.items():
        own[ka] |= people
    return {k: len(v) for k, v in own.items()}


def _from_touches(
    counts: dict[tuple[str, str], int],
    touches: dict[tuple[str, str], int],
    own: dict[str, int],
    cross_people: int,
) -> UnitCounts:
    """``touches[(own, other)]``: people of ``own`` who interacted with someone of ``other``.
    A cell's people are its two sides' (disjoint: each person has one unit)."""
    cells = {}
    for (ka, kb), n in counts.items():
        people = touches.get((ka, kb), 0) + (touches.get((kb, ka), 0) if ka != kb else 0)
        cells[(ka, kb)] = (n, people)
    return UnitCounts(cells=cells, own=own, cross_people=cross_people)


TEMP_UNITS = "analytics_tmp_units"
TEMP_PAIRS = "analytics_tmp_pairs"
TEMP_TOUCH = "analytics_tmp_touch"


def condense(start: date, end: date, org: Org) -> dict[str, UnitCounts]:
    """The period's edges condensed to units by the database (set-based: no edge crosses into
    Python), the reference the kept state (state.Condensed) is tested against. Temporary
    tables: each person's units, the period's pairs of people with their number of
    interactions, and per unit kind who of which unit met someone of which."""
    table = InteractionEdge._meta.db_table
    result: dict[str, UnitCounts] = {}
    pg = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        _drop_temp(cursor)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TEMP_UNITS} (person_id integer PRIMARY KEY, "
            "department varchar(32) NOT NULL, branch varchar(32) NOT NULL, "
            "region varchar(32) NOT NULL)"
        )
        cursor.executemany(
            f"INSERT INTO {TEMP_UNITS} VALUES (%s, %s, %s, %s)",  # noqa: S608 - our temp table
            [
                (pk, dep, org.units["branch"].get(pk, ""), org.units["region"].get(pk, ""))
                for pk, dep in org.units["department"].items()
            ],
        )
        if pg:
            # The aggregations below fit in memory instead of spilling to disk.
            cursor.execute("SET LOCAL work_mem = '128MB'")
        columns = ", ".join(f"{d}_a varchar(32), {d}_b varchar(32)" for d in DIMENSIONS)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TEMP_PAIRS} (a integer NOT NULL, b integer NOT NULL, "
            f"w integer NOT NULL, {columns})"
        )
        unit_columns = ", ".join(f"ua.{d}, ub.{d}" for d in DIMENSIONS)
        cursor.execute(
            f"INSERT INTO {TEMP_PAIRS} SELECT x.a, x.b, x.w, {unit_columns} FROM ("  # noqa: S608
            f"SELECT a_id AS a, b_id AS b, COUNT(*) AS w FROM {table} "
            "WHERE day >= %s AND day < %s GROUP BY a_id, b_id) x "
            f"JOIN {TEMP_UNITS} ua ON ua.person_id = x.a "
            f"JOIN {TEMP_UNITS} ub ON ub.person_id = x.b",
            [start, end],
        )
        if pg:
            cursor.execute(f"ANALYZE {TEMP_PAIRS}")
        for dim in DIMENSIONS:
            # dim is one of DIMENSIONS (a column of the temporary table), never input.
            cursor.execute(
                f"CREATE TEMPORARY TABLE {TEMP_TOUCH} AS "  # noqa: S608
                f"SELECT p, own, other, SUM(w) AS w FROM ("
                f"SELECT a AS p, {dim}_a AS own, {dim}_b AS other, w FROM {TEMP_PAIRS} "
                f"UNION ALL SELECT b, {dim}_b, {dim}_a, w FROM {TEMP_PAIRS}"
                ") t GROUP BY p, own, other"
            )
            cursor.execute(
                f"SELECT own, other, COUNT(*), SUM(w) FROM {TEMP_TOUCH} GROUP BY own, other"  # noqa: S608
            )
            counts: dict[tuple[str, str], int] = {}
            touches: dict[tuple[str, str], int] = {}
            for ka, kb, people, weight in cursor.fetchall():
                touches[(ka, kb)] = people
                if ka < kb:
                    counts[(ka, kb)] = int(weight)
                elif ka == kb:
                    counts[(ka, kb)] = int(weight) // 2  # each end counted it once
            cursor.execute(
                f"SELECT own, COUNT(DISTINCT p) FROM {TEMP_TOUCH} GROUP BY own"  # noqa: S608
            )
            own = dict(cursor.fetchall())
            cursor.execute(
                f"SELECT COUNT(DISTINCT p) FROM {TEMP_TOUCH} WHERE own <> other"  # noqa: S608
            )
            cross_people = cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE {TEMP_TOUCH}")
            result[dim] = _from_touches(counts, touches, own, cross_people)
        _drop_temp(cursor)
    return result


def _drop_temp(cursor: CursorWrapper) -> None:
    for name in (TEMP_TOUCH, TEMP_PAIRS, TEMP_UNITS):
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def interaction_rows(condensed: dict[str, UnitCounts], org: Org, min_group: int) -> list[Row]:
    """Interactions in total and across lines, the unit x unit matrix and the unit graph."""
    rows: list[Row] = []
    first = condensed[DIMENSIONS[0]]
    total = sum(n for n, _p in first.cells.values())
    rows.append(Row("org", "interactions", total, first.involved))
    for dim in DIMENSIONS:
        counts = condensed[dim]
        cross = sum(n for (ka, kb), (n, _p) in counts.cells.items() if ka != kb)
        rows.append(Row("org", f"cross_{dim}", cross, counts.cross_people))
        rows.append(Row("org", f"within_{dim}", total - cross, counts.within_people))
        for (ka, kb), (n, people) in counts.cells.items():
            rows.append(Row(dim, "matrix", n, people, key=ka, key2=kb))
        rows.extend(_unit_graph_rows(dim, counts, set(org.units[dim].values()), min_group))
    return rows


def _unit_graph_rows(
    dim: str, counts: UnitCounts, all_units: set[str], min_group: int
) -> list[Row]:
    """Units as nodes, joined where at least ``min_group`` people interacted across them: a
    connection nobody may see does not count either. (networkx on the unit graph: a few
    hundred nodes, never the people.)"""
    graph = nx.Graph()
    graph.add_nodes_from(k for k in all_units if k)
    for (ka, kb), (n, people) in counts.cells.items():
        if ka and kb and ka != kb and people >= min_group:
            graph.add_edge(ka, kb, weight=n)
    people = counts.involved
    # A unit's own figure is about its own people: from how many of them it comes.
    rows = [
        Row(dim, "connected_units", graph.degree(n), counts.own.get(n, 0), key=n)
        for n in graph.nodes
    ]
    n = graph.number_of_nodes()
    if n < 2:
        return rows
    reachable_pairs, lengths = 0, 0
    for _source, targets in nx.all_pairs_shortest_path_length(graph):
        for length in targets.values():
            if length:
                reachable_pairs += 1
                lengths += length
    rows.append(Row("org", f"density_{dim}", round(nx.density(graph), 4), people))
    rows.append(
        Row("org", f"reachability_{dim}", round(reachable_pairs / (n * (n - 1)), 4), people)
    )
    if reachable_pairs:
        rows.append(Row("org", f"path_length_{dim}", round(lengths / reachable_pairs, 3), people))
    return rows


def silo_rows(condensed: dict[str, UnitCounts]) -> list[Row]:
    """The silo index: modularity of the people graph partitioned by department (1 = every
    interaction stays inside a department, 0 = departments say nothing about who meets).

    Computed on the department graph (interactions inside a department as a loop): for a
    partition into departments the modularity of the people graph only depends on the
    weights inside and between departments, so it is the same number (tests cross-check it
    with networkx on the people graph)."""
    counts = condensed["department"]
    if not counts.cells:
        return []
    graph = nx.Graph()
    for (ka, kb), (n, _people) in counts.cells.items():
        graph.add_edge(ka, kb, weight=n)
    value = nx.community.modularity(graph, [{k} for k in graph.nodes], weight="weight")
    return [Row("org", "silo_index", round(value, 4), counts.involved)]


def community_rows(start: date, end: date) -> list[Row]:
    """Per community: active members, posts, questions answered and the hours to a first answer."""
    from hanse.participation.models import Question  # read while computing only (top layer)
    from hanse.posts.models import Comment, Post

    since, until = _bounds(start, end)
    rows: list[Row] = []
    active: dict[int, set[int]] = defaultdict(set)
    posts: dict[int, int] = defaultdict(int)
    post_rows = Post.objects.filter(
        created_at__gte=since, created_at__lt=until, community__isnull=False
    ).values_list("community_id", "author_id")
    for community_id, author_id in post_rows.iterator(chunk_size=20000):
        active[community_id].add(author_id)
        posts[community_id] += 1
    comment_rows = Comment.objects.filter(
        created_at__gte=since, created_at__lt=until, post__community__isnull=False
    ).values_list("post__community_id", "author_id")
    for community_id, author_id in comment_rows.iterator(chunk_size=20000):
        active[community_id].add(author_id)
    asked: dict[int, int] = defaultdict(int)
    answered: dict[int, int] = defaultdict(int)
    waits: dict[int, list[float]] = defaultdict(list)
    # The first top-level comment by someone else than the asker, per question, in the same
    # query (one query for all questions, not one each).
    first_answer = (
        Comment.objects.filter(post_id=OuterRef("post_id"), parent__isnull=True)
        .exclude(author_id=OuterRef("post__author_id"))
        .order_by("created_at")
        .values("created_at")[:1]
    )
    questions = (
        Question.objects.filter(
            post__created_at__gte=since, post__created_at__lt=until, community__isnull=False
        )
        .annotate(first_answer=Subquery(first_answer))
        .values_list("community_id", "post__created_at", "first_answer")
    )
    for community_id, asked_at, first in questions:
        asked[community_id] += 1
        if first is not None:
            answered[community_id] += 1
            waits[community_id].append((first - asked_at).total_seconds() / 3600)
    for community_id, people in active.items():
        n = len(people)
        key = str(community_id)
        rows.append(Row("community", "active_members", n, n, key=key))
        rows.append(Row("community", "posts", posts[community_id], n, key=key))
        if asked[community_id]:
            share = answered[community_id] / asked[community_id]
            rows.append(Row("community", "answered_share", round(share, 3), n, key=key))
        if waits[community_id]:
            hours = statistics.median(waits[community_id])
            rows.append(Row("community", "hours_to_answer", round(hours, 1), n, key=key))
    return rows


# The searches without results the dashboard can show at most (of those from enough people).
MISSED_SEARCHES = 200


def missed_search_rows(period: str, start: date) -> list[Row]:
    """What people searched for and did not find, per month: each text with the number of
    distinct people who searched for it (suppression withholds those below the minimum
    group). Weeks have none: a month next to its weeks could single out a searcher."""
    if period != "month":
        return []
    found = (
        MissedSearch.objects.filter(month=start)
        .values("text")
        .annotate(people=Count("searcher"))
        .order_by("-people", "text")[:MISSED_SEARCHES]
    )
    return [Row("search", "missed", r["people"], r["people"], key=r["text"]) for r in found]


def adoption_rows(until: date, org: Org) -> list[Row]:
    """People who have taken part at least once before ``until`` (the end of the period, or
    today while it is open)."""
    n = adopted_counts([until], org)[until]
    return [Row("org", "adopted", n, n)]


def adopted_counts(untils: Collection[date], org: Org) -> dict[date, int]:
    """For each day of ``untils``: how many people of the organisation had taken part (a
    post, comment, reaction or interaction) on a day before it. One pass for all of them:
    each person's first day of taking part is found once (in memory only while computing)
    and the figure for a day is how many first days come before it."""
    from hanse.posts.models import Comment, Post, Reaction  # read while computing only

    if not untils:
        return {}
    last = max(untils)
    _since, before = _bounds(last, last)
    known = org.units["department"]
    first: dict[int, date] = {}
    # order_by(): a model's default ordering would join the GROUP BY (every row, not every
    # person, would come back).
    for model, column in ((Post, "author_id"), (Comment, "author_id"), (Reaction, "user_id")):
        rows = (
            model.objects.filter(created_at__lt=before)
            .order_by()
            .values(column)
            .annotate(at=Min("created_at"))
            .values_list(column, "at")
        )
        for pk, at in rows.iterator(chunk_size=20000):
            day = timezone.localtime(at).date()
            if pk in known and (pk not in first or day < first[pk]):
                first[pk] = day
    seen = 0
    for day, mask in sorted(state.edge_days_since_oldest(last).items()):
        new = mask & ~seen
        if new:
            seen |= new
            for pk in state.members(new):
                if pk in known and (pk not in first or day < first[pk]):
                    first[pk] = day
    ordered = sorted(first.values())
    return {until: bisect_left(ordered, until) for until in untils}


def refresh_adoption(
    since: date,
    today: date,
    *,
    min_group: int,
    org: Org,
    skip: Collection[tuple[str, date]] = (),
) -> int:
    """Bring the adoption figure of every computed period that counts a day from ``since`` on
    up to date (someone's interaction was recorded late for ``since``: they may have taken
    part earlier than the figures of the periods after it say), except the periods in
    ``skip`` (computed again anyway). Only that figure is written, where it changed, and the
    period's suppression is decided again as after any computation. Returns the periods
    whose figure changed."""
    targets: dict[int, tuple[str, date, date, float, int]] = {}
    found = Aggregate.objects.filter(
        dimension="org", measure="adopted", key="", key2="", start__gt=since - timedelta(days=31)
    ).values_list("id", "period", "start", "value", "people")
    for pk, period, start, value, people in found:
        until = max(start, min(period_end(period, start), today))
        if (period, start) not in skip and until > since:
            targets[pk] = (period, start, until, value, people)
    counts = adopted_counts({t[2] for t in targets.values()}, org)
    changed: list[tuple[str, date]] = []
    with transaction.atomic():
        for pk, (period, start, until, value, people) in sorted(
            targets.items(), key=lambda t: (t[1][1], t[1][0] == "month")
        ):
            n = counts[until]
            if (value, people) != (n, n):
                Aggregate.objects.filter(pk=pk).update(value=n, people=n)
                changed.append((period, start))
        for period, start in changed:
            refresh_suppression(period, start, min_group=min_group, org=org)
    return len(changed)


def condensed_counts(parts: dict[str, state.Parts]) -> dict[str, UnitCounts]:
    return {dim: _from_touches(*found) for dim, found in parts.items()}


def compute_period(
    period: str,
    start: date,
    *,
    min_group: int,
    org: Org | None = None,
    today: date | None = None,
    incremental: bool = False,
    late: Collection[date] = (),
    pairs: state.PairCache | None = None,
) -> int:
    """Replace one period's aggregates; returns how many rows it wrote.

    The figures cover the days before ``today`` (a day counts once it is over): the whole
    period once it has ended. In full (the default) everything is read from the raw edges and
    content again; ``incremental`` (the daily run) adds only the days since the period's kept
    state, unless the state cannot be trusted (``late``: days that got interactions after
    they were counted) and is rebuilt (hanse/analytics/state.py). ``pairs`` shares the edges
    read between the periods of one run (a week and its month read the same day)."""
    end = period_end(period, start)
    until = max(start, min(end, today or timezone.localdate()))
    org = org or load_org()
    with transaction.atomic():
        condensed, _rebuilt = state.condensed_for(
            period, start, until, org, late=late, full=not incremental, end=end, cache=pairs
        )
        if not incremental:
            state.forget_days(days(start, until - timedelta(days=1)))
        act = load_activity(start, until, state.edge_days(start, until))
        rows = person_rows(act, org)
        counts = condensed_counts(condensed.parts())
        rows += interaction_rows(counts, org, min_group)
        rows += silo_rows(counts)
        rows += community_rows(start, until)
        rows += adoption_rows(until, org)
        rows += missed_search_rows(period, start)
        _replace(period, start, rows)
        refresh_suppression(period, start, min_group=min_group, org=org)
    return len(rows)


def _replace(period: str, start: date, rows: list[Row]) -> None:
    """Make the period's stored rows these: only what changed is written (an open period's
    figures mostly grow; an update of the value in place touches no index, where deleting
    and inserting every row again maintains three). Plain SQL in batches: aggregates have no
    relations and no signal is about them, so no row needs to become a model instance. New
    rows are shown until refresh_suppression decides (in the same transaction)."""
    table = Aggregate._meta.db_table
    q = connection.ops.quote_name
    existing = {
        (dim, measure, key, key2): (pk, value, people)
        for pk, dim, measure, key, key2, value, people in Aggregate.objects.filter(
            period=period, start=start
        ).values_list("id", "dimension", "measure", "key", "key2", "value", "people")
    }
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[int, float, int]] = []
    for r in rows:
        found = existing.pop((r.dimension, r.measure, r.key, r.key2), None)
        if found is None:
            inserts.append(
                (period, start, r.dimension, r.measure, r.key, r.key2, r.value, r.people, False)
            )
        elif (found[1], found[2]) != (r.value, r.people):
            updates.append((found[0], r.value, r.people))
    gone = [pk for pk, _value, _people in existing.values()]
    names = ("period", "start", "dimension", "measure", "key", "key2", "value", "people", "hidden")
    if connection.vendor == "postgresql":
        _write_pg(table, names, gone, updates, inserts)
        return
    with connection.cursor() as cursor:
        for i in range(0, len(gone), SQL_BATCH):
            ids = gone[i : i + SQL_BATCH]
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f"DELETE FROM {table} WHERE {q('id')} IN ({marks})", ids)  # noqa: S608
        one = "(CAST(%s AS bigint), CAST(%s AS double precision), CAST(%s AS integer))"
        for i in range(0, len(updates), SQL_BATCH):
            batch = updates[i : i + SQL_BATCH]
            # VALUES names its columns column1.. in PostgreSQL and SQLite alike.
            cursor.execute(
                f"UPDATE {table} SET {q('value')} = v.column2, {q('people')} = v.column3 "  # noqa: S608
                f"FROM (VALUES {', '.join([one] * len(batch))}) AS v "
                f"WHERE {table}.{q('id')} = v.column1",
                [v for row in batch for v in row],
            )
        one = f"({', '.join(['%s'] * len(names))})"
        for i in range(0, len(inserts), SQL_BATCH):
            new = inserts[i : i + SQL_BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(q(n) for n in names)}) "  # noqa: S608
                f"VALUES {', '.join([one] * len(new))}",
                [v for row in new for v in row],
            )


SQL_BATCH = 500
PG_TYPES = ("text", "date", "text", "text", "text", "text", "float8", "int", "bool")


def _write_pg(
    table: str,
    names: tuple[str, ...],
    gone: list[int],
    updates: list[tuple[int, float, int]],
    inserts: list[tuple[Any, ...]],
) -> None:
    """The same on PostgreSQL with one statement each, the rows passed as arrays (a few
    parameters instead of thousands of placeholders to parse)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if gone:
            cursor.execute(f"DELETE FROM {table} WHERE {q('id')} = ANY(%s)", [gone])  # noqa: S608
        if updates:
            ids = [u[0] for u in updates]
            values = [float(u[1]) for u in updates]  # one type per array
            people = [u[2] for u in updates]
            cursor.execute(
                f"UPDATE {table} SET {q('value')} = v.value, {q('people')} = v.people "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::float8[], %s::int[]) AS v(id, value, people) "
                f"WHERE {table}.{q('id')} = v.id",
                [ids, values, people],
            )
        if inserts:
            columns = [list(c) for c in zip(*inserts, strict=True)]
            columns[6] = [float(v) for v in columns[6]]  # one type per array
            arrays = ", ".join(f"%s::{t}[]" for t in PG_TYPES)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(q(n) for n in names)}) "  # noqa: S608
                f"SELECT * FROM unnest({arrays})",
                columns,
            )


def refresh_suppression(
    period: str, start: date, *, min_group: int, org: Org | None = None
) -> None:
    """Decide again which figures of the period (and of the month or weeks that tile with it)
    are withheld; every page, export and API answer reads these flags."""
    org = org or load_org()
    family: set[tuple[str, date]] = {(period, start)}
    month = start if period == "month" else month_start(start)
    tiles = weeks_tiling(month)
    if tiles and (period == "month" or start in tiles):
        family |= {("month", month)} | {("week", w) for w in tiles}
    query = Q()
    for p, s in family:
        query |= Q(period=p, start=s)
    rows = list(
        Aggregate.objects.filter(query)
        .order_by("period", "start", "dimension", "measure", "key", "key2")
        .values_list(
            "id",
            "period",
            "start",
            "dimension",
            "measure",
            "key",
            "key2",
            "value",
            "people",
            "hidden",
        )
    )
    cells: dict[CellId, Cell] = {}
    ids: dict[CellId, int] = {}
    was_hidden: set[CellId] = set()
    for pk, p, s, dim, measure, key, key2, value, people, flag in rows:
        cid: CellId = (p, s.isoformat(), dim, measure, key, key2)
        cells[cid] = Cell(cid, value, people)
        ids[cid] = pk
        if flag:
            was_hidden.add(cid)
    groups = groups_for(cells, org.region_of_department)
    if tiles:
        groups += tiling_groups(cells, {month.isoformat(): [w.isoformat() for w in tiles]})
    hidden = suppress(cells, groups, min_group)
    # Only the flags that change are written.
    for flag, changed in ((True, hidden - was_hidden), (False, was_hidden - hidden)):
        changed_ids = [ids[c] for c in changed]
        for i in range(0, len(changed_ids), 5000):
            Aggregate.objects.filter(pk__in=changed_ids[i : i + 5000]).update(hidden=flag)
    analytics_cache.bump()


def refresh_all_suppression(*, min_group: int) -> int:
    """Decide the flags of every computed period again (the minimum group was raised: a
    figure shown under the old N may now have to be withheld). Returns the periods done."""
    org = load_org()
    done: set[tuple[str, date]] = set()
    found = Aggregate.objects.values_list("period", "start").distinct().order_by("start")
    for period, start in found:
        if (period, start) not in done:
            refresh_suppression(period, start, min_group=min_group, org=org)
            done.add((period, start))
    return len(done)


def pairs_of(members: list[int]) -> list[tuple[int, int]]:
    return list(combinations(sorted(members), 2))


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
