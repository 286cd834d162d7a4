"""Reads of events: calendars, upcoming events, attendees, the personal iCal feed.

Everything starts from ``Event.objects.visible_to``. A calendar range costs a fixed number of
queries whatever the number of events: one for the events (with organiser and community),
one for their overrides, one for the viewer's RSVPs (and one for co-organisers when "mine").
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from hanse.communities.models import Community, Membership
from hanse.core.errors import ServiceError
from hanse.events.models import CalendarToken, Event, OccurrenceOverride, Rsvp
from hanse.events.recurrence import Occurrence, occurrences, utc
from hanse.events.rules import is_listed_attendee
from hanse.people.models import User

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.people.models import User

ATTENDING = (Rsvp.Status.GOING, Rsvp.Status.MAYBE, Rsvp.Status.WAITLIST)
# Occurrences can be moved; a calendar looks this far outside its range for recurrences
# whose moved occurrence lands inside it.
MAX_RANGE = timedelta(days=400)
UPCOMING_HORIZON = timedelta(days=120)


def not_found() -> ServiceError:
    from django.utils.translation import gettext_lazy as _

    return ServiceError(_("This event does not exist."), code="not_found", status=404)


def base_queryset(viewer: User | None) -> QuerySet[Event]:
    """The one base queryset of events for a viewer: organiser and community joined."""
    return Event.objects.visible_to(viewer).select_related("organiser", "community", "location")


def get_event_for(*, viewer: User | None, event_id: int) -> Event:
    """The event if the viewer may see it, else ServiceError 404 (same as non-existent)."""
    event = base_queryset(viewer).filter(pk=event_id).first()
    if event is None:
        raise not_found()
    return event


def _events_in_range(qs: QuerySet[Event], start: datetime, end: datetime) -> QuerySet[Event]:
    """Events that may have an occurrence in [start, end): singles overlapping it, series
    that began before its end (and that ended, by UNTIL, is checked when expanding)."""
    overrides = OccurrenceOverride.objects.filter(start__lt=end, end__gt=start)
    return qs.filter(
        Q(rrule="", start__lt=end, end__gt=start)
        | Q(rrule="", start=start, end=start)
        | (~Q(rrule="") & Q(start__lt=end))
        | Q(Exists(overrides.filter(event=OuterRef("pk"))))
    ).prefetch_related(Prefetch("overrides", queryset=OccurrenceOverride.objects.all()))


def _expand(events: list[Event], start: datetime, end: datetime) -> list[Occurrence]:
    found: list[Occurrence] = []
    for event in events:
        found.extend(occurrences(event, start=start, end=end))
    found.sort(key=lambda o: (o.start, o.event.pk))
    return found


def _check_range(start: datetime, end: datetime) -> None:
    from django.utils.translation import gettext_lazy as _

    if end <= start:
        raise ServiceError(_("The end of the range must be after its start."), code="invalid_range")
    if end - start > MAX_RANGE:
        raise ServiceError(_("A calendar range can span at most 400 days."), code="invalid_range")


def calendar(
    *,
    viewer: User | None,
    start: datetime,
    end: datetime,
    community: Community | None = None,
    mine: bool = False,
) -> list[Occurrence]:
    """Visible, not cancelled occurrences in [start, end), sorted by start. ``mine``: those
    the viewer answered going, maybe or waitlist to, or organises.

    Each occurrence carries ``my_status`` (the viewer's answer or None)."""
    _check_range(start, end)
    qs = base_queryset(viewer).filter(cancelled_at__isnull=True)
    if community is not None:
        qs = qs.filter(community=community)
    my: dict[tuple[int, datetime], str | None] = {}
    if viewer is not None and viewer.is_authenticated:
        for event_id, rid, answer in Rsvp.objects.filter(
            user=viewer, event__in=qs.values("pk")
        ).values_list("event_id", "occurrence", "status"):
            my[(event_id, utc(rid))] = answer
    if mine:
        assert viewer is not None  # noqa: S101  # visible_to(None) is empty anyway
        qs = qs.filter(
            Q(organiser=viewer)
            | Q(co_organisers=viewer)
            | Q(pk__in=Rsvp.objects.filter(user=viewer, status__in=ATTENDING).values("event_id"))
        ).distinct()
    events = list(_events_in_range(qs, start, end))
    result = []
    organised = {e.pk for e in events if viewer is not None and e.organiser_id == viewer.pk}
    if mine and viewer is not None:
        organised |= set(
            Event.co_organisers.through.objects.filter(
                user_id=viewer.pk, event_id__in=[e.pk for e in events]
            ).values_list("event_id", flat=True)
        )
    for occurrence in _expand(events, start, end):
        status = my.get((occurrence.event.pk, occurrence.recurrence_id))
        occurrence.my_status = status
        if mine and occurrence.event.pk not in organised and status not in ATTENDING:
            continue
        result.append(occurrence)
    return result


# The start page's list is expanded in growing windows: most people have `limit` occurrences
# within the first one, so series are not expanded for four months to show five dates.
UPCOMING_WINDOWS = (timedelta(days=14), UPCOMING_HORIZON)
# Longest a person's cached list lives (versions make changes show at once; this bounds what
# nothing bumps: a new date entering the horizon).
UPCOMING_CACHE_SECONDS = 300
# Bumped by hanse/events/caching.py: any event, override or community change (all lists), and
# a person's own RSVPs, memberships and account (that person's list).
UPCOMING_VERSION_ALL = "events:upcoming:v"


def upcoming_version_key(user_id: int) -> str:
    return f"events:upcoming:v:{user_id}"


def upcoming_for(*, viewer: User | None, limit: int = 5) -> list[Occurrence]:
    """The next visible occurrences from now (those running now included).

    Cached per person under the version keys above when the cache is shared by every process
    (Redis); on the per-process cache a change in another process (the worker) would not show,
    so it is computed each time there."""
    if viewer is None or not viewer.is_authenticated:
        return []
    now = timezone.now()
    key = _upcoming_cache_key(viewer.pk, limit) if _cache_is_shared() else None
    if key is not None:
        cached = cache.get(key)
        # Occurrences that ended since are dropped without a new version.
        if cached is not None:
            return [o for o in cached if o.end > now or o.start == o.end == now]
    result = _upcoming(viewer=viewer, now=now, limit=limit)
    if key is not None:
        cache.set(key, result, UPCOMING_CACHE_SECONDS)
    return result


def _upcoming(*, viewer: User, now: datetime, limit: int) -> list[Occurrence]:
    """``calendar`` over the horizon, but expanding series only as far as the list needs."""
    qs = base_queryset(viewer).filter(cancelled_at__isnull=True)
    horizon = now + UPCOMING_HORIZON
    events = list(_events_in_range(qs, now, horizon))
    found: list[Occurrence] = []
    for window in UPCOMING_WINDOWS:
        # Whatever starts inside the first window comes before all that starts after it, so
        # once it holds `limit` occurrences those are the first `limit` of the horizon.
        found = _expand(events, now, min(now + window, horizon))
        if len(found) >= limit:
            break
    found = found[:limit]
    if found:
        answers = {
            (event_id, utc(rid)): status
            for event_id, rid, status in Rsvp.objects.filter(
                user=viewer, event_id__in={o.event.pk for o in found}
            ).values_list("event_id", "occurrence", "status")
        }
        for occurrence in found:
            occurrence.my_status = answers.get((occurrence.event.pk, occurrence.recurrence_id))
    return found


def _cache_is_shared() -> bool:
    from django.conf import settings

    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return "LocMemCache" not in backend and "DummyCache" not in backend


def _upcoming_cache_key(user_id: int, limit: int) -> str:
    keys = [UPCOMING_VERSION_ALL, upcoming_version_key(user_id)]
    versions = cache.get_many(keys)
    for missing in (k for k in keys if k not in versions):
        # A version never seen before, so no entry cached under an evicted one is used.
        cache.add(missing, uuid.uuid4().hex, None)
        versions[missing] = cache.get(missing)
    return f"events:upcoming:{user_id}:{limit}:{versions[keys[0]]}:{versions[keys[1]]}"


def bump_upcoming_versions(*, user_ids: Iterable[int] = (), everyone: bool = False) -> None:
    """Make the cached upcoming lists of these people (or of everyone) be computed anew."""
    if everyone:
        cache.set(UPCOMING_VERSION_ALL, uuid.uuid4().hex, None)
    ids = set(user_ids)
    if ids:
        cache.set_many({upcoming_version_key(pk): uuid.uuid4().hex for pk in ids}, None)


def event_occurrences(
    *, viewer: User | None, event: Event, start: datetime, end: datetime
) -> list[Occurrence]:
    """One event's occurrences in a range (cancelled ones included, marked), for its page."""
    _check_range(start, end)
    if not Event.objects.visible_to(viewer).filter(pk=event.pk).exists():
        raise not_found()
    return occurrences(event, start=start, end=end, include_cancelled=True)


def attendees(
    *, viewer: User | None, event: Event, recurrence_id: datetime
) -> dict[str, list[Any]]:
    """Who answered what for one occurrence, for those who may see the event: status ->
    people (waiting list in its order). People who can no longer see the event (who left a
    private community) are left out."""
    if not Event.objects.visible_to(viewer).filter(pk=event.pk).exists():
        raise not_found()

    visible_people = User.objects.filter(is_active=True)
    result: dict[str, list[Any]] = {status: [] for status in Rsvp.Status.values}
    rows = (
        Rsvp.objects.filter(event=event, occurrence=utc(recurrence_id), user__in=visible_people)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    members: set[int] | None = None
    if event.community_id is not None:
        community = Community.objects.filter(pk=event.community_id).values("kind").first()
        if community is not None and community["kind"] != Community.Kind.OPEN:
            members = set(
                Membership.objects.filter(community_id=event.community_id).values_list(
                    "user_id", flat=True
                )
            )
    for rsvp in rows:
        if not is_listed_attendee(rsvp.user, members):
            continue
        result[rsvp.status].append(rsvp.user)
    return result


def my_rsvp(*, viewer: User | None, event: Event, recurrence_id: datetime) -> Rsvp | None:
    if viewer is None or not viewer.is_authenticated:
        return None
    return Rsvp.objects.filter(event=event, occurrence=utc(recurrence_id), user=viewer).first()


def waitlist_position(*, viewer: User, event: Event, recurrence_id: datetime) -> int | None:
    """1 for the first on the waiting list; None when the viewer is not on it."""
    mine = my_rsvp(viewer=viewer, event=event, recurrence_id=recurrence_id)
    if mine is None or mine.status != Rsvp.Status.WAITLIST:
        return None
    ahead = Rsvp.objects.filter(
        event=event, occurrence=mine.occurrence, status=Rsvp.Status.WAITLIST
    ).filter(Q(created_at__lt=mine.created_at) | Q(created_at=mine.created_at, pk__lt=mine.pk))
    return ahead.count() + 1


def rsvp_counts(event: Event, recurrence_id: datetime) -> dict[str, Any]:
    """Counts per status for one occurrence, plus ``places_left`` (None: no limit)."""
    counts: dict[str, Any] = dict.fromkeys(Rsvp.Status.values, 0)
    for row in (
        Rsvp.objects.filter(event=event, occurrence=utc(recurrence_id))
        .values("status")
        .annotate(n=Count("pk"))
    ):
        counts[row["status"]] = row["n"]
    counts["places_left"] = (
        None if event.capacity is None else max(event.capacity - counts[Rsvp.Status.GOING], 0)
    )
    return counts


def feed_occurrences_for(*, user: User, start: datetime, end: datetime) -> list[Occurrence]:
    """For the personal iCal feed: occurrences of events the person attends (going, maybe,
    waiting list) or organises, that they may see now. Cancelled ones are included (marked
    cancelled) so calendar clients remove them; dates answered "not going" are left out."""
    if not user.is_active:
        return []
    qs = (
        base_queryset(user)
        .filter(
            Q(organiser=user)
            | Q(co_organisers=user)
            | Q(pk__in=Rsvp.objects.filter(user=user, status__in=ATTENDING).values("event_id"))
        )
        .distinct()
    )
    events = list(
        qs.filter(
            Q(rrule="", end__gt=start, start__lt=end) | (~Q(rrule="") & Q(start__lt=end))
        ).prefetch_related(Prefetch("overrides", queryset=OccurrenceOverride.objects.all()))
    )
    answers: dict[int, dict[datetime, str | None]] = defaultdict(dict)
    for event_id, rid, answer in Rsvp.objects.filter(
        user=user, event_id__in=[e.pk for e in events]
    ).values_list("event_id", "occurrence", "status"):
        answers[event_id][utc(rid)] = answer
    organised = {e.pk for e in events if e.organiser_id == user.pk} | set(
        Event.co_organisers.through.objects.filter(
            user_id=user.pk, event_id__in=[e.pk for e in events]
        ).values_list("event_id", flat=True)
    )
    result = []
    for event in events:
        for occurrence in occurrences(event, start=start, end=end, include_cancelled=True):
            status = answers[event.pk].get(occurrence.recurrence_id)
            if event.pk in organised or status in ATTENDING:
                occurrence.my_status = status
                result.append(occurrence)
    result.sort(key=lambda o: (o.start, o.event.pk))
    return result


def calendar_tokens(*, user: User) -> QuerySet[Any]:
    """The person's calendar subscription tokens that still work, newest first."""

    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
