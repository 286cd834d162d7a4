"""Reading the aggregates for the dashboard, its exports and the API: visible figures only.

Every function here reads ``hidden=False`` rows: what suppression withheld never leaves the
database (hanse/analytics/suppression.py). Shares are derived from two visible counts and
shown only when both the part and the rest come from at least N people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.analytics.models import Aggregate, InteractionEdge
from hanse.analytics.org import DIMENSIONS, load_org, unit_names
from hanse.analytics.services import current
from hanse.people.models import User

SERIES_LENGTH = 12

KPI_LABELS: dict[str, Any] = {
    "active": _("Active people"),
    "daily_active": _("Active per day (average)"),
    "adopted": _("People who have taken part so far"),
    "share_posters": _("Share of active people who post, per cent"),
    "share_commenters": _("Share of active people who comment, per cent"),
    "share_reacters": _("Share of active people who react, per cent"),
    "share_cross_department": _("Interactions across departments, per cent"),
    "share_cross_branch": _("Interactions across branches, per cent"),
    "share_cross_region": _("Interactions across regions, per cent"),
    "silo_index": _("Silo index (modularity by department)"),
    "density_department": _("Density of the department network"),
    "path_length_department": _("Average path between departments"),
    "reachability_department": _("Reachability between departments"),
}
DIMENSION_LABELS: dict[str, Any] = {
    "department": _("Departments"),
    "branch": _("Branches"),
    "region": _("Regions"),
}


def min_group() -> int:
    return current().min_group


def starts(period: str) -> list[date]:
    """The computed periods, newest first (at most SERIES_LENGTH)."""
    found = (
        Aggregate.objects.filter(period=period, dimension="org", measure="active")
        .order_by("-start")
        .values_list("start", flat=True)[:SERIES_LENGTH]
    )
    return list(found)


def _share(num: float | None, den: float | None, n: int, *, people: bool) -> float | None:
    if num is None or den is None or den <= 0:
        return None
    # For counts of people the rest (den - num) is itself a group of people: it needs N too.
    if people and (num < n or den - num < n):
        return None
    return round(100 * num / den, 1)


def org_figures(period: str, start: date, n: int | None = None) -> dict[str, float | None]:
    """The organisation's visible figures of one period, shares included."""
    n = n or min_group()
    rows = dict(
        Aggregate.objects.filter(
            period=period, start=start, dimension="org", hidden=False
        ).values_list("measure", "value")
    )
    figures: dict[str, float | None] = {
        k: rows.get(k) for k in ("active", "daily_active", "adopted", "silo_index")
    }
    for m in ("posters", "commenters", "reacters"):
        figures[f"share_{m}"] = _share(rows.get(m), rows.get("active"), n, people=True)
    for d in DIMENSIONS:
        # cross and within are both visible only when each comes from N people (groups).
        cross, within = rows.get(f"cross_{d}"), rows.get(f"within_{d}")
        total = rows.get("interactions")
        figures[f"share_cross_{d}"] = (
            round(100 * cross / total, 1)
            if cross is not None and within is not None and total
            else None
        )
    for m in ("density_department", "path_length_department", "reachability_department"):
        figures[m] = rows.get(m)
    return figures


def series(period: str) -> tuple[list[date], dict[str, list[float | None]]]:
    """Figures over the last periods, oldest first."""
    n = min_group()
    dates = sorted(starts(period))
    values: dict[str, list[float | None]] = {k: [] for k in KPI_LABELS}
    for start in dates:
        figures = org_figures(period, start, n)
        for k in KPI_LABELS:
            values[k].append(figures.get(k))
    return dates, values


@dataclass
class UnitRow:
    key: str
    name: str
    active: float | None = None
    posters: float | None = None
    share_posters: float | None = None
    connected_units: float | None = None


def units(period: str, start: date, dimension: str) -> list[UnitRow]:
    """Per unit: active people, posters (and their share), connected units; visible only."""
    n = min_group()
    names = unit_names()[dimension]
    rows: dict[str, UnitRow] = {}
    qs = Aggregate.objects.filter(
        period=period,
        start=start,
        dimension=dimension,
        measure__in=("active", "posters", "connected_units"),
        hidden=False,
    ).values_list("measure", "key", "value")
    for measure, key, value in qs:
        row = rows.setdefault(key, UnitRow(key=key, name=names.get(key, "") or str(_("No unit"))))
        setattr(row, measure, value)
    for row in rows.values():
        row.share_posters = _share(row.posters, row.active, n, people=True)
    return sorted(rows.values(), key=lambda r: (-(r.active or 0), r.name))


@dataclass
class Matrix:
    labels: list[tuple[str, str]] = field(default_factory=list)  # key, name
    cells: dict[tuple[str, str], float] = field(default_factory=dict)  # both orders

    @property
    def maximum(self) -> float:
        return max(self.cells.values(), default=0)


# A heatmap and a network of more units than this cannot be read (nor drawn on a phone): the
# picture, its table and its CSV show the units with the most active people.
MATRIX_UNITS = 25


def matrix(period: str, start: date, dimension: str) -> Matrix:
    """The unit x unit interaction matrix of the MATRIX_UNITS units with the most active
    people: visible cells; a unit appears if one of its cells is visible."""
    names = unit_names()[dimension]
    result = Matrix()
    keys: set[str] = set()
    biggest = list(
        Aggregate.objects.filter(
            period=period, start=start, dimension=dimension, measure="active", hidden=False
        )
        .exclude(key="")
        .order_by("-value", "key")
        .values_list("key", flat=True)[:MATRIX_UNITS]
    )
    qs = Aggregate.objects.filter(
        period=period,
        start=start,
        dimension=dimension,
        measure="matrix",
        hidden=False,
        key__in=biggest,
        key2__in=biggest,
    ).values_list("key", "key2", "value")
    for a, b, value in qs:
        result.cells[(a, b)] = value
        result.cells[(b, a)] = value
        keys.update((a, b))
    result.labels = sorted(
        ((k, names.get(k, "") or str(_("No unit"))) for k in keys), key=lambda kv: kv[1]
    )
    return result


def communities(period: str, start: date) -> list[dict[str, Any]]:
    """Community health: visible figures per community, by active members."""
    from hanse.communities.models import Community  # names only, for the table

    by: dict[str, dict[str, Any]] = {}
    qs = Aggregate.objects.filter(
        period=period, start=start, dimension="community", hidden=False
    ).values_list("key", "measure", "value")
    for key, measure, value in qs:
        by.setdefault(key, {"key": key})[measure] = value
    names = dict(
        Community.objects.filter(pk__in=[int(k) for k in by if k.isdigit()]).values_list(
            "pk", "name"
        )
    )
    rows = []
    for key, row in by.items():
        if "active_members" not in row:
            continue
        row["name"] = names.get(int(key), "")
        rows.append(row)
    return sorted(rows, key=lambda r: -float(r["active_members"]))[:20]


def missed_searches(period: str, start: date) -> list[tuple[str, float]]:
    """What people searched for without finding it (months only), by people: visible only."""
    if period != "month":
        return []
    rows = Aggregate.objects.filter(
        period=period, start=start, dimension="search", measure="missed", hidden=False
    ).order_by("-value", "key")[:MISSED_SHOWN]
    return list(rows.values_list("key", "value"))


MISSED_SHOWN = 20


@dataclass
class MyNetwork:
    colleagues: list[dict[str, Any]]
    growth: list[tuple[date, int, int]]  # month, colleagues so far, units so far


def my_network(user: Any) -> MyNetwork:
    """Whom this person interacted with outside their own department (from the raw edges kept
    for the retention period) and how their network grew; for their eyes only."""
    from django.db.models import Q

    org = load_org()
    mine = org.units["department"].get(user.pk, "")
    edges = list(
        InteractionEdge.objects.filter(Q(a_id=user.pk) | Q(b_id=user.pk))
        .order_by("day")
        .values_list("a_id", "b_id", "day")
    )
    others: dict[int, int] = {}
    growth: list[tuple[date, int, int]] = []
    seen_people: set[int] = set()
    seen_units: set[str] = set()
    month: date | None = None
    for a, b, day in edges:
        other = b if a == user.pk else a
        others[other] = others.get(other, 0) + 1
        this_month = day.replace(day=1)
        if month is not None and this_month != month:
            growth.append((month, len(seen_people), len(seen_units)))
        month = this_month
        seen_people.add(other)
        unit = org.units["department"].get(other, "")
        if unit and unit != mine:
            seen_units.add(unit)
    if month is not None:
        growth.append((month, len(seen_people), len(seen_units)))
    people = User.objects.filter(pk__in=list(others)).select_related("org_unit")
    colleagues: list[dict[str, Any]] = []
    for person in people:
        unit = org.units["department"].get(person.pk, "")
        if unit and unit != mine:
            colleagues.append(
                {
                    "person": person,
                    "unit": org.names["department"].get(unit, ""),
                    "count": others[person.pk],
                }
            )
    colleagues.sort(key=lambda c: (str(c["unit"]), -int(c["count"])))
    return MyNetwork(colleagues=colleagues, growth=growth)
