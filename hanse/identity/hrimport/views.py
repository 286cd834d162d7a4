"""The HR import page for platform administrators: upload a file, read its preview (made in
the task queue, its progress shown), confirm the real run. Everyone else is told the page
does not exist."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.core.errors import ServiceError
from hanse.core.http import flash_error
from hanse.core.rules import is_platform_admin
from hanse.identity.hrimport import reader, runs
from hanse.identity.models import HrImportRun

SHOWN = 500  # rows per list on the page; the command prints all of them


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("HR file (CSV)"),
        help_text=gettext_lazy("UTF-8 or Windows-1252, separated by semicolons or commas."),
        error_messages={
            "required": gettext_lazy("Please choose a CSV file."),
            "empty": gettext_lazy("The file is empty."),
            "invalid": gettext_lazy("Please choose a CSV file."),
        },
    )


def _admin_only(request: HttpRequest) -> None:
    if not is_platform_admin(request.user):
        raise Http404(_("This page does not exist."))


@require_http_methods(["GET", "HEAD", "POST"])
def page(request: HttpRequest) -> HttpResponse:
    """The upload form and the recent runs; POST queues the preview of a file."""
    _admin_only(request)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            runs.check_size(upload.size or 0)
            run = runs.run_request(
                data=upload.read(), file_name=upload.name or "", by=request.user, request=request
            )
        except reader.FileRefused as refused:
            form.add_error("file", str(refused.message))
        else:
            return redirect("hrimport:run", run_id=run.pk)
    recent = HrImportRun.objects.select_related("created_by").defer("content", "report")[:20]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "identity/hr_import.html",
        {"form": form, "recent": recent, "columns": reader.COLUMNS},
        status=status,
    )


def _context(run: HrImportRun) -> dict[str, Any]:
    report = run.report or {}
    lists = {
        name: report.get(name, [])[:SHOWN]
        for name in (
            "errors",
            "warnings",
            "new_people",
            "changed_people",
            "deactivated",
            "new_units",
            "new_locations",
            "manager_changes",
        )
    }
    hidden = {name: max(0, len(report.get(name, [])) - SHOWN) for name in lists}
    confirmable = (
        run.dry_run
        and run.status == HrImportRun.Status.PREVIEWED
        and not run.errors
        and not report.get("refused")
        and bool(run.content)
        and not run.confirmations.exists()
    )
    return {
        "run": run,
        "report": report,
        "lists": lists,
        "hidden": hidden,
        "counts": report.get("counts", {}),
        "progress": runs.progress_of(run),
        "confirmable": confirmable,
        "confirmation": run.confirmations.order_by("-pk").first() if run.dry_run else None,
    }


@require_GET
def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    _admin_only(request)
    run = get_object_or_404(HrImportRun.objects.select_related("created_by"), pk=run_id)
    return render(request, "identity/hr_import_run.html", _context(run))


@require_GET
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    """The status and report block alone, polled by htmx every 2 seconds while it runs."""
    _admin_only(request)
    run = get_object_or_404(HrImportRun, pk=run_id)
    return render(request, "identity/_hr_import_status.html", _context(run))


@require_POST
def run_confirm(request: HttpRequest, run_id: int) -> HttpResponse:
    _admin_only(request)
    preview = get_object_or_404(HrImportRun, pk=run_id)
    try:
        run = runs.run_confirm(preview=preview, by=request.user, request=request)
    except ServiceError as exc:
        flash_error(request, exc)
        return redirect("hrimport:run", run_id=preview.pk)
    messages.success(request, _("The import has started."))
    return redirect("hrimport:run", run_id=run.pk)
