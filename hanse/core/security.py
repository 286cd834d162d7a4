"""The response headers Django has no setting for: Permissions-Policy.

Content-Security-Policy comes from django-csp (settings ``CONTENT_SECURITY_POLICY``), HSTS,
nosniff, Referrer-Policy and Cross-Origin-Opener-Policy from Django's SecurityMiddleware,
frame refusal from XFrameOptionsMiddleware and the CSP's ``frame-ancestors``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Features Hanse never uses are switched off for every page and every frame. Full screen and
# passkeys (WebAuthn, for a second factor) stay allowed for Hanse's own pages.
DEFAULT_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(self), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(self), "
    "screen-wake-lock=(), sync-xhr=(), usb=(), xr-spatial-tracking=()"
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.value = getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.value and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.value
        return response
