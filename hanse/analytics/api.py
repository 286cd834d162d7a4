"""/api/v1/analytics: the dashboard's tables, with the same suppression and audit as the page.

Only for the analytics role while analytics are on; anyone else gets 404. Every call is
written to the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from hanse.analytics import exports, rules
from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS
from hanse.audit.services import record
from hanse.core import http

router = Router(tags=["analytics"])

Table = Literal[
    "series", "figures", "units", "matrix", "network_nodes", "network", "communities", "searches"
]


class TableQuery(OffsetQuery):
    period: Literal["week", "month"] = "month"
    start: date | None = Field(None, description="A computed period's first day; else the newest.")
    dimension: Literal["department", "branch", "region"] = "department"


class RowOut(Schema):
    cells: list[str | float | None] = Field(
        description="The row's values in the order of the table's columns (docs/api.md); "
        "null where a figure is withheld."
    )


class PeriodOut(Schema):
    start: date


def _require(request: HttpRequest) -> Any:
    viewer = http.viewer(request)
    if not rules.may_view_analytics(viewer):
        raise Http404
    return viewer


@router.get("/periods", response={200: OffsetPage[PeriodOut], **ERRORS}, summary="Periods")
def periods(request: HttpRequest, query: Query[TableQuery]) -> dict[str, Any]:
    """The computed weeks or months, newest first."""
    viewer = _require(request)
    chosen = exports.choose(query.period, "", query.dimension)
    record(
        "analytics.api",
        actor=viewer,
        request=request,
        data={"table": "periods", **chosen.as_data()},
    )
    return offset_page(chosen.available, query, lambda d: PeriodOut(start=d))


@router.get("/tables/{table}", response={200: OffsetPage[RowOut], **ERRORS}, summary="A table")
def table(request: HttpRequest, table: Table, query: Query[TableQuery]) -> dict[str, Any]:
    """One of the dashboard's tables, exactly as the page and its CSV export show it."""
    viewer = _require(request)
    chosen = exports.choose(
        query.period, query.start.isoformat() if query.start else "", query.dimension
    )
    found = exports.tables(chosen)[table]
    record(
        "analytics.api", actor=viewer, request=request, data={"table": table, **chosen.as_data()}
    )
    return offset_page(
        found.rows,
        query,
        lambda row: RowOut(
            cells=[c if isinstance(c, float | int) or c is None else str(c) for c in row]
        ),
    )
