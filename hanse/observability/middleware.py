"""One log line and the metrics of each HTTP request, under a request id.

The id is the request's ``X-Request-ID`` when that is a sane token (nginx sets it from its own
``$request_id``, deploy/nginx.conf), else a new one; it is sent back in the response's
``X-Request-ID`` and stays bound while the request runs, so the tasks it queues carry it
(hanse/jobs/backends.py) and the worker logs it with each of them."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from hanse.observability import context, metrics
from hanse.observability.logs import get_logger

logger = get_logger("hanse.request")

HEADER = "X-Request-ID"


def view_label(request: HttpRequest) -> str:
    """A bounded label: the URL pattern's name, never the path (which holds ids)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return match.view_name or match._func_path


def person_id(request: HttpRequest) -> int | None:
    """Who asked, if the request already knows: the log line never loads the person itself (a
    request that could not reach the database waited a second pool timeout for it here)."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    if user is not None and user.is_authenticated:
        return int(user.pk)
    return None


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = context.clean(request.headers.get(HEADER)) or context.new_id()
        token = context.bind(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[HEADER] = request_id
            return response
        finally:
            elapsed = time.perf_counter() - started
            view = view_label(request)
            metrics.http_request_duration.labels(view, request.method or "").observe(elapsed)
            metrics.http_responses.labels(view, str(status)).inc()
            logger.info(
                "request",
                method=request.method,
                path=request.path_info,
                view=view,
                status=status,
                duration_ms=round(elapsed * 1000, 1),
                person_id=person_id(request),
            )
            context.unbind(token)
