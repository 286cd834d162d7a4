"""Who must use a second factor (``MFA_REQUIRED_FOR``) and who may end which session."""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings

from hanse.core.rules import is_active_user, is_platform_admin

ADMINISTRATOR = "administrator"
STAFF = "staff"


def mfa_required(user: Any) -> bool:
    """True when one of the person's roles is listed in ``MFA_REQUIRED_FOR``: "administrator"
    (platform administrators), "staff" (anyone who may open Django admin), a Django group's
    name (a role) or a permission ("app_label.codename")."""
    if not is_active_user(user):
        return False
    wanted = list(getattr(settings, "MFA_REQUIRED_FOR", []))
    if ADMINISTRATOR in wanted and is_platform_admin(user):
        return True
    if STAFF in wanted and user.is_staff:
        return True
    permissions = [item for item in wanted if "." in item]
    if permissions and any(user.has_perm(perm) for perm in permissions):
        return True
    groups = [item for item in wanted if "." not in item and item not in (ADMINISTRATOR, STAFF)]
    return bool(groups) and user.groups.filter(name__in=groups).exists()


@rules.predicate
def owns_session(user: Any, user_session: Any) -> bool:
    """A person lists and ends their own sessions only."""
    return is_active_user(user) and user_session is not None and user_session.user_id == user.pk
