"""The dashboard's tables: what the page shows, the CSV exports and the API serve.

One function builds every table from the visible figures, so the page, its table views,
the CSV files and the API cannot disagree about what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.analytics import cache as analytics_cache
from hanse.analytics import selectors
from hanse.analytics.org import DIMENSIONS
from hanse.core import interactions


@dataclass
class Choice:
    period: str
    start: date | None
    dimension: str
    available: list[date] = field(default_factory=list)

    def as_data(self) -> dict[str, str]:
        return {
            "period": self.period,
            "start": self.start.isoformat() if self.start else "",
            "dimension": self.dimension,
        }


@dataclass
class Table:
    headers: list[Any]
    rows: list[list[Any]]
    # What the picture of the table is drawn from (the matrix), not exported.
    source: Any = None


TABLES = (
    "series",
    "figures",
    "units",
    "matrix",
    "network_nodes",
    "network",
    "communities",
    "searches",
)


def tidy(value: Any) -> Any:
    """10000.0 reads as 10000: counts are whole numbers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def choose(period: str, start: str, dimension: str) -> Choice:
    """The period kind, the period and the unit kind asked for; unknown values: defaults (the
    newest computed month, departments)."""
    if period not in ("week", "month"):
        period = "month"
    if dimension not in DIMENSIONS:
        dimension = "department"
    available = selectors.starts(period)
    chosen: date | None = available[0] if available else None
    if start:
        try:
            wanted = date.fromisoformat(start)
        except ValueError:
            wanted = None
        if wanted in available:
            chosen = wanted
    return Choice(period=period, start=chosen, dimension=dimension, available=available)


def kind_labels() -> list[str]:
    return sorted(str(k.label) for k in interactions.kinds().values())


def tables(chosen: Choice) -> dict[str, Table]:
    """Every table of the chosen period, from the cache of this generation (hanse/analytics/
    cache.py): the page, its CSV files and the API read the same figures."""
    return analytics_cache.cached(
        "tables", (chosen.period, chosen.start, chosen.dimension), lambda: build_tables(chosen)
    )


def build_tables(chosen: Choice) -> dict[str, Table]:
    dates, values = selectors.series(chosen.period)
    keys = list(selectors.KPI_LABELS)
    result = {
        "series": Table(
            [_("Period"), *(selectors.KPI_LABELS[k] for k in keys)],
            [[d.isoformat(), *(values[k][i] for k in keys)] for i, d in enumerate(dates)],
        )
    }
    if chosen.start is None:
        for name in TABLES[1:]:
            result[name] = Table([], [])
        return result
    period, start, dim = chosen.period, chosen.start, chosen.dimension
    figures = selectors.org_figures(period, start)
    result["figures"] = Table(
        [_("Measure"), _("Value")],
        [[selectors.KPI_LABELS[k], figures.get(k)] for k in keys if figures.get(k) is not None],
    )
    units = selectors.units(period, start, dim)
    result["units"] = Table(
        [
            _("Unit id"),
            _("Unit"),
            _("Active people"),
            _("People who post"),
            _("Share who post, per cent"),
            _("Connected units"),
        ],
        [[u.key, u.name, u.active, u.posters, u.share_posters, u.connected_units] for u in units],
    )
    matrix = selectors.matrix(period, start, dim)
    names = dict(matrix.labels)
    pairs = sorted(
        ((a, b, v) for (a, b), v in matrix.cells.items() if a <= b),
        key=lambda t: (names.get(t[0], ""), names.get(t[1], "")),
    )
    result["matrix"] = Table(
        [_("Unit"), _("Unit"), _("Interactions")],
        [[names.get(a, ""), names.get(b, ""), v] for a, b, v in pairs],
        source=matrix,
    )
    result["network_nodes"] = Table(
        [_("Unit id"), _("Unit"), _("Active people")],
        [[u.key, u.name, u.active] for u in units if u.active is not None and u.key in names],
    )
    shown = {r[0] for r in result["network_nodes"].rows}
    result["network"] = Table(
        [_("Unit id"), _("Unit"), _("Unit id"), _("Unit"), _("Interactions")],
        [
            [a, names.get(a, ""), b, names.get(b, ""), v]
            for a, b, v in pairs
            if a != b and a in shown and b in shown
        ],
    )
    result["communities"] = Table(
        [
            _("Community"),
            _("Active members"),
            _("Posts"),
            _("Questions answered, per cent"),
            _("Hours to a first answer (median)"),
        ],
        [
            [
                c["name"],
                c.get("active_members"),
                c.get("posts"),
                round(100 * c["answered_share"], 1) if "answered_share" in c else None,
                c.get("hours_to_answer"),
            ]
            for c in selectors.communities(period, start)
        ],
    )
    result["searches"] = Table(
        [_("Searched for"), _("People")],
        [[text, people] for text, people in selectors.missed_searches(period, start)],
    )
    for table in result.values():
        # Plain text in the reader's language: the tables are cached per language.
        table.headers = [str(h) for h in table.headers]
        table.rows = [[_text(tidy(cell)) for cell in row] for row in table.rows]
    return result


def _text(value: Any) -> Any:
    return value if value is None or isinstance(value, int | float | str) else str(value)
