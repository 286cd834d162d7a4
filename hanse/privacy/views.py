"""The person's data export page: ask for an export, follow its progress, download it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hanse.core.files import serve_stored_file
from hanse.core.http import attempt, viewer
from hanse.privacy import selectors, services


def _context(request: HttpRequest) -> dict[str, object]:
    exports = selectors.exports_of(viewer(request))
    latest = exports[0] if exports else None
    return {
        "exports": exports,
        "latest": latest,
        "in_progress": bool(latest and latest.in_progress),
        "days": settings.DATA_EXPORT_DAYS,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """The page; POST asks for a new export."""
    if request.method == "POST":
        attempt(
            request,
            lambda: services.export_request(user=viewer(request), request=request),
            _("Your export has been requested. We will tell you when it is ready."),
        )
        return redirect("privacy:export")
    return render(request, "privacy/export.html", _context(request))


@require_GET
def export_status(request: HttpRequest) -> HttpResponse:
    """The status block alone, polled by htmx every 2 seconds while an export runs."""
    return render(request, "privacy/_status.html", _context(request))


@require_GET
def export_download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    """The archive, to its owner only: everyone else, administrators too, gets 404."""
    item = selectors.get_ready_export_for(viewer(request), export_id)
    services.export_downloaded(export=item, request=request)
    stamp = item.created_at.date().isoformat()
    return serve_stored_file(
        request,
        item.file,
        content_type="application/zip",
        filename=f"hanse-data-{stamp}.zip",
        as_attachment=True,
    )
