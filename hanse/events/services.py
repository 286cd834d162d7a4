"""Writes of events: create, change, cancel; one occurrence or "this and all future"; RSVPs with
capacity and a waiting list; calendar subscription tokens; notes after the meetup.

Seats are counted under a lock on the event row (``select_for_update``), so two people taking
the last place at the same moment are served one after the other: one gets it, the other is
put on the waiting list. Notifications go out after commit (hanse/events/tasks.py).
"""

from __future__ import annotations

import hashlib
import io
import secrets
import uuid
import warnings
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import idempotency
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.core.text import render_markdown
from hanse.events import recurrence
from hanse.events.models import CalendarToken, Event, OccurrenceOverride, ReminderSetting, Rsvp
from hanse.events.notifications import occurrence_data
from hanse.events.recurrence import Occurrence, occurrence_at, utc
from hanse.events.rules import may_create_event_in, may_manage_event
from hanse.events.selectors import ATTENDING, not_found
from hanse.events.tasks import notify_event
from hanse.jobs.outbox import enqueue_on_commit

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from hanse.communities.models import Community
    from hanse.people.models import Location, User
    from hanse.posts.models import Post

TITLE_MAX = 160
DESCRIPTION_MAX = 20000
ROOM_MAX = 120
ADDRESS_MAX = 250
URL_MAX = 500
MAX_CAPACITY = 100_000
MAX_DURATION = timedelta(days=31)
MAX_CO_ORGANISERS = 20
CALENDAR_TOKEN_PREFIX = "hcal_"  # noqa: S105 (a public prefix, not a secret)
MAX_CALENDAR_TOKENS = 10
TOKEN_LAST_USED_RESOLUTION = timedelta(minutes=15)
COVER_MAX_BYTES = 10 * 1024 * 1024
COVER_MAX_SIDE = 1600
COVER_MAX_PIXELS = 40_000_000

TIME_FIELDS = ("start", "end", "all_day", "time_zone", "rrule")
PLACE_FIELDS = ("location", "room", "address", "online_url")
UPDATABLE = (
    "title",
    "description",
    *TIME_FIELDS,
    *PLACE_FIELDS,
    "capacity",
    "co_organisers",
    "cover",
)


# --- permission ----------------------------------------------------------------------------


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _can_see(user: User, event: Event) -> bool:
    return Event.objects.visible_to(user).filter(pk=event.pk).exists()


def _require_visible(user: User, event: Event) -> None:
    if not _can_see(user, event):
        raise not_found()


def _require_manage(user: User, event: Event) -> None:
    _require_visible(user, event)
    if not may_manage_event(user, event):
        raise PermissionRefused(
            _(
                "Only the organisers, the community's moderators and administrators may change "
                "this event."
            )
        )


def _may_create_in(by: User, community: Community | None) -> None:
    if not _active(by):
        raise PermissionRefused(_("Please sign in to create events."))
    if may_create_event_in(by, community):
        return
    from hanse.communities.models import Community as CommunityModel

    visible = CommunityModel.objects.visible_to(by)
    if community is not None and not visible.filter(pk=community.pk).exists():
        raise ServiceError(_("This community does not exist."), code="not_found", status=404)
    raise PermissionRefused(_("Only members of the community may create events in it."))


# --- validation ----------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(_("Please give the event a title."), code="title_required")
    if len(title) > TITLE_MAX:
        raise ServiceError(
            _("The title may be at most %(max)s characters long.") % {"max": TITLE_MAX},
            code="title_too_long",
        )
    return title


def _clean_description(description: str) -> tuple[str, str]:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(
            _("The description may be at most %(max)s characters long.") % {"max": DESCRIPTION_MAX},
            code="description_too_long",
        )
    return description, render_markdown(description) if description else ""


def _clean_text(value: str, maximum: int, message: Any) -> str:
    value = " ".join((value or "").split())
    if len(value) > maximum:
        raise ServiceError(message % {"max": maximum}, code="too_long")
    return value


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > URL_MAX:
        raise ServiceError(_("The online link is too long."), code="invalid_url")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ServiceError(
            _("The online link must be a web address starting with https:// or http://."),
            code="invalid_url",
        ) from None
    return url


def _clean_capacity(capacity: int | None) -> int | None:
    if capacity is None:
        return None
    if not 1 <= int(capacity) <= MAX_CAPACITY:
        raise ServiceError(
            _("The number of places must be between 1 and %(max)s, or empty for no limit.")
            % {"max": MAX_CAPACITY},
            code="invalid_capacity",
        )
    return int(capacity)


def _aware(moment: datetime, what: str) -> datetime:
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise ServiceError(
            _("The %(what)s needs a date, a time and a time zone.") % {"what": what},
            code="invalid_time",
        )
    return utc(moment)


def _clean_times(
    *, start: datetime, end: datetime, all_day: bool, time_zone: str, rrule: str
) -> tuple[datetime, datetime, str, str]:
    """Validated (start, end, time zone, rule); all-day events become whole local days and a
    series starts on its first occurrence."""
    tz = recurrence.zone(time_zone or "Europe/Berlin")
    start = _aware(start, str(_("start")))
    end = _aware(end, str(_("end")))
    if all_day:
        start, end = recurrence.all_day_bounds(start, end, tz)
    elif end <= start:
        raise ServiceError(_("The event must end after it starts."), code="end_before_start")
    if end - start > MAX_DURATION:
        raise ServiceError(_("An event can last at most 31 days."), code="too_long")
    rule = recurrence.validate_rrule(rrule)
    if rule:
        probe = Event(start=start, end=end, time_zone=tz.key, rrule=rule)
        found = recurrence._original_starts(probe, tz, start, start + timedelta(days=3660))[:1]
        if not found:
            raise ServiceError(
                _("The repeat rule never matches after the start."), code="invalid_rrule"
            )
        first = found[0]
        if first != start:
            # RFC 5545 counts DTSTART as an occurrence; we start the series on its first match.
            wall = recurrence._local_naive(end, tz) - recurrence._local_naive(start, tz)
            start = first
            end = recurrence._at_local(recurrence._local_naive(first, tz) + wall, tz)
    return start, end, tz.key, rule


def _clean_co_organisers(people: Iterable[User], organiser: User) -> list[User]:
    chosen = {p.pk: p for p in people if p.pk != organiser.pk}
    if len(chosen) > MAX_CO_ORGANISERS:
        raise ServiceError(
            _("An event can have at most %(max)s co-organisers.") % {"max": MAX_CO_ORGANISERS},
            code="too_many_co_organisers",
        )
    for person in chosen.values():
        if not person.is_active:
            raise ServiceError(
                _("%(name)s no longer works here and cannot be a co-organiser.")
                % {"name": person.display_name},
                code="invalid_co_organiser",
            )
    return list(chosen.values())


def _check_co_organisers_see(event: Event, people: list[User]) -> None:
    for person in people:
        if not _can_see(person, event):
            raise ServiceError(
                _("%(name)s cannot see this event and so cannot be a co-organiser.")
                % {"name": person.display_name},
                code="invalid_co_organiser",
            )


def _cover_file(upload: UploadedFile) -> ContentFile[bytes]:
    """The cover re-encoded as WebP without metadata, at most 1600 pixels wide or high."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    message = _("The cover is not a picture. Please upload a JPEG, PNG, WebP or GIF image.")
    if (upload.size or 0) > COVER_MAX_BYTES:
        raise ServiceError(_("The cover picture may be at most 10 MB."), code="file_too_large")
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(upload)
            if probe.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
                raise ServiceError(message, code="not_an_image")
            if probe.size[0] * probe.size[1] > COVER_MAX_PIXELS:
                raise ServiceError(_("The cover picture is too large."), code="image_too_large")
            probe.verify()
            upload.seek(0)
            image = Image.open(upload)
            image.load()
    except ServiceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ServiceError(_("The cover picture is too large."), code="image_too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ServiceError(message, code="not_an_image") from exc
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    picture = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    picture.thumbnail((COVER_MAX_SIDE, COVER_MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="WEBP", quality=82)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.webp")


# --- notifications after commit ------------------------------------------------------------


def _attendee_ids(event: Event, *, occurrence: datetime | None = None) -> list[int]:
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


def _tell(
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
    _may_create_in(by, community)
    title = _clean_title(title)
    description, description_html = _clean_description(description)
    start, end, time_zone, rrule = _clean_times(
        start=start, end=end, all_day=all_day, time_zone=time_zone, rrule=rrule
    )
    room = _clean_text(room, ROOM_MAX, _("The room may be at most %(max)s characters long."))
    address = _clean_text(
        address, ADDRESS_MAX, _("The address may be at most %(max)s characters long.")
    )
    online_url = _clean_url(online_url)
    capacity = _clean_capacity(capacity)
    helpers = _clean_co_organisers(co_organisers, by)
    cover_file = _cover_file(cover) if cover is not None else None
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
            _check_co_organisers_see(event, helpers)
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


def _promote(event: Event, occurrence: datetime) -> list[int]:
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


def _promote_all(event: Event, *, actor: User | None) -> None:
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
        promoted = _promote(event, utc(key))
        _tell(
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
    _require_manage(by, event)
    if event.cancelled_at is not None:
        raise ServiceError(_("A cancelled event cannot be changed."), code="cancelled")
    changes: dict[str, Any] = {}
    if "title" in fields:
        changes["title"] = _clean_title(fields["title"])
    if "description" in fields:
        changes["description"], changes["description_html"] = _clean_description(
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
        start, end, tz, rule = _clean_times(
            start=start,
            end=end,
            all_day=all_day,
            time_zone=tz,
            rrule=fields.get("rrule", event.rrule),
        )
        changes.update(start=start, end=end, all_day=all_day, time_zone=tz, rrule=rule)
    if "room" in fields:
        changes["room"] = _clean_text(
            fields["room"], ROOM_MAX, _("The room may be at most %(max)s characters long.")
        )
    if "address" in fields:
        changes["address"] = _clean_text(
            fields["address"], ADDRESS_MAX, _("The address may be at most %(max)s characters long.")
        )
    if "online_url" in fields:
        changes["online_url"] = _clean_url(fields["online_url"])
    if "location" in fields:
        changes["location"] = fields["location"]
    if "capacity" in fields:
        changes["capacity"] = _clean_capacity(fields["capacity"])
    helpers = (
        _clean_co_organisers(fields["co_organisers"], event.organiser)
        if "co_organisers" in fields
        else None
    )
    if helpers is not None:
        _check_co_organisers_see(event, helpers)
    cover_file = _cover_file(fields["cover"]) if fields.get("cover") is not None else None
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
            _promote_all(event, actor=by)
        if time_changed or place_changed:
            _tell(
                "event_changed",
                event,
                _attendee_ids(event),
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
    _require_manage(by, event)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise ServiceError(_("This event has already been cancelled."), code="cancelled")
        event.cancelled_at = timezone.now()
        event.sequence = locked.sequence + 1
        event.updated_at = event.cancelled_at
        event.save(update_fields=["cancelled_at", "sequence", "updated_at"])
        _tell(
            "event_cancelled",
            event,
            _attendee_ids(event),
            actor=by,
            start=event.start,
            recurrence_id=event.start,
        )
    return event


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
    _require_manage(by, event)
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
    new_start = _aware(start, str(_("start"))) if start is not None else occ.start
    new_end = _aware(end, str(_("end"))) if end is not None else new_start + (occ.end - occ.start)
    if new_end <= new_start:
        raise ServiceError(_("The event must end after it starts."), code="end_before_start")
    if new_end - new_start > MAX_DURATION:
        raise ServiceError(_("An event can last at most 31 days."), code="too_long")
    new_title = _clean_title(title) if title else None
    new_room = (
        _clean_text(room, ROOM_MAX, _("The room may be at most %(max)s characters long."))
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
            _tell(
                "occurrence_moved",
                event,
                _attendee_ids(event, occurrence=occ.recurrence_id),
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
    _require_manage(by, event)
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
        _tell(
            "occurrence_cancelled",
            event,
            _attendee_ids(event, occurrence=occ.recurrence_id),
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
    _require_manage(by, event)
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


# --- RSVPs ---------------------------------------------------------------------------------

ANSWERS = (Rsvp.Status.GOING, Rsvp.Status.MAYBE, Rsvp.Status.NOT_GOING)


def rsvp_set(*, event: Event, recurrence_id: datetime, user: User, status: str) -> Rsvp:
    """Answer going, maybe or not going for one occurrence. "Going" beyond the places puts the
    person on the waiting list; leaving "going" gives the place to the first person waiting,
    who is told. Race-safe: places are counted with the event row locked."""
    if status not in ANSWERS:
        raise ServiceError(_("Please answer going, maybe or not going."), code="invalid_status")
    if not _active(user):
        raise PermissionRefused(_("Please sign in to answer."))
    _require_visible(user, event)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise ServiceError(_("This event has been cancelled."), code="cancelled")
        occ = occurrence_at(locked, recurrence_id)
        if occ.cancelled:
            raise ServiceError(_("This date has been cancelled."), code="cancelled")
        now = timezone.now()
        if occ.end <= now:
            raise ServiceError(_("This event is over; answers are closed."), code="past")
        rid = occ.recurrence_id
        rsvp = Rsvp.objects.filter(event=locked, occurrence=rid, user=user).first()
        previous = rsvp.status if rsvp is not None else None
        new = status
        if (
            status == Rsvp.Status.GOING
            and previous != Rsvp.Status.GOING
            and locked.capacity is not None
        ):
            going = Rsvp.objects.filter(
                event=locked, occurrence=rid, status=Rsvp.Status.GOING
            ).count()
            if going >= locked.capacity:
                new = Rsvp.Status.WAITLIST
        if rsvp is None:
            rsvp = Rsvp.objects.create(
                event=locked, occurrence=rid, user=user, status=new, created_at=now, updated_at=now
            )
        elif previous != new:
            rsvp.status = new
            rsvp.updated_at = now
            update = ["status", "updated_at"]
            if new == Rsvp.Status.WAITLIST:
                rsvp.created_at = now  # joins the end of the waiting list
                update.append("created_at")
            rsvp.save(update_fields=update)
        if previous == Rsvp.Status.GOING and new != Rsvp.Status.GOING:
            promoted = _promote(locked, rid)
            _tell(
                "waitlist_promoted",
                locked,
                promoted,
                actor=None,
                start=occ.start,
                recurrence_id=rid,
                title=occ.title,
            )
    return rsvp


# --- reminder preferences ------------------------------------------------------------------


def reminder_setting_set(*, user: User, day_before: bool, hour_before: bool) -> ReminderSetting:
    """Which reminders the person wants (the channels are the notification preferences)."""
    with transaction.atomic():
        setting, _created = ReminderSetting.objects.update_or_create(
            user=user,
            defaults={
                "day_before": day_before,
                "hour_before": hour_before,
                "updated_at": timezone.now(),
            },
        )
    return setting


# --- calendar tokens -----------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def calendar_token_create(*, user: User) -> str:
    """A new secret for the personal iCal subscription; the raw value is returned once and
    only its hash is stored."""
    if not _active(user):
        raise PermissionRefused(_("Please sign in to subscribe to your calendar."))
    active = CalendarToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_CALENDAR_TOKENS:
        raise ServiceError(
            _("You have too many calendar subscriptions. Revoke one you no longer use."),
            code="too_many_tokens",
        )
    raw = CALENDAR_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarToken.objects.create(user=user, token_hash=_hash(raw))
    return raw


def calendar_token_revoke(*, user: User, token_id: int) -> CalendarToken:
    """Revoke one of the person's own subscription tokens; the URL stops working at once."""
    token = CalendarToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise ServiceError(
            _("This calendar subscription does not exist."), code="not_found", status=404
        )
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def calendar_token_user(raw: str) -> User | None:
    """The active person a subscription token belongs to, or None (unknown or revoked)."""
    if not raw or not raw.startswith(CALENDAR_TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        CalendarToken.objects.select_related("user")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_LAST_USED_RESOLUTION:
        CalendarToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- after the meetup ----------------------------------------------------------------------


def event_set_notes(*, event: Event, by: User, post: Post | None) -> Event:
    """Link the post with notes and photos (in the event's community; for a company-wide
    event a company-wide post) from the event; None unlinks it."""
    _require_manage(by, event)
    if post is not None:
        from hanse.posts.models import Post as PostModel

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
