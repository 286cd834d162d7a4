from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A write that was refused, with a message for the person (already translated, or lazy).

    Views show ``message``; the API returns it with ``code`` and ``status``.
    """

    status = 400

    def __init__(self, message: str | Promise, *, code: str = "invalid", status: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        if status is not None:
            self.status = status


class PermissionRefused(ServiceError):
    status = 403

    def __init__(self, message: str | Promise, *, code: str = "forbidden"):
        super().__init__(message, code=code, status=403)


# One message for a request body over DATA_UPLOAD_MAX_MEMORY_SIZE, on pages (413 page, see
# core.views.bad_request) and in the API (413 in the error shape, see hanse.api.errors).
REQUEST_TOO_LARGE = _(
    "The request is too large. Please send less text at once; files go in as uploads."
)
