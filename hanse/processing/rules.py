"""Who may read the record of processing activities: platform administrators and whoever holds
the permission (the data protection officer's role). Everyone else is told the page does not
exist."""

from __future__ import annotations

from typing import Any

from hanse.core.rules import is_active_user, is_platform_admin

VIEW_PERMISSION = "processing.view_processing_record"


def may_view_record(user: Any) -> bool:
    return bool(
        is_platform_admin(user) or (is_active_user(user) and user.has_perm(VIEW_PERMISSION))
    )
