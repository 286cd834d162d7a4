"""Writes of events: create, change, cancel; one occurrence or "this and all future"; notes
after the meetup. Notifications go out after commit (hanse/events/tasks.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import idempotency, personal_data
from hanse.core.errors import ServiceError
from hanse.events import recurrence
from hanse.events.models import Event, OccurrenceOverride, Rsvp
from hanse.events.notifications import occurrence_data
from hanse.events.recurrence import Occurrence, occurrence_at, utc
from hanse.events.selectors import ATTENDING, not_found
from hanse.events.tasks import notify_event
from hanse.jobs.outbox import enqueue_on_commit
from hanse.posts.models import Post as PostModel

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from hanse.communities.models import Community
    from hanse.people.models import Location, User
    from hanse.posts.models import Post
from hanse.events.services.validation import (
    ADDRESS_MAX,
    MAX_DURATION,
    PLACE_FIELDS,
    ROOM_MAX,
    TIME_FIELDS,
    UPDATABLE,
    aware,
    check_co_organisers_see,
    clean_capacity,
    clean_co_organisers,
    clean_description,
    clean_text,
    clean_times,
    clean_title,
    clean_url,
    cover_content,
    may_create_in,
    require_manage,
)

# --- notifications after commit ------------------------------------------------------------


def attendee_ids(event: Event, *, occurrence: datetime | None = None) -> list[int]:
    """People who said going, maybe or are on the waiting list: for one occurrence, or for
    every occurrence that has not ended."""
    qs = Rsvp.objects.filter(event=event, status__in=ATTENDING)
    if occurrence is not None:
        qs = qs.filter(occurrence=utc(occurrence))
    else:
        duration = event.end - event.start
        qs = qs.filter(occurrence__gt=timezone.now() - duration - timedelta(hours=2)).exclude(
            occurrence__in=OccurrenceOverride.objects.filter(event=event, cancelled=True).values(
                "recurrence_id"
            )
        )
    return sorted(set(qs.values_list("user_id", flat=True)))


def tell(
    kind: str,
    event: Event,
    user_ids: list[int],
    *,
    actor: User | None,
    start: datetime,
    recurrence_id: datetime,
    title: str | None = None,
    **extra: Any,
) -> None:
    """Queue a notification about the event (through the outbox, with the write)."""
    if not user_ids:
        return
    data = occurrence_data(
        title=title or event.title,
        start=start,
        recurrence_id=recurrence_id,
        all_day=event.all_day,
        **extra,
    )
    event_id = event.pk
    actor_id = actor.pk if actor is not None else None
    key = f"events:{kind}:{event_id}:{uuid.uuid4().hex}"
    enqueue_on_commit(notify_event, kind, event_id, user_ids, actor_id, data, key=key)


# --- events --------------------------------------------------------------------------------


def event_create(
    *,
    by: User,
    title: str,
    description: str,
    start: datetime,
    end: datetime,
    all_day: bool = False,
    time_zone: str = "Europe/Berlin",
    rrule: str = "",
    community: Community | None = None,
    location: Location | None = None,
    room: str = "",
    address: str = "",
    online_url: str = "",
    capacity: int | None = None,
    co_organisers: Iterable[User] = (),
    cover: UploadedFile | None = None,
    idempotency_key: str | None = None,
) -> Event:
    """Create an event (company-wide: any employee; in a community: its members); a retry
    with the same ``idempotency_key`` returns the first event."""
    may_create_in(by, community)
    title = clean_title(title)
    description, description_html = clean_description(description)
    start, end, time_zone, rrule = clean_times(
        start=start, end=end, all_day=all_day, time_zone=time_zone, rrule=rrule
    )
    room = clean_text(room, ROOM_MAX, _("The room may be at most %(max)s characters long."))
    address = clean_text(
        address, ADDRESS_MAX, _("The address may be at most %(max)s characters long.")
    )
    online_url = clean_url(online_url)
    capacity = clean_capacity(capacity)
    helpers = clean_co_organisers(co_organisers, by)
    cover_file = cover_content(cover) if cover is not None else None
    now = timezone.now()
    with transaction.atomic():
        earlier = idempotency.claim(user=by, scope="events.event", key=idempotency_key)
        if earlier is not None:
            found = Event.objects.filter(pk=earlier).first()
            if found is None:
                raise not_found()
            return found
        event = Event(
            community=community,
            title=title,
            description=description,
            description_html=description_html,
            start=start,
            end=end,
            all_day=all_day,
            time_zone=time_zone,
            rrule=rrule,
            location=location,
            room=room,
            address=address,
            online_url=online_url,
            capacity=capacity,
            organiser=by,
            created_at=now,
            updated_at=now,
        )
        if cover_file is not None:
            event.cover.save(cover_file.name or "cover.webp", cover_file, save=False)
        event.save()
        if helpers:
            check_co_organisers_see(event, helpers)
            event.co_organisers.set(helpers)
        idempotency.record(user=by, scope="events.event", key=idempotency_key, object_id=event.pk)
    return event


def _shift_keys(event: Event, old: Event, new_start: datetime, new_tz: str) -> None:
    """Keep RSVPs and overrides on their occurrences when the series' start moves: every
    recurrence id moves by the same wall-clock difference."""
    old_zone = recurrence.zone(old.time_zone)
    zone = recurrence.zone(new_tz)
    delta = recurrence._local_naive(new_start, zone) - recurrence._local_naive(old.start, old_zone)
    if not delta and old_zone.key == zone.key:
        return
    keys = set(Rsvp.objects.filter(event=event).values_list("occurrence", flat=True)) | set(
        OccurrenceOverride.objects.filter(event=event).values_list("recurrence_id", flat=True)
    )
    # Move the last first when moving later (and the first first when earlier): no key ever
    # lands on one that has not moved yet.
    for key in sorted(keys, reverse=delta > timedelta(0)):
        moved = recurrence._at_local(recurrence._local_naive(key, old_zone) + delta, zone)
        Rsvp.objects.filter(event=event, occurrence=key).update(occurrence=moved)
        OccurrenceOverride.objects.filter(event=event, recurrence_id=key).update(
            recurrence_id=moved
        )


def promote(event: Event, occurrence: datetime) -> list[int]:
    """Fill free places from the waiting list, first come first served (event row locked)."""
    promoted: list[int] = []
    waiting = Rsvp.objects.filter(
        event=event, occurrence=occurrence, status=Rsvp.Status.WAITLIST
    ).order_by("created_at", "pk")
    if event.capacity is None:
        free = len(waiting)
    else:
        going = Rsvp.objects.filter(
            event=event, occurrence=occurrence, status=Rsvp.Status.GOING
        ).count()
        free = max(event.capacity - going, 0)
    if free <= 0:
        return promoted
    now = timezone.now()
    for rsvp in waiting[:free]:
        rsvp.status = Rsvp.Status.GOING
        rsvp.updated_at = now
        rsvp.save(update_fields=["status", "updated_at"])
        promoted.append(rsvp.user_id)
    return promoted


def promote_all(event: Event, *, actor: User | None) -> None:
    """After the number of places grew: promote on every future occurrence with a waiting list."""
    now = timezone.now()
    keys = set(
        Rsvp.objects.filter(
            event=event, status=Rsvp.Status.WAITLIST, occurrence__gt=now - timedelta(days=1)
        ).values_list("occurrence", flat=True)
    )
    for key in sorted(keys):
        try:
            occ = occurrence_at(event, key)
        except ServiceError:
            continue
        if occ.cancelled or occ.end <= now:
            continue
        promoted = promote(event, utc(key))
        tell(
            "waitlist_promoted",
            event,
            promoted,
            actor=None,
            start=occ.start,
            recurrence_id=occ.recurrence_id,
            title=occ.title,
        )


def event_update(*, event: Event, by: User, **fields: Any) -> Event:
    """Change the event (the whole series); organisers, co-organisers, the community's
    moderators and administrators. Raises the iCal SEQUENCE; people going are told when the
    time or the place changes."""
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise ServiceError(
            _("These fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="invalid_field",
        )
    require_manage(by, event)
    if event.cancelled_at is not None:
        raise ServiceError(_("A cancelled event cannot be changed."), code="cancelled")
    changes: dict[str, Any] = {}
    if "title" in fields:
        changes["title"] = clean_title(fields["title"])
    if "description" in fields:
        changes["description"], changes["description_html"] = clean_description(
            fields["description"]
        )
    if any(f in fields for f in TIME_FIELDS):
        all_day = bool(fields.get("all_day", event.all_day))
        start = fields.get("start", event.start)
        end = fields.get("end", event.end)
        tz = fields.get("time_zone", event.time_zone)
        if all_day and event.all_day and "start" in fields and "end" not in fields:
            # A whole-day event keeps its number of days when only its start moves.
            end = start + (event.end - event.start) - timedelta(microseconds=1)
        elif all_day and event.all_day and end == event.end:
            end = event.end - timedelta(microseconds=1)  # stored as the midnight after
        start, end, tz, rule = clean_times(
            start=start,
            end=end,
            all_day=all_day,
            time_zone=tz,
            rrule=fields.get("rrule", event.rrule),
        )
        changes.update(start=start, end=end, all_day=all_day, time_zone=tz, rrule=rule)
    if "room" in fields:
        changes["room"] = clean_text(
            fields["room"], ROOM_MAX, _("The room may be at most %(max)s characters long.")
        )
    if "address" in fields:
        changes["address"] = clean_text(
            fields["address"], ADDRESS_MAX, _("The address may be at most %(max)s characters long.")
        )
    if "online_url" in fields:
        changes["online_url"] = clean_url(fields["online_url"])
    if "location" in fields:
        changes["location"] = fields["location"]
    if "capacity" in fields:
        changes["capacity"] = clean_capacity(fields["capacity"])
    helpers = (
        clean_co_organisers(fields["co_organisers"], event.organiser)
        if "co_organisers" in fields
        else None
    )
    if helpers is not None:
        check_co_organisers_see(event, helpers)
    cover_file = cover_content(fields["cover"]) if fields.get("cover") is not None else None
    changed = [name for name, value in changes.items() if getattr(event, name) != value]
    if "cover" in fields and fields["cover"] is None and event.cover:
        changed.append("cover")
    time_changed = any(f in changed for f in TIME_FIELDS)
    place_changed = any(f in changed for f in PLACE_FIELDS)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if time_changed:
            _shift_keys(locked, locked, changes["start"], changes["time_zone"])
        for name in changed:
            if name != "cover":
                setattr(event, name, changes[name])
        if "cover" in changed:
            event.cover = ""
        if cover_file is not None:
            event.cover.save(cover_file.name or "cover.webp", cover_file, save=False)
            changed.append("cover")
        if helpers is not None:
            before = set(event.co_organisers.values_list("pk", flat=True))
            if before != {p.pk for p in helpers}:
                event.co_organisers.set(helpers)
                changed.append("co_organisers")
        if not changed:
            return event
        event.sequence = locked.sequence + 1
        event.updated_at = timezone.now()
        event.save(
            update_fields=[
                *[n for n in dict.fromkeys(changed) if n != "co_organisers"],
                "sequence",
                "updated_at",
            ]
        )
        if "capacity" in changed:
            promote_all(event, actor=by)
        if time_changed or place_changed:
            tell(
                "event_changed",
                event,
                attendee_ids(event),
                actor=by,
                start=event.start,
                recurrence_id=event.start,
                place=event.place(),
                changed=sorted(
                    {"time" if time_changed else "", "place" if place_changed else ""} - {""}
                ),
            )
    return event


def event_cancel(*, event: Event, by: User) -> Event:
    """Cancel the whole event; everyone going, maybe or waiting is told."""
    require_manage(by, event)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise ServiceError(_("This event has already been cancelled."), code="cancelled")
        event.cancelled_at = timezone.now()
        event.sequence = locked.sequence + 1
        event.updated_at = event.cancelled_at
        event.save(update_fields=["cancelled_at", "sequence", "updated_at"])
        tell(
            "event_cancelled",
            event,
            attendee_ids(event),
            actor=by,
            start=event.start,
            recurrence_id=event.start,
        )
    return event


def event_purge(*, event: Event) -> int:
    """Delete an event for good, without a permission check: for the system (retention of
    removed content). Its answers and changed dates go with it, its cover image after the
    commit; the search index and the cached upcoming lists follow the delete's signals."""
    with transaction.atomic():
        return personal_data.delete_rows(Event.objects.filter(pk=event.pk))


def _changeable(event: Event, recurrence_id: datetime) -> Occurrence:
    if event.cancelled_at is not None:
        raise ServiceError(_("A cancelled event cannot be changed."), code="cancelled")
    occ = occurrence_at(event, recurrence_id)
    if occ.cancelled:
        raise ServiceError(_("This date has been cancelled."), code="cancelled")
    if occ.end <= timezone.now():
        raise ServiceError(_("This date is over and can no longer be changed."), code="past")
    return occ


def occurrence_update(
    *,
    event: Event,
    recurrence_id: datetime,
    by: User,
    start: datetime | None = None,
    end: datetime | None = None,
    title: str | None = None,
    room: str | None = None,
) -> Occurrence:
    """Change this occurrence only (move, retitle, other room); its RSVPs stay with it.
    For an event that does not repeat this changes the event."""
    require_manage(by, event)
    if not event.rrule:
        fields: dict[str, Any] = {
            k: v
            for k, v in {"start": start, "end": end, "title": title, "room": room}.items()
            if v is not None
        }
        if start is not None and end is None:
            fields["end"] = start + (event.end - event.start)
        event_update(event=event, by=by, **fields)
        return occurrence_at(event, event.start)
    occ = _changeable(event, recurrence_id)
    new_start = aware(start, str(_("start"))) if start is not None else occ.start
    new_end = aware(end, str(_("end"))) if end is not None else new_start + (occ.end - occ.start)
    if new_end <= new_start:
        raise ServiceError(_("The event must end after it starts."), code="end_before_start")
    if new_end - new_start > MAX_DURATION:
        raise ServiceError(_("An event can last at most 31 days."), code="too_long")
    new_title = clean_title(title) if title else None
    new_room = (
        clean_text(room, ROOM_MAX, _("The room may be at most %(max)s characters long."))
        if room is not None
        else None
    )
    original_start, original_end = recurrence.original_bounds(event, occ.recurrence_id)
    moved = (new_start, new_end) != (occ.start, occ.end)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        override, _created = OccurrenceOverride.objects.get_or_create(
            event=locked, recurrence_id=occ.recurrence_id
        )
        differs = (new_start, new_end) != (original_start, original_end)
        override.start = new_start if differs else None
        override.end = new_end if differs else None
        if title is not None:
            override.title = new_title if new_title and new_title != event.title else ""
        if new_room is not None:
            override.room = "" if new_room == event.room else new_room
        override.sequence += 1
        override.updated_at = timezone.now()
        override.save()
        event.sequence = locked.sequence + 1
        event.updated_at = override.updated_at
        event.save(update_fields=["sequence", "updated_at"])
        if hasattr(event, "_prefetched_objects_cache"):
            event._prefetched_objects_cache.pop("overrides", None)
        result = occurrence_at(event, occ.recurrence_id)
        if moved or (new_room is not None and new_room != occ.room):
            tell(
                "occurrence_moved",
                event,
                attendee_ids(event, occurrence=occ.recurrence_id),
                actor=by,
                start=result.start,
                recurrence_id=occ.recurrence_id,
                title=result.title,
                was=occ.start.isoformat(),
                place=event.place(result.room),
            )
    return result


def occurrence_cancel(*, event: Event, recurrence_id: datetime, by: User) -> Occurrence:
    """Cancel this occurrence only; those going, maybe or waiting for it are told. For an event
    that does not repeat this cancels the event."""
    require_manage(by, event)
    if not event.rrule:
        event_cancel(event=event, by=by)
        return occurrence_at(event, event.start)
    occ = _changeable(event, recurrence_id)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        override, _created = OccurrenceOverride.objects.get_or_create(
            event=locked, recurrence_id=occ.recurrence_id
        )
        override.cancelled = True
        override.sequence += 1
        override.updated_at = timezone.now()
        override.save()
        event.sequence = locked.sequence + 1
        event.updated_at = override.updated_at
        event.save(update_fields=["sequence", "updated_at"])
        if hasattr(event, "_prefetched_objects_cache"):
            event._prefetched_objects_cache.pop("overrides", None)
        tell(
            "occurrence_cancelled",
            event,
            attendee_ids(event, occurrence=occ.recurrence_id),
            actor=by,
            start=occ.start,
            recurrence_id=occ.recurrence_id,
            title=occ.title,
        )
    return occurrence_at(event, occ.recurrence_id)


def series_update_from(*, event: Event, recurrence_id: datetime, by: User, **fields: Any) -> Event:
    """Change this and all future occurrences: the series is split. The old event ends just
    before this occurrence (UNTIL, or a shorter COUNT); a new event (``split_from`` the old)
    continues from it with the changes, and the RSVPs and overrides of its occurrences move
    to it. From the first occurrence this is the same as changing the whole event."""
    require_manage(by, event)
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise ServiceError(
            _("These fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="invalid_field",
        )
    if not event.rrule:
        raise ServiceError(_("This event does not repeat."), code="not_recurring")
    occ = _changeable(event, recurrence_id)
    rid = occ.recurrence_id
    if rid == utc(event.start):
        return event_update(event=event, by=by, **fields)
    if rid <= timezone.now():
        raise ServiceError(_("This date is over and can no longer be changed."), code="past")
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        count = recurrence.rule_count(locked.rrule)
        if count is None:
            old_rule = recurrence.with_end(locked.rrule, until=rid - timedelta(seconds=1))
            new_rule = locked.rrule
        else:
            before = recurrence.count_before(locked, rid)
            old_rule = recurrence.with_end(locked.rrule, count=before)
            new_rule = recurrence.with_end(locked.rrule, count=count - before)
        tz = recurrence.zone_of(locked)
        wall = recurrence._local_naive(locked.end, tz) - recurrence._local_naive(locked.start, tz)
        now = timezone.now()
        continuation = Event(
            community=locked.community,
            title=locked.title,
            description=locked.description,
            description_html=locked.description_html,
            start=rid,
            end=recurrence._at_local(recurrence._local_naive(rid, tz) + wall, tz),
            all_day=locked.all_day,
            time_zone=locked.time_zone,
            rrule=new_rule,
            location=locked.location,
            room=locked.room,
            address=locked.address,
            online_url=locked.online_url,
            cover=locked.cover,
            capacity=locked.capacity,
            organiser=locked.organiser,
            split_from=locked,
            notes_post=None,
            created_at=now,
            updated_at=now,
        )
        continuation.save()
        continuation.co_organisers.set(locked.co_organisers.all())
        Rsvp.objects.filter(event=locked, occurrence__gte=rid).update(event=continuation)
        OccurrenceOverride.objects.filter(event=locked, recurrence_id__gte=rid).update(
            event=continuation
        )
        event.rrule = old_rule
        event.sequence = locked.sequence + 1
        event.updated_at = now
        event.save(update_fields=["rrule", "sequence", "updated_at"])
        if hasattr(event, "_prefetched_objects_cache"):
            event._prefetched_objects_cache.pop("overrides", None)
        if fields:
            continuation = event_update(event=continuation, by=by, **fields)
    return continuation


# --- after the meetup ----------------------------------------------------------------------


def event_set_notes(*, event: Event, by: User, post: Post | None) -> Event:
    """Link the post with notes and photos (in the event's community; for a company-wide
    event a company-wide post) from the event; None unlinks it."""
    require_manage(by, event)
    if post is not None:
        if not PostModel.objects.visible_to(by).filter(pk=post.pk).exists():
            raise ServiceError(_("This post does not exist."), code="not_found", status=404)
        if event.community_id is not None and post.community_id != event.community_id:
            raise ServiceError(
                _("The notes must be a post in the event's community."), code="wrong_community"
            )
        if event.community_id is None and post.scope != PostModel.Scope.COMPANY:
            raise ServiceError(
                _("The notes of a company-wide event must be a company-wide post."),
                code="wrong_community",
            )
    with transaction.atomic():
        event.notes_post = post
        event.updated_at = timezone.now()
        event.save(update_fields=["notes_post", "updated_at"])
    return event
