"""The operator page: tasks of either queue backend with retry and discard, the scheduler's
jobs, and the way to the delivery failures (hanse/jobs/operator.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hanse.jobs import operator


def _operator_only(request: HttpRequest) -> None:
    if not request.user.has_perm("jobs.operate"):
        raise Http404


@require_GET
def operator_page(request: HttpRequest) -> HttpResponse:
    _operator_only(request)
    return render(request, "jobs/operator.html", {"overview": operator.overview()})


@require_POST
def task_action(request: HttpRequest, task_id: str, action: str) -> HttpResponse:
    _operator_only(request)
    try:
        if action == "retry":
            operator.retry(task_id)
            messages.success(request, _("The task was queued again."))
        elif action == "discard":
            operator.discard(task_id)
            messages.success(request, _("The task was discarded."))
        else:
            raise Http404
    except operator.UnknownTask:
        messages.error(
            request, _("This task is no longer there or has changed state. The list is updated.")
        )
    return HttpResponseRedirect(reverse("jobs:operator"))
