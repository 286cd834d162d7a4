"""Settings page for personal access tokens."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hanse.api import selectors, services
from hanse.core import http, ratelimit
from hanse.core.errors import ServiceError


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List my tokens; POST creates one and shows its value once."""
    new_token: str | None = None
    error: str | None = None
    form = {"name": "", "expires_in_days": ""}
    if request.method == "POST":
        ratelimit.require("api_token_create", http.viewer(request).pk)  # RATE_LIMITS
        form = {
            "name": request.POST.get("name", ""),
            "expires_in_days": request.POST.get("expires_in_days", ""),
        }
        raw_days = form["expires_in_days"].strip()
        try:
            days = int(raw_days) if raw_days else None
        except ValueError:
            error = _("Please enter the number of days as a whole number.")
        else:
            try:
                created = services.token_create(
                    user=http.viewer(request),
                    name=form["name"],
                    expires_in_days=days,
                )
            except ServiceError as exc:
                error = str(exc.message)
            else:
                new_token = created.raw
                form = {"name": "", "expires_in_days": ""}
    context = {
        "tokens": selectors.tokens_of(user=http.viewer(request)),
        "new_token": new_token,
        "error": error,
        "form": form,
    }
    return render(request, "api/tokens.html", context, status=400 if error else 200)


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.token_revoke(user=http.viewer(request), token_id=token_id)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api:tokens")
