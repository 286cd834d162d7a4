from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hanse.core import health
from hanse.core import rules as core_rules
from hanse.core.errors import REQUEST_TOO_LARGE
from hanse.observability import metrics as ops_metrics


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. It asks nothing of the database or Redis, so that an
    outage there never makes a supervisor restart healthy app processes."""
    return JsonResponse({"status": "ok"})


@login_not_required
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness (hanse/core/health.py): 200 when ready, else 503, with each check's state.
    ``?scope=web`` asks only what serving requests needs (for the load balancer)."""
    ready, checks = health.readiness(scope=request.GET.get("scope", "all"))
    body: dict[str, object] = {"status": "ok" if ready else "unavailable"}
    # The checks' figures only for monitoring (the token or an allowed network).
    if core_rules.may_see_monitoring(request):
        body["checks"] = checks
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format (hanse/observability/metrics.py), for monitoring only: anyone
    else gets the 404 of a page that does not exist."""
    if not core_rules.may_see_monitoring(request):
        raise Http404
    body, content_type = ops_metrics.exposition()
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


def _unavailable(exc: BaseException | None) -> bool:
    """True for errors that mean a service we depend on is away (database, its pool, Redis),
    not a bug: the request may succeed when retried."""
    if exc is None:
        return False
    if isinstance(exc, DatabaseOperationalError | DatabaseInterfaceError):
        return True
    if _object_storage_away(exc):
        return True
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    return isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError)


def _object_storage_away(exc: BaseException) -> bool:
    """S3-compatible object storage (S3_BUCKET) cannot be reached or does not answer in time."""
    try:
        from botocore import exceptions as boto
    except ImportError:  # pragma: no cover - only with django-storages[boto3]
        return False
    return isinstance(exc, boto.ConnectionError | boto.HTTPClientError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 with Retry-After when the database or Redis cannot be reached, a plain
    500 otherwise; JSON in the API's error shape under /api/. Renders nothing that needs the
    database, the cache or the session."""
    exc = sys.exc_info()[1]
    unavailable = _unavailable(exc)
    status = 503 if unavailable else 500
    if unavailable:
        message = _("Hanse cannot reach its database or cache right now. Try again in a minute.")
        code = "unavailable"
    else:
        message = _("Something went wrong on our side. It has been logged; try again later.")
        code = "server_error"
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": str(message), "code": code}, status=status)
    else:
        html = render_to_string(
            "core/error.html",
            {
                "status": status,
                "message": message,
                "lang": translation.get_language(),
                # The Content Security Policy allows the page's own <style> by this nonce.
                "nonce": str(getattr(request, "csp_nonce", "")),
            },
        )
        response = HttpResponse(html, status=status)
    if unavailable:
        response["Retry-After"] = "30"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 handler. A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 that says so;
    under /api/ both answer in the API's error shape."""
    too_large = isinstance(exception, RequestDataTooBig)
    status = 413 if too_large else 400
    if too_large:
        title, message, code = _("Too large"), str(REQUEST_TOO_LARGE), "too_large"
    else:
        # A BadRequest raised by our own code carries a message for the person.
        told = str(exception) if isinstance(exception, BadRequest) and exception.args else ""
        title, message, code = (
            _("Bad request"),
            told or _("The request is not valid."),
            "bad_request",
        )
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code}, status=status)
    return render(
        request, "core/request_error.html", {"title": title, "message": message}, status=status
    )
