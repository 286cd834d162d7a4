"""Computing one period's aggregates from raw edges and content (no figure names a person).

``compute_period`` reads the interaction edges and the posts, comments and reactions of one
week or month and replaces that period's ``Aggregate`` rows. The daily job recomputes the
week and month that contain yesterday; ``analytics_recompute`` does a range.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import combinations

import networkx as nx
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hanse.analytics.models import Aggregate, InteractionEdge
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


def load_activity(start: date, end: date) -> Activity:
    # Imported here: the content apps are read only while computing (analytics is the top
    # layer, so this is allowed; kept local to show which reads the computation makes).
    from hanse.posts.models import Comment, Post, Reaction

    act = Activity()
    since, until = _bounds(start, end)
    for a, b, day in (
        InteractionEdge.objects.filter(day__gte=start, day__lt=end)
        .values_list("a_id", "b_id", "day")
        .iterator(chunk_size=20000)
    ):
        act.edges.append((a, b, day))
        act.daily[day].add(a)
        act.daily[day].add(b)
    for model, field_name, into in (
        (Post, "author_id", act.posters),
        (Comment, "author_id", act.commenters),
        (Reaction, "user_id", act.reacters),
    ):
        rows = model.objects.filter(created_at__gte=since, created_at__lt=until).values_list(
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


def interaction_rows(act: Activity, org: Org, min_group: int) -> list[Row]:
    """Interactions in total and across lines, the unit x unit matrix and the unit graph."""
    rows: list[Row] = []
    known = org.units["department"]
    edges = [(a, b) for a, b, _day in act.edges if a in known and b in known]
    involved = {p for e in edges for p in e}
    rows.append(Row("org", "interactions", len(edges), len(involved)))
    for dim in DIMENSIONS:
        units = org.units[dim]
        cells: dict[tuple[str, str], int] = defaultdict(int)
        cell_people: dict[tuple[str, str], set[int]] = defaultdict(set)
        cross, cross_people = 0, set[int]()
        for a, b in edges:
            ka, kb = sorted((units[a], units[b]))
            cells[(ka, kb)] += 1
            cell_people[(ka, kb)].update((a, b))
            if ka != kb:
                cross += 1
                cross_people.update((a, b))
        rows.append(Row("org", f"cross_{dim}", cross, len(cross_people)))
        within_people = {p for (ka, kb), ps in cell_people.items() if ka == kb for p in ps}
        rows.append(Row("org", f"within_{dim}", len(edges) - cross, len(within_people)))
        for (ka, kb), count in cells.items():
            rows.append(Row(dim, "matrix", count, len(cell_people[(ka, kb)]), key=ka, key2=kb))
        rows.extend(_unit_graph_rows(dim, cells, cell_people, units, min_group))
    return rows


def _unit_graph_rows(
    dim: str,
    cells: dict[tuple[str, str], int],
    cell_people: dict[tuple[str, str], set[int]],
    units: dict[int, str],
    min_group: int,
) -> list[Row]:
    """Units as nodes, joined where at least ``min_group`` people interacted across them: a
    connection nobody may see does not count either."""
    graph = nx.Graph()
    graph.add_nodes_from(k for k in set(units.values()) if k)
    for (ka, kb), count in cells.items():
        if ka and kb and ka != kb and len(cell_people[(ka, kb)]) >= min_group:
            graph.add_edge(ka, kb, weight=count)
    involved = {p for s in cell_people.values() for p in s}
    people = len(involved)
    # A unit's own figure is about its own people: from how many of them it comes.
    own: dict[str, int] = defaultdict(int)
    for p in involved:
        own[units[p]] += 1
    rows = [Row(dim, "connected_units", graph.degree(n), own[n], key=n) for n in graph.nodes]
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


def silo_rows(act: Activity, org: Org) -> list[Row]:
    """The silo index: modularity of the people graph partitioned by department (1 = every
    interaction stays inside a department, 0 = departments say nothing about who meets)."""
    departments = org.units["department"]
    graph = nx.Graph()
    for a, b, _day in act.edges:
        if a in departments and b in departments:
            weight = graph.get_edge_data(a, b, {"weight": 0})["weight"]
            graph.add_edge(a, b, weight=weight + 1)
    if graph.number_of_edges() == 0:
        return []
    groups: dict[str, set[int]] = defaultdict(set)
    for node in graph.nodes:
        groups[departments[node]].add(node)
    value = nx.community.modularity(graph, groups.values(), weight="weight")
    return [Row("org", "silo_index", round(value, 4), graph.number_of_nodes())]


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
    questions = Question.objects.filter(
        post__created_at__gte=since, post__created_at__lt=until, community__isnull=False
    ).values_list("community_id", "post_id", "post__author_id", "post__created_at")
    for community_id, post_id, asker_id, asked_at in questions:
        asked[community_id] += 1
        first = (
            Comment.objects.filter(post_id=post_id, parent__isnull=True)
            .exclude(author_id=asker_id)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
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


def adoption_rows(end: date, org: Org) -> list[Row]:
    """People who have taken part at least once up to the end of the period."""
    from hanse.posts.models import Comment, Post, Reaction  # read while computing only

    _since, until = _bounds(end, end)
    ever: set[int] = set()
    ever.update(
        Post.objects.filter(created_at__lt=until).values_list("author_id", flat=True).distinct()
    )
    ever.update(
        Comment.objects.filter(created_at__lt=until).values_list("author_id", flat=True).distinct()
    )
    ever.update(
        Reaction.objects.filter(created_at__lt=until).values_list("user_id", flat=True).distinct()
    )
    for column in ("a_id", "b_id"):
        ever.update(
            InteractionEdge.objects.filter(day__lt=end).values_list(column, flat=True).distinct()
        )
    ever &= set(org.units["department"])
    return [Row("org", "adopted", len(ever), len(ever))]


def compute_period(period: str, start: date, *, min_group: int, org: Org | None = None) -> int:
    """Replace one period's aggregates; returns how many rows it wrote."""
    end = period_end(period, start)
    org = org or load_org()
    act = load_activity(start, end)
    rows = person_rows(act, org)
    rows += interaction_rows(act, org, min_group)
    rows += silo_rows(act, org)
    rows += community_rows(start, end)
    rows += adoption_rows(end, org)
    with transaction.atomic():
        Aggregate.objects.filter(period=period, start=start).delete()
        Aggregate.objects.bulk_create(
            [
                Aggregate(
                    period=period,
                    start=start,
                    dimension=r.dimension,
                    measure=r.measure,
                    key=r.key,
                    key2=r.key2,
                    value=r.value,
                    people=r.people,
                )
                for r in rows
            ],
            batch_size=2000,
        )
        refresh_suppression(period, start, min_group=min_group, org=org)
    return len(rows)


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
        Aggregate.objects.filter(query).values_list(
            "id", "period", "start", "dimension", "measure", "key", "key2", "value", "people"
        )
    )
    cells: dict[CellId, Cell] = {}
    ids: dict[CellId, int] = {}
    for pk, p, s, dim, measure, key, key2, value, people in rows:
        cid: CellId = (p, s.isoformat(), dim, measure, key, key2)
        cells[cid] = Cell(cid, value, people)
        ids[cid] = pk
    groups = groups_for(cells, org.region_of_department)
    if tiles:
        groups += tiling_groups(cells, {month.isoformat(): [w.isoformat() for w in tiles]})
    hidden = suppress(cells, groups, min_group)
    hidden_ids = [ids[c] for c in hidden]
    Aggregate.objects.filter(query).update(hidden=False)
    for i in range(0, len(hidden_ids), 5000):
        Aggregate.objects.filter(pk__in=hidden_ids[i : i + 5000]).update(hidden=True)


def pairs_of(members: list[int]) -> list[tuple[int, int]]:
    return list(combinations(sorted(members), 2))


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
