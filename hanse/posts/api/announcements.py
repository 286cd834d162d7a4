"""/api/v1/announcements: the same rules as the pages. Announcements a person is not meant to
see are 404; the named list of open confirmations is recorded like on the page."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import (
    ERRORS,
    DateTime,
    Id,
    PersonRef,
    UnitRef,
    limit_field,
)
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.people.models import OrgUnit
from hanse.posts.models import Announcement
from hanse.posts.rules import may_manage_announcement
from hanse.posts.selectors import announcements as selectors
from hanse.posts.services import announcements as services

router = Router(tags=["announcements"])

StatusLiteral = Literal["draft", "scheduled", "current", "expired"]


# --- schemas ---------------------------------------------------------------------------------


class AnnouncementOut(Schema):
    id: int
    title: str
    body: str = Field(description="The Markdown source.")
    body_html: str = Field(description="The text rendered as sanitised HTML.")
    author: PersonRef
    audience: list[UnitRef] = Field(
        description="The org units addressed (each with all units below it); empty: everyone."
    )
    status: StatusLiteral = Field(
        description="draft, scheduled (publish_at in the future), current or expired."
    )
    publish_at: datetime
    expires_at: datetime | None
    must_read: bool = Field(description="Readers confirm with “read and understood”.")
    read: bool = Field(description="Whether the caller has dismissed or confirmed it.")
    confirmed: bool = Field(description="Whether the caller has confirmed this must-read.")


class AnnouncementList(OffsetPage[AnnouncementOut]):
    """A page of announcements."""


class AnnouncementListQuery(OffsetQuery):
    scope: Literal["current", "pinned", "archive"] = Field(
        "current",
        description="current: published and not expired; pinned: what waits for the caller "
        "at the top of the home feed; archive: everything published, expired ones included.",
    )
    limit: int = limit_field(20, 100)


class AnnouncementIn(Schema):
    title: str = Field(description="1 to 160 characters.")
    body: str = Field(description="Markdown, at most 20,000 characters.")
    audience: list[Id] = Field(
        default_factory=list, description="Org unit ids; empty for the whole company."
    )
    is_draft: bool = Field(True, description="Save as a draft (true) or publish (false).")
    publish_at: DateTime | None = Field(
        None, description="When it appears; in the future to schedule. Default: now."
    )
    expires_at: DateTime | None = Field(None, description="When it stops being current.")
    must_read: bool = False


class AnnouncementPatch(Schema):
    """Only the fields sent are changed."""

    title: str | None = None
    body: str | None = None
    audience: list[Id] | None = Field(None, description="Org unit ids; empty for everyone.")
    is_draft: bool | None = None
    publish_at: DateTime | None = None
    expires_at: DateTime | None = Field(None, description="Send null to remove the expiry.")
    must_read: bool | None = None


class AnnouncementReadOut(Schema):
    read: bool
    confirmed: bool
    confirmed_at: datetime | None


class UnitStatsOut(Schema):
    unit: str = Field(description="The org unit's name (small units merged into their parent).")
    depth: int
    addressed: int | None = Field(description="Null when fewer than the minimum group size.")
    confirmed: int | None = Field(description="Null when fewer than the minimum group size.")
    share: int | None = Field(description="Confirmed share in percent; null when too small.")


class StatsOut(Schema):
    addressed: int | None = Field(description="Null when fewer than the minimum group size.")
    confirmed: int | None = Field(description="Null when it could single people out.")
    read: int | None = Field(description="Null for must-reads and when it could single out.")
    min_group_size: int
    units: list[UnitStatsOut]


class OpenPersonOut(Schema):
    username: str
    display_name: str
    email: str
    org_unit: str | None


class ComplianceListOut(Schema):
    count: int
    people: list[OpenPersonOut]


# --- helpers ---------------------------------------------------------------------------------


def _get(request: HttpRequest, announcement_id: Id) -> Announcement:
    return selectors.get_announcement_for(
        viewer=http.viewer(request), announcement_id=announcement_id
    )


def _managed(request: HttpRequest, announcement_id: Id) -> Announcement:
    announcement = _get(request, announcement_id)
    if not may_manage_announcement(http.viewer(request), announcement):
        raise ServiceError(
            _("Only the author or an administrator may do this."), code="forbidden", status=403
        )
    return announcement


def _status(announcement: Announcement) -> StatusLiteral:
    now = timezone.now()
    if announcement.is_draft:
        return "draft"
    if announcement.publish_at > now:
        return "scheduled"
    if announcement.expires_at is not None and announcement.expires_at <= now:
        return "expired"
    return "current"


def _out(announcement: Announcement) -> AnnouncementOut:
    return AnnouncementOut(
        id=announcement.pk,
        title=announcement.title,
        body=announcement.body,
        body_html=announcement.body_html,
        author=PersonRef.of(announcement.author),
        audience=[
            UnitRef(id=u.pk, slug=u.slug, name=u.name) for u in announcement.audience_units.all()
        ],
        status=_status(announcement),
        publish_at=announcement.publish_at,
        expires_at=announcement.expires_at,
        must_read=announcement.must_read,
        read=bool(getattr(announcement, "viewer_read", False)),
        confirmed=bool(getattr(announcement, "viewer_confirmed", False)),
    )


def _units(ids: list[int]) -> list[OrgUnit]:
    units = list(OrgUnit.objects.filter(pk__in=ids))
    if len(units) != len(set(ids)):
        raise ServiceError(_("Please choose existing org units."), code="invalid_unit")
    return units


def _naive_check(*values: datetime | None) -> None:
    if any(v is not None and timezone.is_naive(v) for v in values):
        raise ServiceError(_("Please give times with a time zone."), code="naive_time")


# --- endpoints -------------------------------------------------------------------------------


@router.get("", response={200: AnnouncementList, **ERRORS}, summary="List announcements")
def list_announcements(
    request: HttpRequest, filters: Query[AnnouncementListQuery]
) -> AnnouncementList:
    """Announcements the caller is meant to see, newest first."""
    viewer = http.viewer(request)
    if filters.scope == "pinned":
        pinned = selectors.pinned_announcements_for(viewer=viewer)
        ids = [a.pk for a in pinned]
        qs = selectors.announcements_archive(viewer=viewer).filter(pk__in=ids)
        by_id = {a.pk: a for a in qs.prefetch_related("audience_units")}
        return AnnouncementList(
            **offset_page([by_id[pk] for pk in ids if pk in by_id], filters, _out)
        )
    qs = selectors.announcements_archive(viewer=viewer)
    if filters.scope == "current":
        qs = qs.current()  # type: ignore[attr-defined]  # AnnouncementQuerySet
    return AnnouncementList(**offset_page(qs.prefetch_related("audience_units"), filters, _out))


@router.post("", response={201: AnnouncementOut, **ERRORS}, summary="Write an announcement")
def create_announcement(request: HttpRequest, payload: AnnouncementIn) -> Status[AnnouncementOut]:
    """Draft, publish or schedule an announcement (people with the communications role)."""
    _naive_check(payload.publish_at, payload.expires_at)
    announcement = services.announcement_create(
        author=http.viewer(request),
        title=payload.title,
        body=payload.body,
        audience_units=_units(payload.audience),
        is_draft=payload.is_draft,
        publish_at=payload.publish_at,
        expires_at=payload.expires_at,
        must_read=payload.must_read,
    )
    return Status(201, _out(_get(request, announcement.pk)))


@router.get("/{announcement_id}", response={200: AnnouncementOut, **ERRORS}, summary="Get one")
def get_announcement(request: HttpRequest, announcement_id: Id) -> AnnouncementOut:
    return _out(_get(request, announcement_id))


@router.patch("/{announcement_id}", response={200: AnnouncementOut, **ERRORS}, summary="Change one")
def update_announcement(
    request: HttpRequest, announcement_id: Id, payload: AnnouncementPatch
) -> AnnouncementOut:
    """Change text, audience, times or state (the author or an administrator)."""
    announcement = _managed(request, announcement_id)
    sent = payload.model_fields_set
    _naive_check(payload.publish_at, payload.expires_at)
    services.announcement_update(
        announcement=announcement,
        by=http.viewer(request),
        title=payload.title if payload.title is not None else announcement.title,
        body=payload.body if payload.body is not None else announcement.body,
        audience_units=(
            _units(payload.audience)
            if payload.audience is not None
            else list(announcement.audience_units.all())
        ),
        publish_at=payload.publish_at or announcement.publish_at,
        expires_at=payload.expires_at if "expires_at" in sent else announcement.expires_at,
        must_read=payload.must_read if payload.must_read is not None else announcement.must_read,
        is_draft=payload.is_draft,
    )
    return _out(_get(request, announcement_id))


@router.delete("/{announcement_id}", response={204: None, **ERRORS}, summary="Delete one")
def delete_announcement(request: HttpRequest, announcement_id: Id) -> Status[None]:
    services.announcement_delete(
        announcement=_managed(request, announcement_id), by=http.viewer(request)
    )
    return Status(204, None)


def _read_out(read: object) -> AnnouncementReadOut:
    confirmed_at = getattr(read, "confirmed_at", None)
    return AnnouncementReadOut(
        read=True, confirmed=confirmed_at is not None, confirmed_at=confirmed_at
    )


@router.post(
    "/{announcement_id}/read", response={200: AnnouncementReadOut, **ERRORS}, summary="Dismiss"
)
def read_announcement(request: HttpRequest, announcement_id: Id) -> AnnouncementReadOut:
    """Take the announcement off the caller's home feed. Must-reads need a confirmation."""
    read = services.announcement_mark_read(
        announcement=_get(request, announcement_id), user=http.viewer(request)
    )
    return _read_out(read)


@router.post(
    "/{announcement_id}/confirm",
    response={200: AnnouncementReadOut, **ERRORS},
    summary="Confirm “read and understood”",
)
def confirm_announcement(request: HttpRequest, announcement_id: Id) -> AnnouncementReadOut:
    """Confirm a must-read addressed to the caller; confirming again changes nothing."""
    read = services.announcement_confirm(
        announcement=_get(request, announcement_id), user=http.viewer(request)
    )
    return _read_out(read)


@router.get("/{announcement_id}/stats", response={200: StatsOut, **ERRORS}, summary="Figures")
def announcement_stats(request: HttpRequest, announcement_id: Id) -> StatsOut:
    """Addressed and confirmed counts per org unit, never for fewer than five people."""
    stats = selectors.announcement_stats(announcement=_managed(request, announcement_id))
    return StatsOut(
        addressed=stats.addressed,
        confirmed=stats.confirmed,
        read=stats.read,
        min_group_size=stats.min_group_size,
        units=[
            UnitStatsOut(
                unit=row.label,
                depth=row.depth,
                addressed=None if row.suppressed else row.addressed,
                confirmed=None if row.suppressed else row.confirmed,
                share=row.share,
            )
            for row in stats.rows
        ],
    )


@router.get(
    "/{announcement_id}/compliance-list",
    response={200: ComplianceListOut, **ERRORS},
    summary="Who has not confirmed (recorded)",
)
def compliance_list(request: HttpRequest, announcement_id: Id) -> ComplianceListOut:
    """The named list of people who have not confirmed a must-read. Only when an administrator
    allowed it for this announcement; every call is recorded with the caller and the time."""
    announcement = _managed(request, announcement_id)
    people = services.compliance_list_view(
        announcement=announcement, viewer=http.viewer(request), via="api"
    )
    return ComplianceListOut(
        count=len(people),
        people=[
            OpenPersonOut(
                username=p.username,
                display_name=p.display_name,
                email=p.email,
                org_unit=p.org_unit.name if p.org_unit else None,
            )
            for p in people
        ],
    )
