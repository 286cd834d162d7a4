"""Who may read the audit log: staff who hold the permission to view its entries
(superusers hold every permission). Everyone else is told the page does not exist."""

from __future__ import annotations

from typing import Any

VIEW_PERMISSION = "audit.view_auditentry"


def may_view_log(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(VIEW_PERMISSION)
    )
