"""Measures on small hand-computed graphs, cross-checked with networkx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest

from hanse.analytics.compute import compute_period
from hanse.analytics.models import Aggregate, InteractionEdge
from hanse.people.models import OrgUnit, User

DAY = dt.date(2026, 3, 10)
MONTH = dt.date(2026, 3, 1)


def figure(measure: str, dimension: str = "org", key: str = "", key2: str = "") -> float:
    return Aggregate.objects.get(
        period="month", start=MONTH, dimension=dimension, measure=measure, key=key, key2=key2
    ).value


@pytest.fixture
def small(org: dict[str, Any], make_user: Callable[..., User]) -> dict[str, User]:
    """Department A (IT-Betrieb, 2 people), B (Filiale Mölln, 1), C (Kredit, 1)."""
    from hanse.people.services import orgunit_create

    kredit = orgunit_create(name="Kredit", kind=OrgUnit.Kind.DEPARTMENT, parent=org["private"])
    people = {
        "a1": make_user("a1", org_unit=org["it_ops"], location=org["head_office"]),
        "a2": make_user("a2", org_unit=org["it_ops"], location=org["head_office"]),
        "b1": make_user("b1", org_unit=org["moelln"], location=org["moelln_location"]),
        "c1": make_user("c1", org_unit=kredit, location=org["head_office"]),
    }
    people["kredit"] = kredit  # type: ignore[assignment]  # handy in the assertions
    return people


def add(kind: str, x: User, y: User, day: dt.date = DAY) -> None:
    a, b = sorted((x.pk, y.pk))
    InteractionEdge.objects.create(kind=kind, a_id=a, b_id=b, day=day)


def test_hand_computed_month(small: dict[str, Any], org: dict[str, Any]) -> None:
    """a1-a2 (inside A), a1-b1 (A to B, also head office to Mölln); c1 alone in C."""
    a1, a2, b1 = small["a1"], small["a2"], small["b1"]
    add("comment", a1, a2)
    add("dm", a1, b1)
    add("dm", a1, b1, DAY + dt.timedelta(days=1))
    compute_period("month", MONTH, min_group=1)
    A, B, C = str(org["it_ops"].pk), str(org["moelln"].pk), str(small["kredit"].pk)
    assert figure("active") == 3
    assert figure("interactions") == 3
    assert figure("cross_department") == 2
    assert figure("within_department") == 1
    assert figure("cross_branch") == 2
    assert figure("matrix", "department", *sorted((A, B))) == 2
    assert figure("matrix", "department", A, A) == 1
    # Units: A-B joined, C alone: density 1/3, 2 of 6 ordered pairs reachable, paths of 1.
    assert figure("density_department") == pytest.approx(1 / 3, abs=1e-3)
    assert figure("reachability_department") == pytest.approx(2 / 6, abs=1e-3)
    assert figure("path_length_department") == 1
    assert figure("connected_units", "department", A) == 1
    assert figure("connected_units", "department", C) == 0
    # Silo index by hand: m = 3 (weights 1 and 2), A = {a1, a2}: L = 1, degrees 3 + 1;
    # B = {b1}: L = 0, degree 2. Q = 1/3 - (4/6)^2 + 0 - (2/6)^2 = -2/9.
    assert figure("silo_index") == pytest.approx(-2 / 9, abs=1e-4)
    graph = nx.Graph()
    graph.add_edge(a1.pk, a2.pk, weight=1)
    graph.add_edge(a1.pk, b1.pk, weight=2)
    expected = nx.community.modularity(graph, [{a1.pk, a2.pk}, {b1.pk}], weight="weight")
    assert figure("silo_index") == pytest.approx(expected, abs=1e-4)


def test_path_length_and_reachability_match_networkx(
    small: dict[str, Any], org: dict[str, Any]
) -> None:
    """A chain of units A - B - C: average path 4/3 over 6 ordered pairs, all reachable."""
    a1, b1, c1 = small["a1"], small["b1"], small["c1"]
    add("dm", a1, b1)
    add("dm", b1, c1)
    compute_period("month", MONTH, min_group=1)
    chain = nx.path_graph(3)
    assert figure("path_length_department") == pytest.approx(
        nx.average_shortest_path_length(chain), abs=1e-3
    )
    assert figure("reachability_department") == 1
    assert figure("density_department") == pytest.approx(nx.density(chain), abs=1e-3)


def test_connections_below_the_minimum_group_do_not_count(small: dict[str, Any]) -> None:
    """With N = 5, two people across A and B are no connection nobody may see."""
    add("dm", small["a1"], small["b1"])
    compute_period("month", MONTH, min_group=5)
    assert figure("density_department") == 0
    assert Aggregate.objects.get(measure="interactions", period="month").hidden


def test_active_people_from_content_too(small: dict[str, Any]) -> None:
    """A post makes its author active (and a poster) even without an edge."""
    from hanse.posts.models import Post

    Post.objects.create(
        author=small["c1"], body="Hallo", created_at=dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC)
    )
    add("comment", small["a1"], small["a2"])
    compute_period("month", MONTH, min_group=1)
    assert figure("active") == 3
    assert figure("posters") == 1
    assert figure("daily_active") == 1.5  # 1 person on the 5th, 2 on the 10th
