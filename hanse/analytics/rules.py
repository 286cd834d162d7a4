"""Who may see and switch network analytics: the one home of these checks."""

from __future__ import annotations

from typing import Any

from hanse.analytics.recording import is_enabled
from hanse.core.rules import is_active_user, is_platform_admin


def may_manage_analytics(user: Any) -> bool:
    """Switching analytics on or off and raising the minimum group: administrators."""
    return bool(is_platform_admin(user))


def has_analytics_role(user: Any) -> bool:
    return is_active_user(user) and bool(user.has_perm("analytics.view_analytics"))


def may_view_analytics(user: Any) -> bool:
    """The dashboard, its exports and the API: the analytics role, while analytics are on."""
    return has_analytics_role(user) and is_enabled()


def may_view_own_network(user: Any) -> bool:
    """ "My network": every signed-in person, about themselves only, while analytics are on."""
    return is_active_user(user) and is_enabled()
