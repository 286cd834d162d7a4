"""Network analytics pages: the dashboard (analytics role), its CSV exports, the page every
employee can read, "My network", and the administrators' switch."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hanse.analytics import cache as analytics_cache
from hanse.analytics import charts, exports, rules, selectors, services
from hanse.analytics.org import DIMENSIONS
from hanse.audit.services import record
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.core.replicas import replica_view


def _require_role(request: HttpRequest) -> Any:
    viewer = http.viewer(request)
    if not rules.may_view_analytics(viewer):
        # Unknown and forbidden answer alike: the page's existence is nobody else's business.
        raise Http404
    return viewer


def choice(request: HttpRequest) -> exports.Choice:
    return exports.choose(
        request.GET.get("period", ""),
        request.GET.get("start", ""),
        request.GET.get("dimension", ""),
    )


@replica_view
def dashboard(request: HttpRequest) -> HttpResponse:
    viewer = _require_role(request)
    chosen = choice(request)
    record(
        "analytics.viewed",
        actor=viewer,
        request=request,
        data=chosen.as_data(),
    )
    # The figures' part of the page (charts and table views, some thousand template nodes)
    # is rendered once per generation, period, unit kind and language (hanse/analytics/cache.py).
    figures_html = analytics_cache.cached(
        "figures-html",
        (chosen.period, chosen.start, chosen.dimension),
        lambda: _figures_html(chosen),
    )
    return render(
        request,
        "analytics/dashboard.html",
        {
            "chosen": chosen,
            "figures_html": mark_safe(figures_html),  # noqa: S308 - our own rendered template
            "dimensions": [(d, selectors.DIMENSION_LABELS[d]) for d in DIMENSIONS],
            "min_group": selectors.min_group(),
        },
    )


def _figures_html(chosen: exports.Choice) -> str:
    tables = exports.tables(chosen)
    return render_to_string(
        "analytics/_figures.html",
        {
            "tables": tables,
            "chosen": chosen,
            "min_group": selectors.min_group(),
            "query": urlencode(chosen.as_data()),
            **_pictures(chosen, tables),
        },
    )


def _pictures(chosen: exports.Choice, tables: dict[str, exports.Table]) -> dict[str, Any]:
    """The charts of the dashboard (SVG text, cached with the tables they draw)."""
    dates, values = selectors.series(chosen.period)
    labels = {k: str(v) for k, v in selectors.KPI_LABELS.items()}
    people_keys = ["active", "adopted"]
    share_keys = ["share_cross_department", "share_cross_branch", "share_posters"]
    matrix = tables["matrix"].source
    network_nodes = [(r[0], r[1], r[2]) for r in tables["network_nodes"].rows]
    network_edges = [(r[0], r[2], r[4]) for r in tables["network"].rows]
    return {
        "people_chart": charts.line_chart(dates, {k: values[k] for k in people_keys}, labels),
        "people_legend": charts.legend(people_keys, labels),
        "shares_legend": charts.legend(share_keys, labels),
        "shares_chart": charts.line_chart(dates, {k: values[k] for k in share_keys}, labels),
        "heatmap": charts.heatmap(matrix.labels, matrix.cells) if matrix else "",
        "network_chart": charts.network(network_nodes, network_edges),
    }


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A unit name starting with = or + must not become a spreadsheet formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@replica_view
def export(request: HttpRequest, table: str) -> HttpResponse:
    """One table of the dashboard as CSV: exactly the figures the page shows."""
    viewer = _require_role(request)
    chosen = choice(request)
    tables = exports.tables(chosen)
    if table not in tables:
        raise Http404
    found = tables[table]
    record(
        "analytics.exported",
        actor=viewer,
        request=request,
        data={**chosen.as_data(), "table": table},
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([str(h) for h in found.headers])
    for row in found.rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="analytics-{table}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def about(request: HttpRequest) -> HttpResponse:
    """What is measured, what not, who sees it, how long it is kept: for every employee."""
    row = services.current()
    return render(
        request,
        "analytics/about.html",
        {"settings": row, "kinds": exports.kind_labels()},
    )


@replica_view
def my_network(request: HttpRequest) -> HttpResponse:
    """Whom I interacted with across departments and how my network grew: mine alone."""
    viewer = http.viewer(request)
    enabled = rules.may_view_own_network(viewer)
    network = selectors.my_network(viewer) if enabled else None
    return render(
        request,
        "analytics/my_network.html",
        {"enabled": enabled, "network": network, "settings": services.current()},
    )


class SwitchForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (for example the staff council agreement's reference)"),
        max_length=300,
        required=False,
    )
    min_group = forms.IntegerField(
        label=gettext_lazy("Minimum group size"), min_value=5, max_value=100, required=False
    )


@require_http_methods(["GET", "POST"])
def switch(request: HttpRequest) -> HttpResponse:
    """Administrators switch analytics on (with a reason) or off and raise the minimum group."""
    viewer = http.viewer(request)
    if not rules.may_manage_analytics(viewer):
        raise Http404
    row = services.current()
    form = SwitchForm(request.POST or None, initial={"min_group": row.min_group})
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "disable":
                services.analytics_disable(by=viewer, request=request)
                messages.success(request, _("Network analytics are off."))
            elif request.POST.get("action") == "min_group":
                services.min_group_raise(
                    by=viewer, value=form.cleaned_data["min_group"] or 0, request=request
                )
                messages.success(request, _("The minimum group size was raised."))
            else:
                services.analytics_enable(
                    by=viewer,
                    reason=form.cleaned_data["reason"],
                    min_group=form.cleaned_data["min_group"],
                    request=request,
                )
                messages.success(request, _("Network analytics are on."))
            return HttpResponseRedirect(reverse("analytics:switch"))
        except ServiceError as error:
            form.add_error(None, str(error.message))
    return render(request, "analytics/switch.html", {"form": form, "settings": row})
