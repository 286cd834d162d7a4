"""Who may report, see a moderation queue and act on content or people: decided here only.

- Reporting: any active person who can see the content (its type's ``visible_to``), not
  its author.
- Community moderators (owners and moderators of a community) act on reports about content
  in their communities; platform moderators (the ``moderation.moderate_platform`` permission,
  and platform administrators) on every report. Nobody acts on their own content.
- Suspending a person locks them out of the whole platform: platform moderators only.
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, QuerySet

from hanse.communities.models import Membership
from hanse.communities.rules import MODERATING_ROLES
from hanse.core.rules import is_active_user, is_platform_admin


@rules.predicate
def is_platform_moderator(user: Any) -> bool:
    """Platform moderators and administrators: the global queue, every community."""
    if not is_active_user(user):
        return False
    return bool(is_platform_admin(user) or user.has_perm("moderation.moderate_platform"))


def holds_platform_permission(user: Any) -> tuple[Exists, Exists]:
    """``moderation.moderate_platform`` held directly or through a group, as two subqueries
    (no query of their own: they run inside the query that excludes hidden content)."""
    perm = Permission.objects.filter(
        codename="moderate_platform", content_type__app_label="moderation"
    ).values("pk")
    user_model = get_user_model()
    direct = user_model.user_permissions.through.objects.filter(
        user_id=user.pk, permission_id__in=perm
    )
    grouped = user_model.groups.through.objects.filter(user_id=user.pk, group__permissions__in=perm)
    return Exists(direct), Exists(grouped)


def moderated_community_ids(user: Any) -> QuerySet[Any]:
    """The communities the person moderates by their role, as a subquery of ids."""
    return Membership.objects.filter(user_id=user.pk, role__in=MODERATING_ROLES).values(
        "community_id"
    )


def moderates_community(user: Any, community_id: int | None) -> bool:
    if community_id is None or not is_active_user(user):
        return False
    return moderated_community_ids(user).filter(community_id=community_id).exists()


@rules.predicate
def may_see_queue(user: Any) -> bool:
    if not is_active_user(user):
        return False
    return bool(is_platform_moderator(user) or moderated_community_ids(user).exists())


def may_moderate(user: Any, *, author_id: int | None, community_id: int | None) -> bool:
    """May act on content by this author in this community (hide, remove, dismiss, warn)."""
    if not is_active_user(user) or author_id == user.pk:
        return False
    return bool(is_platform_moderator(user) or moderates_community(user, community_id))


def may_report(user: Any, *, author_id: int | None) -> bool:
    """The person can see the content already (the caller asked its ``visible_to``)."""
    return is_active_user(user) and author_id != user.pk


def may_suspend(user: Any, subject: Any) -> bool:
    if not is_active_user(user) or subject is None or subject.pk == user.pk:
        return False
    return bool(is_platform_moderator(user))
