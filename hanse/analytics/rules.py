"""Who may see and switch network analytics: the one home of these checks."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Q

from hanse.analytics.recording import is_enabled
from hanse.core.rules import is_active_user, is_platform_admin


def may_manage_analytics(user: Any) -> bool:
    """Switching analytics on or off and raising the minimum group: administrators."""
    return bool(is_platform_admin(user))


def analytics_role_held(user: Any) -> Exists:
    """The analytics role given to the person or one of their groups, as a subquery (no query
    of its own: it runs inside the query that uses it, such as the notification counts)."""
    from django.contrib.auth.models import Permission  # the auth models, once apps are ready

    return Exists(
        Permission.objects.filter(content_type__app_label="analytics", codename="view_analytics")
        .filter(Q(user=user) | Q(group__user=user))
        .values("pk")
    )


def has_analytics_role(user: Any) -> bool:
    """Given explicitly, to the person or one of their groups: unlike ``has_perm`` this is not
    implied by being a superuser (the staff council agrees on who looks, by name)."""
    if not is_active_user(user):
        return False
    from django.contrib.auth.models import Permission

    return (
        Permission.objects.filter(content_type__app_label="analytics", codename="view_analytics")
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


def may_view_analytics(user: Any) -> bool:
    """The dashboard, its exports and the API: the analytics role, while analytics are on."""
    return has_analytics_role(user) and is_enabled()


def may_view_own_network(user: Any) -> bool:
    """ "My network": every signed-in person, about themselves only, while analytics are on."""
    return is_active_user(user) and is_enabled()
