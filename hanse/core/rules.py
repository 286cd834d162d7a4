"""Who the platform's administrators are: the one predicate every app asks.

It lives at the bottom layer (core) so that every app, from people to analytics, can ask it
without importing anything above itself. No other module reads ``is_superuser``
(tests/core/test_rule_homes.py fails when one does); Django's own admin site
(``AdminSite.has_permission``, ``ModelAdmin`` defaults) is the one exception we do not write.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q


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
