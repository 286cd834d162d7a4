from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hanse.core.errors import ServiceError
from hanse.identity import selectors, services


def sessions(request: HttpRequest) -> HttpResponse:
    """The person's own sessions: device, place, last activity."""
    rows = selectors.sessions_of(request.user, current_key=request.session.session_key)
    return render(
        request,
        "identity/sessions.html",
        {"rows": rows, "others": sum(1 for row in rows if not row.current)},
    )


@require_POST
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = selectors.get_session_for(request.user, session_id)
    except Http404:
        messages.error(request, _("This session has already ended."))
        return redirect("identity:sessions")
    try:
        services.session_end(user=request.user, session=session, request=request)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The session was ended."))
    return redirect("identity:sessions")


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = services.sessions_end_others(user=request.user, request=request)
    messages.success(
        request,
        ngettext(
            "%(count)d other session was ended.", "%(count)d other sessions were ended.", count
        )
        % {"count": count},
    )
    return redirect("identity:sessions")


@login_not_required
def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """Django admin's own login form knows no second factor: admin signs in through ours."""
    target = request.GET.get("next", "")
    response = redirect("account_login")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        response["Location"] += "?" + urlencode({"next": target})
    return response
