"""The toolkit every view (and API operation) uses at the edge: the current person, the
htmx details, a safe place to go back to, and a refused write turned into what a person sees.

One copy of each, so that a fix (say, to which `next` addresses are safe) reaches every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from hanse.core.errors import ServiceError

if TYPE_CHECKING:
    # Only for the annotations: core sits below people and does not import it at run time.
    from hanse.people.models import User


class Request(HttpRequest):
    """A request as our views receive it: django-htmx's middleware has set `htmx`, and the
    login-required middleware (or the API's authentication) has made `user` a signed-in
    person. Annotate a view's `request` with it to read both without casts."""

    user: User  # narrowed: only signed-in people get this far
    htmx: HtmxDetails


def viewer(request: HttpRequest) -> User:
    """The signed-in person making the request.

    Pages sit behind the login-required middleware and API operations behind the API's
    authentication (session or token, both set `request.user`), so this is never anonymous.
    """
    return cast("User", request.user)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go back to: the form's or the query's `next` if it is an address on this
    site, else `fallback`. An outside address would make Hanse an open redirect."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def redirect_next(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """A redirect to `safe_next`."""
    return HttpResponseRedirect(safe_next(request, fallback))


def raise_if_hidden(exc: ServiceError) -> None:
    """A 404 refusal stays a 404: nobody learns that something they may not see exists."""
    if exc.status == 404:
        raise Http404(str(exc.message)) from exc


def flash_error(request: HttpRequest, exc: ServiceError) -> None:
    """Show a refused write as an error message on the next page (a 404 stays a 404)."""
    raise_if_hidden(exc)
    if exc.status == 429:
        raise exc  # the 429 page with Retry-After (hanse/core/ratelimit.py), not a message
    messages.error(request, str(exc.message))


def attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; show its outcome as a message. A 404 refusal stays a 404."""
    try:
        action()
    except ServiceError as exc:
        flash_error(request, exc)
        return False
    messages.success(request, success)
    return True
