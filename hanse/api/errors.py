"""One shape for API errors: {"detail": "...", "code": "..."} in the caller's language.

Every exception an API call can end with is turned into that shape here, django-ninja's own
(invalid input, a missing token, a body that is not JSON) included, so that what the OpenAPI
document declares (`hanse.api.schemas.Error`) is what a client receives.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from hanse.core.errors import REQUEST_TOO_LARGE, ServiceError
from hanse.core.text import UnstorableTextError

# Where ninja found a value: the first element of an error's `loc`.
_LOCATIONS = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})


def _messages(exc: ValidationError) -> dict[str, list[str]] | list[str]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    return [str(m) for m in exc.messages]


def _field(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        where = parts.pop(0)
        # A body is one parameter (`payload`) whose fields are what the client sent.
        if where == "body" and len(parts) > 1:
            parts.pop(0)
    return ".".join(parts) or "body"


def _pydantic_message(error: Mapping[str, Any]) -> str:
    """pydantic's message for one error, in the caller's language where we know the type."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    known: dict[str, str] = {
        "missing": _("This field is required."),
        "int_parsing": _("Please give a whole number."),
        "int_type": _("Please give a whole number."),
        "int_from_float": _("Please give a whole number."),
        "bool_parsing": _("Please give true or false."),
        "bool_type": _("Please give true or false."),
        "string_type": _("Please give a text."),
        "list_type": _("Please give a list."),
        "datetime_parsing": _(
            "Please give a date and time in ISO 8601, e.g. 2026-04-07T15:00:00+02:00."
        ),
        "datetime_from_date_parsing": _(
            "Please give a date and time in ISO 8601, e.g. 2026-04-07T15:00:00+02:00."
        ),
        "time_parsing": _("Please give a time of day as HH:MM."),
        "uuid_parsing": _("Please give a UUID."),
        "literal_error": _("Please choose one of: %(expected)s.")
        % {"expected": ctx.get("expected", "")},
        "less_than_equal": _("Please give at most %(limit)s.") % {"limit": ctx.get("le", "")},
        "greater_than_equal": _("Please give at least %(limit)s.") % {"limit": ctx.get("ge", "")},
        "string_too_long": _("Please use at most %(limit)s characters.")
        % {"limit": ctx.get("max_length", "")},
        "json_invalid": _("The request body is not valid JSON."),
    }
    return known.get(kind) or str(error.get("msg", _("This value is not valid.")))


def _invalid(errors: dict[str, list[str]] | list[str]) -> dict[str, Any]:
    return {"detail": _("The input is not valid."), "code": "invalid", "errors": errors}


def error_body(detail: str, code: str) -> dict[str, str]:
    return {"detail": detail, "code": code}


def too_large_body() -> dict[str, str]:
    return error_body(str(REQUEST_TOO_LARGE), "too_large")


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ServiceError)
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        response = api.create_response(
            request, {"detail": str(exc.message), "code": exc.code}, status=exc.status
        )
        retry_after = getattr(exc, "retry_after", None)  # a RateLimited (hanse/core/ratelimit.py)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, _invalid(_messages(exc)), status=422)

    @api.exception_handler(NinjaValidationError)
    def ninja_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field(error.get("loc", ())), []).append(_pydantic_message(error))
        return api.create_response(request, _invalid(errors), status=422)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, UnstorableTextError):
            # ninja wraps whatever the body parser raises in a 400 "Cannot parse request body".
            errors = {_field(("body", "payload", *cause.path)): [str(cause.message)]}
            return api.create_response(request, _invalid(errors), status=422)
        if isinstance(exc, AuthenticationError):
            body = error_body(
                _("Please sign in, or send a valid personal access token."), "unauthenticated"
            )
        elif isinstance(exc, Throttled):
            body = error_body(_("Too many requests. Please wait a moment."), "throttled")
        elif exc.status_code == 403:
            body = error_body(_("You may not do this."), "forbidden")
        elif exc.status_code == 400 and cause is not None:
            body = error_body(_("The request body is not valid JSON."), "invalid_json")
        else:
            body = error_body(str(exc), "error")
        return api.create_response(request, body, status=exc.status_code)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": str(exc) or _("You may not do this."), "code": "forbidden"},
            status=403,
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("Not found."), "code": "not_found"}, status=404
        )

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(request, too_large_body(), status=413)

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # Logged where Django logs a SuspiciousOperation it handles itself.
        logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
        return api.create_response(
            request, error_body(_("The request is not valid."), "bad_request"), status=400
        )
