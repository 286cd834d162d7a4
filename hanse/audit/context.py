"""The request being served, for audit entries written from signals.

Signals (a changed group membership, a saved setting) do not receive the request; the entry
should still name who did it, from where and under which request id. ``AuditRequestMiddleware``
puts the request into a context variable for the duration of the request; ``current()`` reads
it. Outside a request (a management command, a task) it is None and the entry has no address.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current() -> HttpRequest | None:
    return _request.get()


class AuditRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
