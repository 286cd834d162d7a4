"""The retention page for platform administrators: what each type's retention would delete
now, and the confirmation that lets the scheduled job delete it (hanse/core/retention_runs.py).
Everyone else is told the page does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hanse.core import retention, retention_runs
from hanse.core.rules import is_platform_admin


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest) -> HttpResponse:
    if not is_platform_admin(request.user):
        raise Http404(_("This page does not exist."))
    if request.method == "POST":
        key = request.POST.get("key", "")
        if retention.get(key) is None:
            messages.error(request, _("Choose one of the listed types."))
            return redirect("core:retention")
        done = retention_runs.confirm(by=request.user, keys=[key], request=request)
        if done:
            messages.success(request, _("Confirmed: the nightly run deletes what is shown."))
        else:
            messages.error(request, _("This type is kept forever; there is nothing to confirm."))
        return redirect("core:retention")
    return render(request, "core/retention.html", {"rows": retention_runs.preview()})
