"""Pages of moderation: reporting, the queue, a case with its history and actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.moderation import rules, selectors, services
from hanse.moderation.forms import ReasonForm, ReportForm, SuspendForm
from hanse.moderation.models import Suspension


def report(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    mtype, obj = selectors.get_reportable_for(viewer=viewer, kind=kind, object_id=object_id)
    back = http.safe_next(request, mtype.url(obj))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                reporter=viewer,
                kind=kind,
                object_id=obj.pk,
                category=form.cleaned_data["category"],
                text=form.cleaned_data["text"],
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Thank you. Moderators will look at your report."))
            return HttpResponseRedirect(back)
    return render(
        request,
        "moderation/report.html",
        {
            "form": form,
            "label": mtype.label,
            "excerpt": mtype.excerpt(obj),
            "back": back,
            "own": not rules.may_report(viewer, author_id=mtype.author_id(obj)),
        },
    )


def queue(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    if not rules.may_see_queue(viewer):
        raise Http404
    return render(
        request,
        "moderation/queue.html",
        {
            "cases": selectors.cases_for(viewer),
            "platform": rules.is_platform_moderator(viewer),
        },
    )


def case(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    hiding = selectors.hiding_of(kind, object_id)
    try:
        reports = selectors.case_reports(viewer=viewer, kind=kind, object_id=object_id)
    except Http404:
        # A decided case stays reachable for its moderators (to restore hidden content).
        reports = []
    mtype = selectors.get_type(kind)
    obj = selectors.content_of(kind, object_id)
    if obj is None:
        raise Http404
    author_id = mtype.author_id(obj)
    if not rules.may_moderate(viewer, author_id=author_id, community_id=mtype.community_id(obj)):
        raise Http404
    author = reports[0].author if reports else None
    if author is None and author_id is not None:
        author = selectors.person(author_id)
    return render(
        request,
        "moderation/case.html",
        {
            "kind": kind,
            "object_id": object_id,
            "label": mtype.label,
            "excerpt": mtype.excerpt(obj),
            "url": mtype.url(obj),
            "reports": reports,
            "hiding": hiding,
            "author": author,
            "content_history": selectors.content_history(kind, object_id),
            "person_history": selectors.person_history(author_id),
            "reason_form": ReasonForm(),
            "suspend_form": SuspendForm() if rules.may_suspend(viewer, author) else None,
        },
    )


_ACTIONS = {
    "hide": (services.content_hide, gettext_lazy("The content is hidden.")),
    "remove": (services.content_remove, gettext_lazy("The content is removed.")),
    "restore": (services.content_restore, gettext_lazy("The content is visible again.")),
    "dismiss": (services.reports_dismiss, gettext_lazy("The reports are closed without action.")),
    "warn": (services.person_warn, gettext_lazy("The author has been warned.")),
}


@require_POST
def case_act(request: HttpRequest, kind: str, object_id: int, action: str) -> HttpResponse:
    viewer = http.viewer(request)
    here = reverse("moderation:case", args=[kind, object_id])
    if action == "suspend":
        form = SuspendForm(request.POST)
        obj = selectors.content_of(kind, object_id)
        mtype = selectors.get_type(kind)
        if obj is None:
            raise Http404
        subject = selectors.person(mtype.author_id(obj))
        if not form.is_valid():
            messages.error(request, _("Give the number of days (1 to 365) and a reason."))
            return HttpResponseRedirect(here)
        http.attempt(
            request,
            lambda: services.person_suspend(
                by=viewer,
                subject=subject,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
                request=request,
            ),
            _("The person is suspended and signed out."),
        )
        return HttpResponseRedirect(here)
    if action not in _ACTIONS:
        raise Http404
    service, success = _ACTIONS[action]
    reason_form = ReasonForm(request.POST)
    reason = reason_form.cleaned_data["reason"] if reason_form.is_valid() else ""
    if not reason_form.is_valid():
        messages.error(request, _("The reason is too long."))
        return HttpResponseRedirect(here)
    http.attempt(
        request,
        lambda: service(by=viewer, kind=kind, object_id=object_id, reason=reason),
        str(success),
    )
    if action in ("dismiss",):
        return HttpResponseRedirect(reverse("moderation:queue"))
    return HttpResponseRedirect(here)


@require_POST
def suspension_lift(request: HttpRequest, suspension_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    suspension = get_object_or_404(Suspension.objects.select_related("user"), pk=suspension_id)
    if not rules.may_suspend(viewer, suspension.user):
        raise Http404
    http.attempt(
        request,
        lambda: services.suspension_lift(by=viewer, suspension=suspension),
        _("The suspension is lifted."),
    )
    return HttpResponseRedirect(http.safe_next(request, reverse("moderation:queue")))


@login_not_required
def suspended(request: HttpRequest) -> HttpResponse:
    """Where a suspended person lands after being signed out."""
    return render(request, "moderation/suspended.html", {"until": request.GET.get("until", "")})
