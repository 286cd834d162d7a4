"""The database's condensation of the edges (set-based SQL) against the Python reference and
networkx on the people graph; the cached dashboard follows each computation; raising the
minimum group withholds at once what the new N does not allow."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest
from django.urls import reverse

from hanse.analytics import services
from hanse.analytics.compute import (
    compute_period,
    condense,
    condense_edges,
    silo_rows,
)
from hanse.analytics.models import Aggregate, InteractionEdge
from hanse.analytics.org import load_org
from hanse.people.models import User

MONTH = dt.date(2026, 3, 1)
END = dt.date(2026, 4, 1)


@pytest.fixture
def people(org: dict[str, Any], make_user: Callable[..., User]) -> list[User]:
    units = [
        (org["it_ops"], org["head_office"]),
        (org["moelln"], org["moelln_location"]),
        (org["private"], org["head_office"]),
    ]
    return [
        make_user(f"c{i}", org_unit=units[i % 3][0], location=units[i % 3][1]) for i in range(12)
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_condensation_equals_the_python_reference(people: list[User], seed: int) -> None:
    rng = random.Random(seed)
    edges: set[tuple[str, int, int, dt.date]] = set()
    for _ in range(rng.randrange(5, 80)):
        a, b = rng.sample(people, 2)
        day = MONTH + dt.timedelta(days=rng.randrange(-3, 34))  # some outside the month
        edges.add((rng.choice(["dm", "comment"]), min(a.pk, b.pk), max(a.pk, b.pk), day))
    InteractionEdge.objects.bulk_create(
        [InteractionEdge(kind=k, a_id=a, b_id=b, day=d) for k, a, b, d in edges]
    )
    org = load_org()
    inside = [(a, b, d) for _k, a, b, d in edges if MONTH <= d < END]
    assert condense(MONTH, END, org) == condense_edges(inside, org)
    # The silo index from the department graph is the modularity of the people graph.
    graph = nx.Graph()
    for a, b, _d in inside:
        w = graph.get_edge_data(a, b, {"weight": 0})["weight"]
        graph.add_edge(a, b, weight=w + 1)
    groups: dict[str, set[int]] = defaultdict(set)
    for node in graph.nodes:
        groups[org.units["department"][node]].add(node)
    expected = nx.community.modularity(graph, groups.values(), weight="weight")
    (row,) = silo_rows(condense(MONTH, END, org))
    assert row.value == pytest.approx(expected, abs=1e-4)
    assert row.people == graph.number_of_nodes()


def _ring(people: list[User], day: dt.date) -> None:
    for i, a in enumerate(people):
        b = people[(i + 1) % len(people)]
        InteractionEdge.objects.create(
            kind="dm", a_id=min(a.pk, b.pk), b_id=max(a.pk, b.pk), day=day
        )


def test_the_cached_dashboard_follows_each_computation(
    people: list[User],
    analyst: User,
    client_for: Any,
    enabled: Any,
    make_user: Callable[..., User],
) -> None:
    it = people[0::3]  # four people in IT: too few for a figure of their own
    _ring(people, dt.date(2026, 3, 10))
    compute_period("month", MONTH, min_group=5)
    client = client_for(analyst)
    url = reverse("analytics:export", args=["figures"]) + "?period=month"
    first = client.get(url).content.decode("utf-8-sig")
    assert "12" in first  # twelve active people
    more = [make_user(f"n{i}", org_unit=it[0].org_unit) for i in range(3)]
    _ring(more + it, dt.date(2026, 3, 11))
    compute_period("month", MONTH, min_group=5)
    second = client.get(url).content.decode("utf-8-sig")
    assert "15" in second and second != first


def test_raising_the_minimum_group_withholds_at_once(
    people: list[User], admin_user: User, enabled: Any
) -> None:
    """Twelve people, four per department: with N = 5 the organisation's figures show; with
    N = 13 nothing may (even without a new computation)."""
    _ring(people, dt.date(2026, 3, 10))
    compute_period("month", MONTH, min_group=5)
    assert Aggregate.objects.filter(hidden=False, people__lt=13).exists()
    services.min_group_raise(by=admin_user, value=13)
    assert not Aggregate.objects.filter(hidden=False, people__lt=13).exists()
