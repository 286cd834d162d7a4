"""Reads: the bell's count, the list, and the settings as the preferences page shows them."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from hanse.communities.models import Community
from hanse.notifications import registry
from hanse.notifications.models import (
    Channel,
    CommunityNotificationSetting,
    DeliverySettings,
    Notification,
    NotificationPreference,
)

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.people.models import User


# The bell is on every page; its count is cached for a short while per person and dropped
# whenever that person's notifications change (created, collapsed, read, or their community
# membership ends), so a page view usually costs no query for it at all.
UNREAD_CACHE_SECONDS = 60


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(*, user: User) -> int:
    """The number on the bell: at most two queries when not cached, one when nothing is unread.

    Both read the partial index ``notif_unread_idx`` (recipient) WHERE read_at IS NULL AND
    in_app, so they touch only the person's unread rows. The first finds which types those
    rows have (none: the bell is 0, and nothing more is asked); the second checks each row
    against its entity's ``visible_to`` with primary-key EXISTS probes, built for those types
    only, so a notification from a community the person has left stops counting at once.
    Building the checks for every registered type cost more than running them, on every page
    whose bell was not cached. tests/notifications/test_selectors.py asserts the query count
    and that the plan uses the index.
    """
    key = _unread_key(user.pk)
    cached = cache.get(key)
    if cached is not None:
        return int(cached)
    types = present_types(user=user, where=_UNREAD)
    count = bell_queryset(user=user, types=types).count() if types else 0
    cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    """Drop cached bell counts; called by the services after commit."""
    keys = [_unread_key(user_id) for user_id in set(user_ids)]
    if keys:
        cache.delete_many(keys)


def notifications_visible_to(
    *, user: User, types: Collection[str] | None = None
) -> QuerySet[Notification]:
    """The person's notifications whose subject they may still see: the one filter behind
    the bell, its count, the list page, the API and the e-mail digests. What the person can
    no longer see (a community left or a secret one they were removed from, a declined
    invitation, a deleted post) disappears from all of them at once. ``types``: only these."""
    return Notification.objects.filter(recipient=user).filter(registry.visible_q(user, types))


# What the bell counts: unread and meant for the page (not e-mail only).
_UNREAD = Q(read_at__isnull=True, in_app=True)


def bell_queryset(*, user: User, types: Collection[str] | None = None) -> QuerySet[Notification]:
    return notifications_visible_to(user=user, types=types).filter(_UNREAD)


def visible_notifications(
    *, user: User, types: Collection[str] | None = None
) -> QuerySet[Notification]:
    """The person's notifications that the bell shows and they may still see (``types``:
    only these)."""
    return (
        notifications_visible_to(user=user, types=types)
        .filter(in_app=True)
        .select_related("actor", "post", "comment", "community")
    )


def present_types(*, user: User, where: Q) -> set[str]:
    """The types of the person's notifications that match ``where``: the visibility filter
    (``notifications_visible_to(types=...)``) is then built for those types only. Building
    it for every registered type cost more than running it, for people who only ever got a
    few kinds of notification (the bell, the list, the e-mail digest). One query on the
    person's rows."""
    qs = Notification.objects.filter(recipient=user).filter(where)
    return set(qs.order_by().values_list("type", flat=True).distinct())


@dataclass(frozen=True)
class NotificationItem:
    notification: Notification
    text: registry.RenderedText

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


@dataclass(frozen=True)
class NotificationPage:
    items: list[NotificationItem]
    next_before: datetime | None


def notifications_for(
    *, user: User, before: datetime | None = None, limit: int = 20, unread_only: bool = False
) -> NotificationPage:
    """A page of the person's notifications, newest activity first: one query for the types
    the person has, one for the page (actor, post, comment and community joined; texts
    rendered in the active language), built for those types only."""
    limit = max(1, min(limit, 100))
    where = Q(in_app=True)
    if unread_only:
        where &= Q(read_at__isnull=True)
    if before is not None:
        where &= Q(updated_at__lt=before)
    types = present_types(user=user, where=where)
    if not types:
        return NotificationPage(items=[], next_before=None)
    qs = visible_notifications(user=user, types=types).filter(where)
    rows = list(qs.order_by("-updated_at", "-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    items = [NotificationItem(notification=n, text=registry.get(n.type).render(n)) for n in rows]
    return NotificationPage(items=items, next_before=rows[-1].updated_at if more else None)


def get_notification_for(*, user: User, pk: int) -> Notification:
    """One of the person's notifications that they may still see; 404 otherwise."""
    found = visible_notifications(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("This notification does not exist."))
    return found


# --- settings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeChoice:
    ntype: registry.NotificationType
    enabled: dict[str, bool]  # channel -> on
    defaults: dict[str, bool]


def preferences_of(*, user: User) -> list[TypeChoice]:
    """Every type with the person's choice per channel (their override or the default)."""
    overrides: dict[tuple[str, str], bool] = {
        (t, c): e
        for t, c, e in NotificationPreference.objects.filter(user=user).values_list(
            "type", "channel", "enabled"
        )
    }
    result = []
    for ntype in registry.all_types():
        defaults = {c: ntype.default_enabled(c) for c in Channel.values}
        enabled = {c: overrides.get((ntype.key, c), defaults[c]) for c in Channel.values}
        result.append(TypeChoice(ntype=ntype, enabled=enabled, defaults=defaults))
    return result


def active_preset(choices: list[TypeChoice]) -> registry.Preset | None:
    """The preset the person's choices match exactly, or None ("your own selection").
    Reads only ``choices`` (preferences_of), no query."""
    for preset in registry.PRESETS:
        if all(
            choice.enabled[channel] == choice.ntype.preset_enabled(preset.key, channel)
            for choice in choices
            for channel in Channel.values
        ):
            return preset
    return None


def delivery_settings_of(*, user: User) -> DeliverySettings:
    found = DeliverySettings.objects.filter(user=user).first()
    return found if found is not None else DeliverySettings(user=user)


@dataclass(frozen=True)
class CommunityLevel:
    community: Community
    level: str


def community_levels_of(*, user: User) -> list[CommunityLevel]:
    """The person's communities with how much they hear from each (two queries)."""

    levels = dict(
        CommunityNotificationSetting.objects.filter(user=user).values_list("community_id", "level")
    )
    communities = Community.objects.filter(memberships__user=user).order_by("name")
    default = CommunityNotificationSetting.Level.HIGHLIGHTS
    return [CommunityLevel(community=c, level=levels.get(c.pk, default)) for c in communities]


def community_level(*, user: User, community: Community) -> str:
    found = (
        CommunityNotificationSetting.objects.filter(user=user, community=community)
        .values_list("level", flat=True)
        .first()
    )
    return found or CommunityNotificationSetting.Level.HIGHLIGHTS


def is_quiet_time(*, settings: DeliverySettings, at: datetime) -> bool:
    """Whether ``at`` falls in the person's quiet hours (for the e-mail and push senders)."""
    start, end = settings.quiet_hours_start, settings.quiet_hours_end
    if start is None or end is None:
        return False
    local: time = at.astimezone(ZoneInfo(settings.timezone)).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # across midnight, e.g. 20:00 to 07:00
