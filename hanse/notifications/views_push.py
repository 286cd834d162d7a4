"""Web push and the installable app: device subscriptions, the VAPID public key, the service
worker at /sw.js and the manifest at /manifest.webmanifest."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.notifications import push

# A subscription is a few hundred bytes; anything much larger is not one.
MAX_BODY_BYTES = 4096
THEME_COLOR = "#17406d"
BACKGROUND_COLOR = "#ffffff"


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _subscription_from(request: HttpRequest) -> tuple[dict[str, str], bool]:
    """The browser's PushSubscription.toJSON(), {endpoint, keys: {p256dh, auth}}, and
    whether this is a page load's check (``"sync": true``) rather than a request to turn
    push on."""
    if len(request.body) > MAX_BODY_BYTES:
        raise ServiceError(_("The subscription is too large."))
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ServiceError(_("The subscription is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ServiceError(_("The subscription is not valid JSON."))
    keys = data.get("keys")
    keys = keys if isinstance(keys, dict) else {}
    fields = {
        "endpoint": data.get("endpoint"),
        "p256dh": keys.get("p256dh"),
        "auth": keys.get("auth"),
    }
    cleaned = {name: value if isinstance(value, str) else "" for name, value in fields.items()}
    return cleaned, data.get("sync") is True


@require_GET
def vapid_public_key(request: HttpRequest) -> JsonResponse:
    """The key a browser subscribes with (applicationServerKey)."""
    keys = push.vapid_keys()
    if keys is None:
        return _error(_("Push notifications are not set up on this server."), status=503)
    return JsonResponse({"publicKey": keys.public_key})


@require_POST
def subscribe(request: HttpRequest) -> JsonResponse:
    """Turn push on for this device; with ``"sync": true`` only confirm an existing one."""
    try:
        fields, sync = _subscription_from(request)
        if sync:
            kept = push.push_subscription_refresh(user=http.viewer(request), **fields)
            return JsonResponse({"subscribed": kept})
        push.push_subscription_save(
            user=http.viewer(request),
            user_agent=request.headers.get("User-Agent", ""),
            **fields,
        )
    except ServiceError as exc:
        return _error(str(exc.message))
    return JsonResponse({"subscribed": True}, status=201)


@require_POST
def unsubscribe(request: HttpRequest) -> JsonResponse:
    """Turn push off for this device."""
    try:
        fields, _sync = _subscription_from(request)
    except ServiceError as exc:
        return _error(str(exc.message))
    if not fields["endpoint"]:
        return _error(_("The subscription has no endpoint."))
    removed = push.push_subscription_delete(user=http.viewer(request), endpoint=fields["endpoint"])
    return JsonResponse({"subscribed": False, "removed": removed})


# The service worker and the manifest are fetched by the browser itself, outside any page:
# the manifest without cookies, the worker on update checks after a logout. Neither says
# anything about a person, so they need no session.


@login_not_required
@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    body = render_to_string(
        "notifications/sw.js",
        {
            "icon_url": json.dumps(static("notifications/icon-192.png")),
            "badge_url": json.dumps(static("notifications/badge-96.png")),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Served from the root so that its scope can be the whole site.
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker on navigation; never let a cache hide an update.
    response["Cache-Control"] = "no-cache"
    return response


def manifest_data() -> dict[str, Any]:
    name = getattr(settings, "HANSE_SITE_NAME", "Hanse") or "Hanse"
    return {
        "name": name,
        "short_name": name,
        "description": _("The social network of our bank."),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "icons": [
            {
                "src": static("notifications/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": static("notifications/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": static("notifications/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


@login_not_required
@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(
        manifest_data(),
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
