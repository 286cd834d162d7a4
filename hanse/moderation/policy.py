"""The moderation policy that core's registry asks (hanse/core/moderation.py).

``hidden_ids`` is a subquery that every moderatable type's ``visible_to`` excludes: the one
mechanism that makes hidden content disappear from feeds, search, notifications, the API
and live pushes alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from hanse.core.rules import is_active_user, is_platform_admin
from hanse.moderation.models import Hiding, Suspension
from hanse.moderation.rules import (
    holds_platform_permission,
    is_platform_moderator,
    moderated_community_ids,
)

# A person's running suspension, cached briefly: the check runs on every request.
SUSPENSION_CACHE_SECONDS = 60


def suspension_cache_key(user_id: int) -> str:
    return f"moderation:suspended:{user_id}"


class _Policy:
    def hidden_ids(self, key: str, user: Any) -> QuerySet[Any] | None:
        if not is_active_user(user):
            return None  # nobody signed in sees nothing anyway
        if is_platform_admin(user) or (
            # Permissions already loaded for this request decide without the database.
            hasattr(user, "_perm_cache") and is_platform_moderator(user)
        ):
            return None  # platform moderators see everything
        # Built once per person object and type: the subquery depends only on the person's id
        # (it is lazy: what it finds is read when the query that uses it runs), and building
        # it was a third of every visible_to's cost, which runs many times on every page.
        built: dict[str, QuerySet[Any]] | None = getattr(user, "_hanse_hidden_ids", None)
        if built is None:
            built = user._hanse_hidden_ids = {}
        if key not in built:
            direct, grouped = holds_platform_permission(user)
            # This runs inside every visible_to, on every page and for every recipient of a
            # push: whether the person is a platform moderator is part of the same query, not
            # two permission queries of its own.
            built[key] = (
                Hiding.objects.filter(kind=key)
                # The author still sees what was hidden (with the reason), not what was removed.
                .exclude(state=Hiding.State.HIDDEN, author_id=user.pk)
                .exclude(community_id__in=moderated_community_ids(user))
                .filter(~direct, ~grouped)
                .values("object_id")
            )
        return built[key]

    def notices(self, key: str, user: Any, ids: list[int]) -> dict[int, str]:
        from hanse.moderation.selectors import hidden_notices  # it imports this module

        found = hidden_notices(viewer=user, kind=key, ids=ids)
        return {
            object_id: render_to_string(
                "moderation/_notice.html",
                {"hiding": hiding, "is_author": hiding.author_id == user.pk},
            )
            for object_id, hiding in found.items()
        }

    def is_hidden(self, key: str, object_id: int) -> bool:
        return Hiding.objects.filter(kind=key, object_id=object_id).exists()

    def suspended_until(self, user: Any) -> datetime | None:
        key = suspension_cache_key(user.pk)
        cached = cache.get(key)
        now = timezone.now()
        if cached is None:
            ends = (
                Suspension.objects.filter(user_id=user.pk, lifted_at__isnull=True, ends_at__gt=now)
                .order_by("-ends_at")
                .values_list("ends_at", flat=True)
                .first()
            )
            cached = ends.timestamp() if ends else 0.0
            cache.set(key, cached, SUSPENSION_CACHE_SECONDS)
        if not cached or cached <= now.timestamp():
            return None
        return datetime.fromtimestamp(cached, tz=timezone.get_current_timezone())


POLICY = _Policy()
