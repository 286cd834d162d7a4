"""Pages of the multipliers' programme: find one, volunteer, ask, and the coordinators'
approvals and coverage."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.chat.services import channels as chat_channels
from hanse.circles import rules, selectors
from hanse.circles.forms import VolunteerForm
from hanse.circles.models import Multiplier
from hanse.circles.services import multipliers as services
from hanse.core import http
from hanse.core.errors import ServiceError


@require_GET
def find(request: http.Request) -> HttpResponse:
    me = http.viewer(request)
    mine = Multiplier.objects.filter(user=me).first()
    return render(
        request,
        "circles/multipliers.html",
        {
            "regions": selectors.multipliers_by_region(viewer=me),
            "nearest": selectors.nearest_multipliers(viewer=me)
            if request.GET.get("near")
            else None,
            "mine": mine,
            "may_volunteer": rules.may_volunteer(me),
            "is_coordinator": rules.is_coordinator(me),
        },
    )


@require_http_methods(["GET", "POST"])
def volunteer(request: http.Request) -> HttpResponse:
    me = http.viewer(request)
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.multiplier_volunteer(
                user=me, topics=form.cleaned_data["topics"], note=form.cleaned_data["note"]
            )
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Thank you! A coordinator will get back to you."))
            return redirect("circles:multipliers")
    return render(
        request,
        "circles/volunteer.html",
        {"form": form, "may_volunteer": rules.may_volunteer(me)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def ask(request: http.Request, multiplier_id: int) -> HttpResponse:
    """Ask a multiplier: opens (or finds) the direct message with them."""
    me = http.viewer(request)
    found = selectors.multipliers_for(viewer=me).filter(pk=multiplier_id).first()
    if found is None:
        raise Http404
    try:
        channel, _created = chat_channels.dm_open(by=me, people=[found.user])
    except ServiceError as exc:
        http.flash_error(request, exc)
        return redirect("circles:multipliers")
    return redirect(reverse("chat:channel", args=[channel.pk]))


@require_GET
def coverage(request: http.Request) -> HttpResponse:
    me = http.viewer(request)
    return render(request, "circles/coverage.html", {"coverage": selectors.coverage_for(viewer=me)})


@require_POST
def decide(request: http.Request, multiplier_id: int) -> HttpResponse:
    me = http.viewer(request)
    found = selectors.get_pending_multiplier_for(viewer=me, multiplier_id=multiplier_id)
    approve = request.POST.get("decision") == "approve"
    http.attempt(
        request,
        lambda: services.multiplier_decide(by=me, multiplier=found, approve=approve),
        _("Approved.") if approve else _("Declined."),
    )
    return redirect("circles:coverage")
