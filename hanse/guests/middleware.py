"""Where guests may not go, and the end of an expired guest's session.

Pages that are the company's own (the directory and org chart, analytics, the multipliers'
programme and circles, the first-day checklist, moderation and operations pages) answer a
guest 404, like an unknown page. Everything else a guest opens is filtered by the
``visible_to`` querysets, which know guests (hanse/people/guests.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from hanse.people.guests import guest_expired, guest_may_open_api, is_guest

# Whole URL namespaces, and single views as "namespace:name".
CLOSED_TO_GUESTS = frozenset(
    {
        "people:directory",
        "people:org_chart",
        "people:unit",
        "communities:create",
        "posts:company",
        "posts:announcement_archive",
        "posts:announcement_create",
        "chat:channel_new",
        "participation:townhall_new",
        "analytics",
        "circles",
        "onboarding",
        "moderation",
        "jobs",
        "audit",
        "processing",
        "search:experts",
    }
)


def closed_to_guests(namespace: str, view_name: str) -> bool:
    return namespace in CLOSED_TO_GUESTS or view_name in CLOSED_TO_GUESTS


class GuestBoundaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        user = getattr(request, "user", None)
        if not is_guest(user):
            return None
        if guest_expired(user):
            # Import here: the service pulls in identity and the audit log, which a request
            # of an employee never needs.
            from hanse.guests.services import guests_deactivate_expired

            logout(request)
            guests_deactivate_expired()
            messages.error(request, _("Your guest access has ended."))
            return redirect("account_login")
        if not guest_may_open_api(user, request.path_info):
            raise Http404
        match = request.resolver_match
        if match is not None and closed_to_guests(match.namespace, match.view_name):
            raise Http404
        return None
