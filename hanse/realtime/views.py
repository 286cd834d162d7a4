"""The presence preference (a small form on the profile edit page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hanse.core import http
from hanse.people.forms import PresenceForm
from hanse.realtime import services


@require_POST
def presence_preference(request: HttpRequest) -> HttpResponse:
    """Save whether colleagues see when I am online."""
    form = PresenceForm(request.POST)
    form.is_valid()  # a missing checkbox is a valid "no"
    show = bool(form.cleaned_data.get("show_presence"))
    services.presence_preference_set(user=http.viewer(request), show=show)
    if show:
        messages.success(request, _("Colleagues now see when you are online."))
    else:
        messages.success(request, _("Your online status is now hidden."))
    return redirect("people:profile_edit")
