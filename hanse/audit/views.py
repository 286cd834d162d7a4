"""The audit log for administrators: a filtered, paged list and the export as JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hanse.audit import rules, selectors
from hanse.audit.forms import FilterForm
from hanse.audit.services import record


def _allowed(request: HttpRequest) -> None:
    if not rules.may_view_log(request.user):
        raise Http404(_("This page does not exist."))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _details(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True) if data else ""


@require_GET
def log(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = FilterForm(request.GET or None)
    filters = selectors.Filters()
    status = 200
    if form.is_bound:
        if form.is_valid():
            filters = form.filters()
        else:
            status = 400
    page = (
        selectors.page(
            filters, before=_int(request.GET.get("before")), after=_int(request.GET.get("after"))
        )
        if status == 200
        else selectors.Page(rows=[], newer=None, older=None)
    )
    names = selectors.actor_names({e.actor_id for e in page.rows if e.actor_id is not None})
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "rows": [
                (entry, names.get(entry.actor_id or 0), _details(entry.data)) for entry in page.rows
            ],
            "query": query.urlencode(),
            "actions": selectors.action_choices(),
            "filtered": bool(filters.as_data()),
        },
        status=status,
    )


@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    """JSON lines, oldest first, streamed. The export itself is recorded before it starts."""
    _allowed(request)
    form = FilterForm(request.GET or None)
    filters = selectors.Filters()
    if form.is_bound:
        if not form.is_valid():
            return HttpResponse(
                " ".join(str(e) for errors in form.errors.values() for e in errors),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        filters = form.filters()
    record("audit.exported", request=request, data={"filters": filters.as_data()})

    def lines() -> Iterator[str]:
        for line in selectors.export_lines(filters):
            yield json.dumps(line, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.jsonl"'
    response["Cache-Control"] = "private, no-store"
    return response
