"""The platform's roles (issue 20; docs/security.md "Roles").

Each role but the administrator is a Django group holding one permission, created by the
migration hanse/identity/migrations/0006_role_groups.py (communications by posts' 0002). A
role is granted in admin (a person's "Groups", or the group's page); every grant and removal,
in admin or in code, is written to the audit log by hanse/audit/signals.py (``roles.*``).

The administrator is no group: it is the superuser flag, the one thing ``is_platform_admin``
reads (hanse/core/rules.py), and its changes are audited as ``roles.flags_changed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    key: str
    group: str  # the Django group's name; "" for the administrator (the superuser flag)
    permission: str  # "app_label.codename" the group holds
    label: Promise


ROLES = (
    Role("administrator", "", "", _("Administrator (superuser status)")),
    Role("communications", "Kommunikation", "posts.publish_announcement", _("Communications")),
    Role("moderator", "Moderation", "moderation.moderate_platform", _("Moderator")),
    Role("analytics", "Netzwerkanalyse", "analytics.view_analytics", _("Analytics viewer")),
    Role(
        "circle_coordinator",
        "Circle-Koordination",
        "circles.coordinate_circles",
        _("Circle coordinator"),
    ),
)
