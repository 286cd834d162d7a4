"""Writes: creating notifications by the rules, reading them, and people's settings.

Each app's hooks pick the recipients and call :func:`notify` (the stream's in
hanse/posts/notifications.py, chat's and events' in their tasks; what communities announce is
handled by the ``on_*`` functions below). ``notify`` applies every rule in one place:

- nobody is told about their own action (actor == recipient);
- nobody is told about what they cannot see (the type's visibility check, built on the
  entities' ``visible_to``; it runs again whenever a notification is shown or sent);
- a muted community stays silent (except for news about one's own membership);
- per-type channel preferences: with the bell, e-mail and push all off nothing is created;
- unread notifications with the same ``group_key`` collapse into one row whose actors grow.

It runs a fixed number of queries whatever the number of recipients (bulk reads and
``bulk_create``), so a post to 1,000 followers costs the same handful of statements.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import time
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community, JoinRequest, Membership
from hanse.communities.rules import moderators_q
from hanse.core.errors import ServiceError
from hanse.core.rules import is_platform_admin, platform_admins_q
from hanse.notifications import registry, selectors
from hanse.notifications.models import (
    Channel,
    CommunityNotificationSetting,
    DeliverySettings,
    DeliveryState,
    Notification,
    NotificationActor,
    NotificationPreference,
)
from hanse.people.models import User
from hanse.realtime.counters import notifications_changed_on_commit

if TYPE_CHECKING:
    from hanse.communities.models import Invitation
    from hanse.posts.models import Comment, Post

# SQLite allows 500 terms in one compound SELECT; stay well below.
_UNION_CHUNK = 400
_UNSET: Any = object()


# --- creating -----------------------------------------------------------------------------


def _channels(ntype: registry.NotificationType, overrides: dict[str, bool]) -> dict[str, bool]:
    return {
        channel: overrides.get(channel, ntype.default_enabled(channel))
        for channel in Channel.values
    }


def _visible_ids(
    ntype: registry.NotificationType, people: Sequence[User], template: Notification
) -> set[int]:
    """Which of these people may see the notification, in a few UNION queries.

    Each person's check is the entity's own ``visible_to(person)`` narrowed to the one row;
    a person sees it when every check returns the row."""
    by_key: dict[Any, list[User]] = {}
    members: set[int] | None = None
    scoped = all(s.community_scoped for s in registry.subjects() if s.value(template) is not None)
    if ntype.visibility_key is None and ntype.target_visible is None and scoped:
        # Posts, comments and communities: their visible_to depends on the person only
        # through the admin flag and membership of the one community concerned (the subjects
        # say so, see registry.Subject). So one person per (admin, member) pair is checked,
        # and 1,000 followers cost a handful of queries.
        members = set()
        if template.community_id is not None:
            members = set(
                Membership.objects.filter(
                    community_id=template.community_id, user_id__in=[p.pk for p in people]
                ).values_list("user_id", flat=True)
            )
    for person in people:
        if ntype.visibility_key is not None:
            key = ntype.visibility_key(person)
        elif members is not None:
            key = (is_platform_admin(person), person.pk in members)
        else:
            key = person.pk
        by_key.setdefault(key, []).append(person)

    visible_keys: set[Any] = set()
    pending: list[tuple[int, Any]] = []  # (index of the key, queryset)
    needed: dict[int, int] = {}
    keys = list(by_key)
    for index, key in enumerate(keys):
        checks = ntype.visibility_checks(by_key[key][0], template)
        if any(qs.query.is_empty() for qs in checks):
            continue
        if not checks:
            visible_keys.add(key)
            continue
        needed[index] = len(checks)
        pending.extend((index, qs) for qs in checks)

    hits: Counter[int] = Counter()
    for start in range(0, len(pending), _UNION_CHUNK):
        parts = [
            qs.order_by()
            .annotate(_who=Value(index, models.IntegerField()))
            .values_list("_who", flat=True)
            for index, qs in pending[start : start + _UNION_CHUNK]
        ]
        first, *rest = parts
        hits.update(first.union(*rest, all=True) if rest else first)
    visible_keys.update(keys[i] for i, count in hits.items() if count >= needed[i])
    return {person.pk for key in visible_keys for person in by_key[key]}


def _email_state(ntype: registry.NotificationType, email_on: bool, frequency: str) -> str:
    if not email_on or frequency == DeliverySettings.EmailFrequency.OFF:
        return DeliveryState.NONE
    if ntype.email_mode == "immediate":
        return DeliveryState.PENDING
    if frequency in (DeliverySettings.EmailFrequency.DAILY, DeliverySettings.EmailFrequency.WEEKLY):
        return DeliveryState.DIGEST
    return DeliveryState.NONE


def notify(
    *,
    type_key: str,
    recipients: Iterable[User],
    actor: User | None = None,
    post: Post | None = None,
    comment: Comment | None = None,
    community: Community | None = None,
    target: models.Model | None = None,
    group_key: str | None = None,
    data: dict[str, Any] | None = None,
) -> list[Notification]:
    """Tell these people that something happened, by the rules above; returns the new or
    collapsed notifications."""
    ntype = registry.get(type_key)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _notify(
                    ntype,
                    recipients=list(recipients),
                    actor=actor,
                    post=post,
                    comment=comment,
                    community=community,
                    target=target,
                    group_key=group_key or "",
                    data=data or {},
                )
        except IntegrityError:
            # Someone created the same group's row at the same moment: the second round
            # finds it and collapses into it.
            if not group_key:
                raise
    raise RuntimeError("unreachable")  # pragma: no cover


def _notify(
    ntype: registry.NotificationType,
    *,
    recipients: list[User],
    actor: User | None,
    post: Post | None,
    comment: Comment | None,
    community: Community | None,
    target: models.Model | None,
    group_key: str,
    data: dict[str, Any],
) -> list[Notification]:
    if comment is not None and post is None:
        post = comment.post
    if post is not None and community is None and post.community_id is not None:
        community = post.community
    people = {
        person.pk: person
        for person in recipients
        if person.is_active and (actor is None or person.pk != actor.pk)
    }
    if not people:
        return []
    template = Notification(
        type=ntype.key,
        actor=actor,
        post=post,
        comment=comment,
        community=community,
        target_ct=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        group_key=group_key,
        data=data,
    )

    # Mute: one query, only for types that muting silences.
    if community is not None and ntype.mutable:
        muted = CommunityNotificationSetting.objects.filter(
            community=community,
            user_id__in=list(people),
            level=CommunityNotificationSetting.Level.MUTE,
        ).values_list("user_id", flat=True)
        for user_id in muted:
            people.pop(user_id, None)

    # Preferences: one query for everyone's overrides of this type.
    overrides: dict[int, dict[str, bool]] = {}
    for user_id, channel, enabled in NotificationPreference.objects.filter(
        type=ntype.key, user_id__in=list(people)
    ).values_list("user_id", "channel", "enabled"):
        overrides.setdefault(user_id, {})[channel] = enabled
    channels = {user_id: _channels(ntype, overrides.get(user_id, {})) for user_id in people}
    people = {uid: p for uid, p in people.items() if any(channels[uid].values())}

    # E-mail frequency: one query, only when someone gets this by e-mail at all.
    frequency: dict[int, str] = {}
    if any(channels[uid][Channel.EMAIL] for uid in people):
        frequency = dict(
            DeliverySettings.objects.filter(user_id__in=list(people)).values_list(
                "user_id", "email_frequency"
            )
        )

    # Visibility, checked against each entity's visible_to.
    if people:
        visible = _visible_ids(ntype, list(people.values()), template)
        people = {uid: p for uid, p in people.items() if uid in visible}
    if not people:
        return []

    now = timezone.now()
    result: list[Notification] = []
    if ntype.grouped and group_key:
        existing = {
            n.recipient_id: n
            for n in Notification.objects.filter(
                recipient_id__in=list(people), group_key=group_key, read_at__isnull=True
            )
        }
        if existing:
            result.extend(_collapse(list(existing.values()), template, now))
            for user_id in existing:
                people.pop(user_id)

    default_frequency = DeliverySettings._meta.get_field("email_frequency").default
    fresh = []
    for user_id in people:
        chosen = channels[user_id]
        fresh.append(
            Notification(
                recipient_id=user_id,
                type=ntype.key,
                actor=actor,
                post=post,
                comment=comment,
                community=community,
                target_ct=template.target_ct,
                target_id=template.target_id,
                data=data,
                group_key=group_key,
                in_app=chosen[Channel.IN_APP],
                created_at=now,
                updated_at=now,
                email_state=_email_state(
                    ntype, chosen[Channel.EMAIL], frequency.get(user_id, default_frequency)
                ),
                push_state=DeliveryState.PENDING if chosen[Channel.PUSH] else DeliveryState.NONE,
            )
        )
    created = Notification.objects.bulk_create(fresh)
    if group_key and actor is not None and created:
        NotificationActor.objects.bulk_create(
            [NotificationActor(notification=n, actor=actor, created_at=now) for n in created]
        )
    result.extend(created)
    _forget_on_commit(n.recipient_id for n in result)
    notifications_changed_on_commit(n.recipient_id for n in result)  # bells refresh live
    return result


def _forget_on_commit(user_ids: Iterable[int]) -> None:
    """Cached bell counts of these people are stale once this transaction commits."""
    ids = list(user_ids)
    if ids:
        selectors.forget_unread_counts(ids)
        transaction.on_commit(lambda: selectors.forget_unread_counts(ids))


def _collapse(existing: list[Notification], template: Notification, now: Any) -> list[Notification]:
    """Add the actor to unread group rows; count only people not already in them."""
    actor = template.actor
    ids = [n.pk for n in existing]
    if actor is not None:
        already = set(
            NotificationActor.objects.filter(notification_id__in=ids, actor=actor).values_list(
                "notification_id", flat=True
            )
        )
    else:
        already = set()
    grow = [n for n in existing if n.pk not in already]
    if not grow:
        return []
    if actor is not None:
        NotificationActor.objects.bulk_create(
            [NotificationActor(notification=n, actor=actor, created_at=now) for n in grow]
        )
    changes: dict[str, Any] = {"count": F("count") + 1, "updated_at": now, "actor": actor}
    # The newest reply is the one to open; reactions keep pointing at the same post.
    if template.comment_id is not None:
        changes["comment_id"] = template.comment_id
    Notification.objects.filter(pk__in=[n.pk for n in grow]).update(**changes)
    for n in grow:
        n.count += 1
        n.updated_at = now
        n.actor = actor
        if template.comment_id is not None:
            n.comment_id = template.comment_id
    return grow


# --- reading ------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """Mark one of the person's notifications as read."""
    if notification.recipient_id != user.pk:
        raise ServiceError(_("This notification does not exist."), code="not_found", status=404)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _forget_on_commit([user.pk])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark everything in the person's bell as read; returns how many were unread."""
    changed = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    _forget_on_commit([user.pk])
    return changed


# --- settings -----------------------------------------------------------------------------


def preference_set(*, user: User, type_key: str, channel: str, enabled: bool) -> None:
    """Turn one channel of one type on or off for the person; defaults are not stored."""
    try:
        ntype = registry.get(type_key)
    except LookupError:
        raise ServiceError(
            _("There is no such kind of notification."), code="invalid_type"
        ) from None
    if channel not in Channel.values:
        raise ServiceError(_("There is no such channel."), code="invalid_channel")
    with transaction.atomic():
        if enabled == ntype.default_enabled(channel):
            NotificationPreference.objects.filter(
                user=user, type=type_key, channel=channel
            ).delete()
        else:
            NotificationPreference.objects.update_or_create(
                user=user, type=type_key, channel=channel, defaults={"enabled": enabled}
            )


def preferences_preset_apply(*, user: User, preset: str) -> registry.Preset:
    """Set every type's channels as the preset says, in one step. The individual choices stay
    editable afterwards. Also keeps the person's delivery settings row: it records that they
    chose (the first-day checklist reads it), even when the preset is the default."""
    try:
        chosen = registry.preset(preset)
    except LookupError:
        raise ServiceError(
            _("There is no such preset. Please choose one of the listed settings."),
            code="invalid_preset",
        ) from None
    types = registry.all_types()
    rows = [
        NotificationPreference(user=user, type=ntype.key, channel=channel, enabled=wanted)
        for ntype in types
        for channel in Channel.values
        if (wanted := ntype.preset_enabled(chosen.key, channel)) != ntype.default_enabled(channel)
    ]
    with transaction.atomic():
        # Only defaults differ from rows: replace the person's rows for the known types.
        NotificationPreference.objects.filter(
            user=user, type__in=[ntype.key for ntype in types]
        ).delete()
        NotificationPreference.objects.bulk_create(rows)
        DeliverySettings.objects.get_or_create(user=user)
    return chosen


def delivery_settings_for(*, user: User) -> DeliverySettings:
    """The person's settings, or the defaults (unsaved) when they never changed them."""
    found = DeliverySettings.objects.filter(user=user).first()
    return found if found is not None else DeliverySettings(user=user)


def delivery_settings_update(
    *,
    user: User,
    email_frequency: str = _UNSET,
    quiet_hours_start: time | None = _UNSET,
    quiet_hours_end: time | None = _UNSET,
    timezone_name: str = _UNSET,
) -> DeliverySettings:
    """Change when e-mail and push may reach the person; leave out what stays."""
    current = delivery_settings_for(user=user)
    if email_frequency is not _UNSET:
        if email_frequency not in DeliverySettings.EmailFrequency.values:
            raise ServiceError(
                _("Choose how often you want e-mail."), code="invalid_email_frequency"
            )
        current.email_frequency = email_frequency
    if quiet_hours_start is not _UNSET:
        current.quiet_hours_start = quiet_hours_start
    if quiet_hours_end is not _UNSET:
        current.quiet_hours_end = quiet_hours_end
    if (current.quiet_hours_start is None) != (current.quiet_hours_end is None):
        raise ServiceError(
            _("Give both the start and the end of your quiet hours, or neither."),
            code="invalid_quiet_hours",
        )
    if current.quiet_hours_start is not None and current.quiet_hours_start == (
        current.quiet_hours_end
    ):
        raise ServiceError(
            _("Quiet hours must start and end at different times."), code="invalid_quiet_hours"
        )
    if timezone_name is not _UNSET:
        if timezone_name not in zoneinfo.available_timezones():
            raise ServiceError(_("Choose a valid time zone."), code="invalid_timezone")
        current.timezone = timezone_name
    current.updated_at = timezone.now()
    with transaction.atomic():
        current.save()
    return current


def community_setting_set(*, user: User, community: Community, level: str) -> str:
    """Choose how much the person hears from a community; "highlights" is the default."""
    levels = CommunityNotificationSetting.Level
    if level not in levels.values:
        raise ServiceError(_("Choose all posts, highlights or mute."), code="invalid_level")
    if not Community.objects.visible_to(user).filter(pk=community.pk).exists():
        raise ServiceError(_("This community does not exist."), code="not_found", status=404)
    if (
        level == levels.ALL_POSTS
        and not Membership.objects.filter(community=community, user=user).exists()
    ):
        raise ServiceError(
            _("Join the community to be told about all its posts."), code="not_a_member"
        )
    with transaction.atomic():
        if level == levels.HIGHLIGHTS:
            CommunityNotificationSetting.objects.filter(user=user, community=community).delete()
        else:
            CommunityNotificationSetting.objects.update_or_create(
                user=user,
                community=community,
                defaults={"level": level, "updated_at": timezone.now()},
            )
    return level


# --- what communities announce (hanse/notifications/tasks.py picks the events up) ----------


def on_join_request_created(request: JoinRequest) -> list[Notification]:
    """Tell the community's owners and moderators; requests to one community collapse."""
    moderators = User.objects.filter(moderators_q(request.community_id))
    return notify(
        type_key="join_request",
        recipients=moderators,
        actor=request.user,
        community=request.community,
        target=request,
        group_key=f"join_request:{request.community_id}",
    )


def on_join_request_decided(request: JoinRequest) -> list[Notification]:
    """Tell the person who asked whether they are in."""
    if request.status == JoinRequest.Status.APPROVED:
        type_key = "join_request_approved"
    elif request.status == JoinRequest.Status.DECLINED:
        type_key = "join_request_declined"
    else:
        return []
    return notify(
        type_key=type_key,
        recipients=[request.user],
        actor=request.decided_by,
        community=request.community,
        target=request,
    )


def on_invitation_created(invitation: Invitation) -> list[Notification]:
    """Tell the invited person."""
    return notify(
        type_key="community_invitation",
        recipients=[invitation.invitee],
        actor=invitation.invited_by,
        community=invitation.community,
        target=invitation,
    )


def on_role_changed(membership: Membership, by: User) -> list[Notification]:
    """Tell the person whose role changed (not when they changed it themselves)."""
    return notify(
        type_key="role_changed",
        recipients=[membership.user],
        actor=by,
        community=membership.community,
        target=membership,
        data={"role": membership.role},
    )


def on_ownership_passed(membership: Membership, by: User | None) -> list[Notification]:
    """Tell the person who became owner of a community because its only owner was erased
    (``by``: the administrator who asked for the erasure; None for the command)."""
    return notify(
        type_key="ownership_passed",
        recipients=[membership.user],
        actor=by,
        community=membership.community,
        target=membership,
    )


def on_owner_appointed(membership: Membership, by: User) -> list[Notification]:
    """Tell the person a platform administrator made owner of a community that had none
    (not when the administrator appointed themselves)."""
    return notify(
        type_key="owner_appointed",
        recipients=[membership.user],
        actor=by,
        community=membership.community,
        target=membership,
    )


def on_owner_needed(community: Community) -> list[Notification]:
    """Tell every platform administrator that a community is left without an owner (no
    actor: the one who asked for the erasure is told as well). The notification stays
    visible while the community has no owner (its type's ``target_visible``)."""
    return notify(
        type_key="community_needs_owner",
        recipients=User.objects.filter(platform_admins_q()),
        community=community,
        target=community,
    )


def on_membership_ended(*, community: Community, user: User) -> None:
    """Someone left or was removed: forget their level for the community, so nothing more
    comes from it (what they can no longer read already disappears from the bell)."""
    CommunityNotificationSetting.objects.filter(community=community, user=user).delete()
    _forget_on_commit([user.pk])
