"""Who the platform's administrators are: the one predicate every app asks.

It lives at the bottom layer (core) so that every app, from people to analytics, can ask it
without importing anything above itself. No other module reads ``is_superuser``
(tests/core/test_rule_homes.py fails when one does); Django's own admin site
(``AdminSite.has_permission``, ``ModelAdmin`` defaults) is the one exception we do not write.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

import rules
from django.conf import settings
from django.db.models import Q

from hanse.core.net import client_ip


def is_active_user(user: Any) -> bool:
    """A signed-in person whose account is active (anonymous and deactivated ones are not)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


@rules.predicate
def is_platform_admin(user: Any) -> bool:
    """Platform administrators (active superusers): they moderate every community and see
    what its members see; private chat is still not theirs to read (Channel.visible_to)."""
    return is_active_user(user) and bool(user.is_superuser)


def platform_admins_q(prefix: str = "") -> Q:
    """The database form of ``is_platform_admin`` on a user (or on ``<prefix>__`` of a row)."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}is_superuser": True})


# --- Operations (issue 22) ---------------------------------------------------------------


@rules.predicate
def is_operator(user: Any) -> bool:
    """Who runs the installation: active staff (Django's ``is_staff``, the admin site's own
    test) and platform administrators. They see the operator page (hanse/jobs/views.py)."""
    return is_active_user(user) and bool(user.is_staff or user.is_superuser)


def may_see_monitoring(request: Any) -> bool:
    """``/metrics`` and the details of ``/readyz``: a request that carries the monitoring token
    (``Authorization: Bearer …``) or comes from ``MONITORING_ALLOWED_NETWORKS``."""
    token = settings.MONITORING_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    for entry in settings.MONITORING_ALLOWED_NETWORKS:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False
