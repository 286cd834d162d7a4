"""/api/v1/events: events, occurrences, RSVPs, attendees and calendar subscription tokens.

The same rules as the pages: an event one may not see is 404, like one that does not exist.
An occurrence is addressed by its original start in UTC, e.g. ``20260407T150000Z``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hanse.api.pagination import (
    CursorPage,
    CursorQuery,
    OffsetPage,
    OffsetQuery,
    cursor_page,
    invalid_cursor,
    offset_page,
)
from hanse.api.schemas import ERRORS, DateTime, Id, PersonRef, limit_field
from hanse.communities.selectors import get_community_for
from hanse.core import http, idempotency
from hanse.core.errors import ServiceError
from hanse.events import recurrence, selectors
from hanse.events.models import Event, Rsvp
from hanse.events.recurrence import Occurrence, occurrence_key, parse_occurrence_key, utc
from hanse.events.rules import may_manage_event
from hanse.events.services import calendars as calendar_services
from hanse.events.services import events as event_services
from hanse.events.services import rsvps as rsvp_services
from hanse.people.models import Location, User

router = Router(tags=["events"])

StatusLiteral = Literal["going", "maybe", "not_going", "waitlist"]
AnswerLiteral = Literal["going", "maybe", "not_going"]
DEFAULT_RANGE = timedelta(days=90)


# --- schemas -------------------------------------------------------------------------------


class OccurrenceOut(Schema):
    event_id: int
    occurrence: str = Field(description="The occurrence's id: its original start, UTC.")
    title: str
    start: datetime
    end: datetime
    all_day: bool
    room: str
    cancelled: bool
    is_exception: bool = Field(description="Moved, retitled or cancelled on its own.")
    community: str | None = Field(None, description="The community's slug, if any.")
    my_status: StatusLiteral | None = None


class EventOut(Schema):
    id: int
    uid: str = Field(description="The stable iCal UID.")
    title: str
    description: str
    description_html: str
    start: datetime = Field(description="Start of the (first) occurrence.")
    end: datetime
    all_day: bool
    time_zone: str
    rrule: str = Field(description="RFC 5545 RRULE value, empty for a single event.")
    repeats: str = Field(description="The rule in words, in the caller's language.")
    community: str | None
    location: str | None
    room: str
    address: str
    online_url: str
    capacity: int | None
    cover_url: str | None
    organiser: PersonRef
    co_organisers: list[PersonRef]
    split_from: int | None
    sequence: int
    cancelled: bool
    can_manage: bool
    notes_post: int | None
    occurrences: list[OccurrenceOut] = Field(
        default_factory=list, description="Occurrences in the requested range."
    )


class EventIn(Schema):
    title: str
    description: str = ""
    start: DateTime
    end: DateTime
    all_day: bool = False
    time_zone: str = "Europe/Berlin"
    rrule: str = Field("", description="e.g. FREQ=WEEKLY;INTERVAL=2 or FREQ=MONTHLY;BYDAY=1TU")
    community: str | None = Field(None, description="A community's slug; empty: company-wide.")
    location_id: Id | None = None
    room: str = ""
    address: str = ""
    online_url: str = ""
    capacity: int | None = Field(None, description="Places; empty for no limit.")
    co_organisers: list[str] = Field(default_factory=list, description="Usernames.")


class EventPatch(Schema):
    title: str | None = None
    description: str | None = None
    start: DateTime | None = None
    end: DateTime | None = None
    all_day: bool | None = None
    time_zone: str | None = None
    rrule: str | None = None
    location_id: Id | None = None
    room: str | None = None
    address: str | None = None
    online_url: str | None = None
    capacity: int | None = None
    clear_capacity: bool = Field(False, description="Remove the limit on places.")
    co_organisers: list[str] | None = None


class OccurrencePatch(Schema):
    start: DateTime | None = None
    end: DateTime | None = None
    title: str | None = None
    room: str | None = None


class RangeQuery(Schema):
    start: DateTime | None = Field(None, description="Default: now.")
    end: DateTime | None = Field(None, description="Default: 90 days after the start.")


class EventListQuery(RangeQuery, CursorQuery):
    community: str | None = Field(None, description="Only this community's events (slug).")
    mine: bool = Field(False, description="Only events I go to, may go to, wait for or organise.")
    limit: int = limit_field(100, 500)


class OccurrencePage(CursorPage[OccurrenceOut]):
    """A page of the calendar, by start time."""


class RsvpIn(Schema):
    status: AnswerLiteral


class RsvpOut(Schema):
    event_id: int
    occurrence: str
    status: StatusLiteral | None
    waitlist_position: int | None = None
    going: int
    maybe: int
    waitlist: int
    places_left: int | None


class Attendees(Schema):
    going: list[PersonRef]
    maybe: list[PersonRef]
    not_going: list[PersonRef]
    waitlist: list[PersonRef]


class TokenOut(Schema):
    id: int
    created_at: datetime
    last_used_at: datetime | None


class TokenPage(OffsetPage[TokenOut]):
    """A page of calendar subscriptions."""


class NewTokenOut(Schema):
    id: int
    token: str = Field(description="The secret, shown only now.")


# --- helpers -------------------------------------------------------------------------------


def _range(query: RangeQuery) -> tuple[datetime, datetime]:
    start = query.start or timezone.now()
    if timezone.is_naive(start):
        raise ServiceError(_("Please give times with a time zone."), code="invalid_range")
    end = query.end or start + DEFAULT_RANGE
    if timezone.is_naive(end):
        raise ServiceError(_("Please give times with a time zone."), code="invalid_range")
    return start, end


def _person(user: User) -> PersonRef:
    return PersonRef.of(user)


def _occurrence_out(occ: Occurrence) -> OccurrenceOut:
    event = occ.event
    return OccurrenceOut(
        event_id=event.pk,
        occurrence=occurrence_key(occ.recurrence_id),
        title=occ.title,
        start=occ.start,
        end=occ.end,
        all_day=event.all_day,
        room=occ.room,
        cancelled=occ.cancelled,
        is_exception=occ.is_exception,
        community=event.community.slug if event.community is not None else None,
        my_status=occ.my_status,  # type: ignore[arg-type]  # one of the status values
    )


def _event_out(
    request: HttpRequest, event: Event, occs: list[Occurrence] | None = None
) -> EventOut:
    viewer = http.viewer(request)
    language = getattr(request, "LANGUAGE_CODE", None)
    return EventOut(
        id=event.pk,
        uid=str(event.uid),
        title=event.title,
        description=event.description,
        description_html=event.description_html,
        start=event.start,
        end=event.end,
        all_day=event.all_day,
        time_zone=event.time_zone,
        rrule=event.rrule,
        repeats=recurrence.describe_rrule(event.rrule, language),
        community=event.community.slug if event.community is not None else None,
        location=event.location.name if event.location is not None else None,
        room=event.room,
        address=event.address,
        online_url=event.online_url,
        capacity=event.capacity,
        cover_url=event.cover.url if event.cover else None,
        organiser=_person(event.organiser),
        co_organisers=[_person(p) for p in event.co_organisers.all()],
        split_from=event.split_from_id,
        sequence=event.sequence,
        cancelled=event.cancelled_at is not None,
        can_manage=may_manage_event(viewer, event),
        notes_post=event.notes_post_id,
        occurrences=[_occurrence_out(o) for o in occs or []],
    )


def _event(request: HttpRequest, event_id: Id) -> Event:
    return selectors.get_event_for(viewer=http.viewer(request), event_id=event_id)


def _people(usernames: list[str]) -> list[User]:
    found = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
    missing = [name for name in usernames if name not in found]
    if missing:
        raise ServiceError(
            _("Nobody with the username “%(name)s” was found.") % {"name": missing[0]},
            code="unknown_person",
        )
    return list(found.values())


def _location(location_id: int | None) -> Location | None:
    if location_id is None:
        return None
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        raise ServiceError(_("This branch or site does not exist."), code="unknown_location")
    return location


def _rsvp_out(viewer: User, event: Event, rid: datetime) -> RsvpOut:
    mine = selectors.my_rsvp(viewer=viewer, event=event, recurrence_id=rid)
    counts = selectors.rsvp_counts(event, rid)
    return RsvpOut(
        event_id=event.pk,
        occurrence=occurrence_key(rid),
        status=mine.status if mine is not None else None,  # type: ignore[arg-type]  # choices
        waitlist_position=selectors.waitlist_position(
            viewer=viewer, event=event, recurrence_id=rid
        ),
        going=counts[Rsvp.Status.GOING],
        maybe=counts[Rsvp.Status.MAYBE],
        waitlist=counts[Rsvp.Status.WAITLIST],
        places_left=counts["places_left"],
    )


def _patch_fields(payload: EventPatch) -> dict[str, Any]:
    fields = payload.dict(exclude_none=True, exclude={"clear_capacity", "location_id"})
    if payload.clear_capacity:
        fields["capacity"] = None
    if payload.location_id is not None:
        fields["location"] = _location(payload.location_id)
    if payload.co_organisers is not None:
        fields["co_organisers"] = _people(payload.co_organisers)
    return fields


# --- calendar tokens (before /{event_id}) --------------------------------------------------


@router.get(
    "/calendar-tokens",
    response={200: TokenPage, **ERRORS},
    summary="My calendar subscriptions",
)
def list_tokens(request: HttpRequest, query: Query[OffsetQuery]) -> TokenPage:
    """The caller's calendar subscription tokens that still work (never the secrets)."""
    return TokenPage(
        **offset_page(
            selectors.calendar_tokens(user=http.viewer(request)),
            query,
            lambda t: TokenOut(id=t.pk, created_at=t.created_at, last_used_at=t.last_used_at),
        )
    )


@router.post(
    "/calendar-tokens", response={201: NewTokenOut, **ERRORS}, summary="New calendar subscription"
)
def create_token(request: HttpRequest) -> Status[NewTokenOut]:
    """A secret for the personal iCal subscription URL; it is shown only in this answer."""
    raw = calendar_services.calendar_token_create(user=http.viewer(request))
    token = selectors.calendar_tokens(user=http.viewer(request)).first()
    assert token is not None  # noqa: S101  # just created
    return Status(201, NewTokenOut(id=token.pk, token=raw))


@router.delete(
    "/calendar-tokens/{token_id}", response={204: None, **ERRORS}, summary="Revoke a subscription"
)
def revoke_token(request: HttpRequest, token_id: Id) -> Status[None]:
    calendar_services.calendar_token_revoke(user=http.viewer(request), token_id=token_id)
    return Status(204, None)


# --- events --------------------------------------------------------------------------------


def _calendar_key(occ: Occurrence) -> tuple[str, int, str]:
    # Start, then event, then occurrence: a total order, so a page ends at a definite item.
    return (
        utc(occ.start).isoformat(timespec="microseconds"),
        occ.event.pk,
        occurrence_key(occ.recurrence_id),
    )


@router.get("", response={200: OccurrencePage, **ERRORS}, summary="Calendar")
def list_occurrences(request: HttpRequest, filters: Query[EventListQuery]) -> OccurrencePage:
    """Occurrences of the events the caller may see in a range (default: the next 90 days),
    by start. The cursor carries the range on, so later pages need no `start`/`end`."""
    after: tuple[str, int, str] | None = None
    position = filters.position()
    if position is None:
        start, end = _range(filters)
    else:
        match position:
            case [str(last_start), int(event_id), str(key), str(range_end)]:
                after = (last_start, event_id, key)
                try:
                    start = datetime.fromisoformat(last_start)
                    end = datetime.fromisoformat(range_end)
                except ValueError:
                    raise invalid_cursor() from None
            case _:
                raise invalid_cursor()
        if timezone.is_naive(start) or timezone.is_naive(end):
            raise invalid_cursor()
    community = None
    if filters.community:
        community = get_community_for(viewer=http.viewer(request), slug=filters.community)
    occs = selectors.calendar(
        viewer=http.viewer(request), start=start, end=end, community=community, mine=filters.mine
    )
    ordered = sorted(occs, key=_calendar_key)
    if after is not None:
        ordered = [o for o in ordered if _calendar_key(o) > after]
    page = ordered[: filters.limit]
    following = None
    if len(ordered) > filters.limit:
        following = [*_calendar_key(page[-1]), end.isoformat()]
    return OccurrencePage(**cursor_page((_occurrence_out(o) for o in page), following))


@router.post("", response={201: EventOut, **ERRORS}, summary="Create an event")
def create_event(request: HttpRequest, payload: EventIn) -> Status[EventOut]:
    """Company-wide (any employee) or in a community (its members). A retry with the same
    `Idempotency-Key` header returns the first event."""
    community = None
    if payload.community:
        community = get_community_for(viewer=http.viewer(request), slug=payload.community)
    event = event_services.event_create(
        by=http.viewer(request),
        title=payload.title,
        description=payload.description,
        start=payload.start,
        end=payload.end,
        all_day=payload.all_day,
        time_zone=payload.time_zone,
        rrule=payload.rrule,
        community=community,
        location=_location(payload.location_id),
        room=payload.room,
        address=payload.address,
        online_url=payload.online_url,
        capacity=payload.capacity,
        co_organisers=_people(payload.co_organisers),
        idempotency_key=idempotency.from_request(request),
    )
    return Status(201, _event_out(request, _event(request, event.pk)))


@router.get("/{event_id}", response={200: EventOut, **ERRORS}, summary="Get an event")
def get_event(request: HttpRequest, event_id: Id, filters: Query[RangeQuery]) -> EventOut:
    """The event with its occurrences in a range (default: the next 90 days)."""
    event = _event(request, event_id)
    start, end = _range(filters)
    occs = selectors.event_occurrences(
        viewer=http.viewer(request), event=event, start=start, end=end
    )
    return _event_out(request, event, occs)


@router.patch("/{event_id}", response={200: EventOut, **ERRORS}, summary="Change an event")
def update_event(request: HttpRequest, event_id: Id, payload: EventPatch) -> EventOut:
    """Change the whole event (the series); organisers, moderators and administrators."""
    event = _event(request, event_id)
    event_services.event_update(event=event, by=http.viewer(request), **_patch_fields(payload))
    return _event_out(request, _event(request, event_id))


@router.post("/{event_id}/cancel", response={200: EventOut, **ERRORS}, summary="Cancel an event")
def cancel_event(request: HttpRequest, event_id: Id) -> EventOut:
    event = _event(request, event_id)
    event_services.event_cancel(event=event, by=http.viewer(request))
    return _event_out(request, _event(request, event_id))


@router.patch(
    "/{event_id}/occurrences/{occurrence}",
    response={200: OccurrenceOut, **ERRORS},
    summary="Change one occurrence",
)
def update_occurrence(
    request: HttpRequest, event_id: Id, occurrence: str, payload: OccurrencePatch
) -> OccurrenceOut:
    """Move, retitle or change the room of this occurrence only; its answers stay."""
    event = _event(request, event_id)
    occ = event_services.occurrence_update(
        event=event,
        recurrence_id=parse_occurrence_key(occurrence),
        by=http.viewer(request),
        **payload.dict(exclude_none=True),
    )
    return _occurrence_out(occ)


@router.post(
    "/{event_id}/occurrences/{occurrence}/cancel",
    response={200: OccurrenceOut, **ERRORS},
    summary="Cancel one occurrence",
)
def cancel_occurrence(request: HttpRequest, event_id: Id, occurrence: str) -> OccurrenceOut:
    event = _event(request, event_id)
    occ = event_services.occurrence_cancel(
        event=event, recurrence_id=parse_occurrence_key(occurrence), by=http.viewer(request)
    )
    return _occurrence_out(occ)


@router.post(
    "/{event_id}/occurrences/{occurrence}/split",
    response={201: EventOut, **ERRORS},
    summary="Change this and all future occurrences",
)
def split_series(
    request: HttpRequest, event_id: Id, occurrence: str, payload: EventPatch
) -> Status[EventOut]:
    """The series ends before this occurrence; a new event continues from it with the changes."""
    event = _event(request, event_id)
    new = event_services.series_update_from(
        event=event,
        recurrence_id=parse_occurrence_key(occurrence),
        by=http.viewer(request),
        **_patch_fields(payload),
    )
    return Status(201, _event_out(request, _event(request, new.pk)))


@router.get(
    "/{event_id}/occurrences/{occurrence}/rsvp",
    response={200: RsvpOut, **ERRORS},
    summary="My answer",
)
def get_rsvp(request: HttpRequest, event_id: Id, occurrence: str) -> RsvpOut:
    event = _event(request, event_id)
    occ = recurrence.occurrence_at(event, parse_occurrence_key(occurrence))
    return _rsvp_out(http.viewer(request), event, occ.recurrence_id)


@router.put(
    "/{event_id}/occurrences/{occurrence}/rsvp",
    response={200: RsvpOut, **ERRORS},
    summary="Answer",
)
def set_rsvp(request: HttpRequest, event_id: Id, occurrence: str, payload: RsvpIn) -> RsvpOut:
    """Going (on the waiting list when full), maybe or not going."""
    event = _event(request, event_id)
    rsvp = rsvp_services.rsvp_set(
        event=event,
        recurrence_id=parse_occurrence_key(occurrence),
        user=http.viewer(request),
        status=payload.status,
    )
    return _rsvp_out(http.viewer(request), event, rsvp.occurrence)


@router.get(
    "/{event_id}/occurrences/{occurrence}/attendees",
    response={200: Attendees, **ERRORS},
    summary="Who comes",
)
def list_attendees(request: HttpRequest, event_id: Id, occurrence: str) -> Attendees:
    """Answers for one occurrence (the waiting list in its order)."""
    event = _event(request, event_id)
    occ = recurrence.occurrence_at(event, parse_occurrence_key(occurrence))
    found = selectors.attendees(
        viewer=http.viewer(request), event=event, recurrence_id=occ.recurrence_id
    )
    return Attendees(**{status: [_person(p) for p in people] for status, people in found.items()})
