"""The person's data export page: ask for an export, follow its progress, download it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hanse.communities import selectors as community_selectors
from hanse.core import personal_data
from hanse.core.errors import ServiceError
from hanse.core.files import serve_stored_file
from hanse.core.http import attempt, viewer
from hanse.core.rules import is_platform_admin
from hanse.privacy import erasure as erasure_service
from hanse.privacy import selectors, services
from hanse.privacy.models import Erasure


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


# --- Erasure (GDPR Art. 17): platform administrators only; everyone else gets 404 ---------


def _require_admin(request: HttpRequest) -> Any:
    person = viewer(request)
    if not is_platform_admin(person):
        raise Http404
    return person


@require_http_methods(["GET", "HEAD"])
def erasure_find(request: HttpRequest) -> HttpResponse:
    """Find the person to erase by username, then confirm on their page."""
    _require_admin(request)
    username = request.GET.get("username", "").strip()
    error = ""
    if username:
        person = selectors.person_to_erase(username)
        if person is not None:
            return redirect("privacy:erasure_confirm", username=person.username)
        error = _("No active person has this username.")
    return render(
        request,
        "privacy/erasure_find.html",
        {"username": username, "error": error, "erasures": selectors.recent_erasures()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def erasure_confirm(request: HttpRequest, username: str) -> HttpResponse:
    """What erasing this person does under each policy, with counts; POST starts it once the
    administrator typed the username again."""
    admin = _require_admin(request)
    person = selectors.person_to_erase(username)
    if person is None:
        raise Http404
    error = ""
    policy = request.POST.get("policy", "")
    if request.method == "POST":
        if request.POST.get("confirm", "").strip() != person.username:
            error = _("Type the username exactly to confirm.")
        elif policy not in personal_data.POLICIES:
            error = _("Choose a policy.")
        else:
            try:
                erasure = erasure_service.erasure_request(
                    user=person, by=admin, policy=policy, request=request
                )
            except ServiceError as exc:
                error = str(exc.message)
            else:
                messages.success(request, _("The erasure has started."))
                return redirect("privacy:erasure_status", erasure_id=erasure.pk)
    previews = {
        p: erasure_service.erasure_preview(user=person, policy=p) for p in personal_data.POLICIES
    }
    return render(
        request,
        "privacy/erasure_confirm.html",
        {
            "person": person,
            "error": error,
            "policy": policy,
            "pseudonymise": erasure_service.labelled(previews[personal_data.PSEUDONYMISE]),
            "delete": erasure_service.labelled(previews[personal_data.DELETE]),
            "ownerships": community_selectors.sole_ownerships(user=person),
        },
        status=400 if error else 200,
    )


@require_GET
def erasure_status(request: HttpRequest, erasure_id: int) -> HttpResponse:
    """One erasure's state and counts (no name: once done, nothing names the person)."""
    _require_admin(request)
    erasure = get_object_or_404(Erasure, pk=erasure_id)
    counts = erasure_service.labelled(erasure.counts)
    return render(request, "privacy/erasure_status.html", {"erasure": erasure, "counts": counts})
