"""The record of processing activities (Art. 30 GDPR) for the data protection officer: the page
and its downloads as JSON and CSV. Everyone without the permission gets the same 404 as for an
unknown page; every download is recorded in the audit log."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hanse.audit.services import record
from hanse.core import processing
from hanse.processing import descriptions
from hanse.processing.rules import may_view_record


def _allowed(request: HttpRequest) -> None:
    if not may_view_record(request.user):
        raise Http404(_("This page does not exist."))


def _attachment(response: HttpResponse, extension: str) -> HttpResponse:
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="processing-record-{stamp}.{extension}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _erasure() -> dict[str, object]:
    """What an erasure does (Art. 17 GDPR): how it runs, then per app what goes, what is
    pseudonymised and what is kept and why (with the periods that delete it later), read
    from the registry the erase steps come from; for the page and the JSON download."""
    apps = [
        {
            **asdict(info),
            "retention": [
                {"label": r.label, "setting": r.setting, "days": r.days} for r in info.retention
            ],
        }
        for info in processing.erasure_by_app()
    ]
    return {
        "how": str(descriptions.ERASURE_HOW),
        "policies": str(descriptions.ERASURE_POLICIES),
        "apps": apps,
        "undescribed": [app["name"] for app in apps if not app["described"]],
    }


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    rows = processing.record()
    return render(
        request,
        "processing/record.html",
        {
            "rows": rows,
            "missing": [row for row in rows if row.activity is None],
            "generated_at": timezone.now(),
            "erasure": _erasure(),
        },
    )


@require_GET
def download_json(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    record("processing.record_exported", request=request, data={"format": "json"})
    body = json.dumps(
        {
            "generated_at": timezone.now().isoformat(),
            "activities": processing.as_data(),
            "erasure": _erasure(),
        },
        ensure_ascii=False,
        indent=2,
    )
    return _attachment(HttpResponse(body, content_type="application/json; charset=utf-8"), "json")


CSV_COLUMNS = (
    "app",
    "name",
    "purpose",
    "legal_basis",
    "data_subjects",
    "recipients",
    "retention",
    "retention_policies",
    "model",
    "table",
    "fields",
)


@require_GET
def download_csv(request: HttpRequest) -> HttpResponse:
    """One line per model: the app's description repeated, so a spreadsheet can filter it."""
    _allowed(request)
    record("processing.record_exported", request=request, data={"format": "csv"})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in processing.as_data():
        policies = "; ".join(
            f"{p['label']} ({p['setting']}={p['days']})" for p in row["retention_policies"]
        )
        for model in row["models"]:
            fields = ", ".join(f["field"] for f in model["fields"]) or _("(declared)")
            writer.writerow(
                [
                    row["app"],
                    row["name"],
                    row["purpose"] or "",
                    row["legal_basis"] or "",
                    row["data_subjects"] or "",
                    row["recipients"] or "",
                    row["retention"] or "",
                    policies,
                    model["model"],
                    model["table"],
                    fields,
                ]
            )
    # A byte order mark so that spreadsheet programs read the umlauts as UTF-8.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, "csv")
