"""One shape for API errors: {"detail": "...", "code": "..."} in the caller's language."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from hanse.core.errors import ServiceError


def _messages(exc: ValidationError) -> dict[str, list[str]] | list[str]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    return [str(m) for m in exc.messages]


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ServiceError)
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return api.create_response(
            request, {"detail": str(exc.message), "code": exc.code}, status=exc.status
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": _("The input is not valid."), "code": "invalid", "errors": _messages(exc)},
            status=422,
        )

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
