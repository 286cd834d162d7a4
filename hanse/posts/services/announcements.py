"""Writes for company announcements: drafting, publishing, reading, confirming, and the
recorded look at the named list of open confirmations."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.audit import context as audit_context
from hanse.audit import services as audit
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.core.text import MAX_SOURCE_CHARS, TextTooLongError, render_markdown
from hanse.people.models import OrgUnit, User
from hanse.posts import events
from hanse.posts.models import Announcement, AnnouncementRead, ComplianceListAccess
from hanse.posts.rules import may_manage_announcement, may_publish_announcement
from hanse.posts.selectors.announcements import unconfirmed_addressees

TITLE_MAX = 160
Via = Literal["web", "csv", "api"]
VIA_VALUES = ("web", "csv", "api")


# --- permissions -----------------------------------------------------------------------------


def _require_manage(user: User, announcement: Announcement) -> None:
    if not may_manage_announcement(user, announcement):
        raise PermissionRefused(
            _("Only the author or an administrator may change this announcement.")
        )


# --- validation ------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("Please give the announcement a title."), code="title_required")
    if len(title) > TITLE_MAX:
        raise ServiceError(
            _("The title may be at most 160 characters long."), code="title_too_long"
        )
    return title


def _render_body(body: str) -> tuple[str, str]:
    body = (body or "").strip()
    if not body:
        raise ServiceError(_("Please write the text of the announcement."), code="body_required")
    if len(body) > MAX_SOURCE_CHARS:
        raise ServiceError(
            _("The text may be at most 20,000 characters long."), code="body_too_long"
        )
    try:
        return body, render_markdown(body)
    except TextTooLongError as exc:  # the renderer counts after normalisation
        raise ServiceError(
            _("The text may be at most 20,000 characters long."), code="body_too_long"
        ) from exc


def _check_times(*, publish_at: datetime, expires_at: datetime | None) -> None:
    if timezone.is_naive(publish_at) or (expires_at is not None and timezone.is_naive(expires_at)):
        raise ServiceError(_("Please give times with a time zone."), code="naive_time")
    if expires_at is not None and expires_at <= publish_at:
        raise ServiceError(
            _("The announcement must expire after it is published."), code="expires_before_publish"
        )


def _units(audience_units: Iterable[OrgUnit]) -> list[OrgUnit]:
    units = list({unit.pk: unit for unit in audience_units}.values())
    if any(unit.pk is None for unit in units):
        raise ServiceError(_("Please choose existing org units."), code="invalid_unit")
    return units


# --- writes ----------------------------------------------------------------------------------


def announcement_create(
    *,
    author: User,
    title: str,
    body: str,
    audience_units: Iterable[OrgUnit] = (),
    is_draft: bool = True,
    publish_at: datetime | None = None,
    expires_at: datetime | None = None,
    must_read: bool = False,
) -> Announcement:
    """Write an announcement: a draft, published now, or scheduled for ``publish_at``."""
    if not may_publish_announcement(author):
        raise PermissionRefused(
            _("Only people with the communications role may write announcements.")
        )
    title = _clean_title(title)
    body, body_html = _render_body(body)
    now = timezone.now()
    publish_at = publish_at or now
    _check_times(publish_at=publish_at, expires_at=expires_at)
    units = _units(audience_units)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            author=author,
            title=title,
            body=body,
            body_html=body_html,
            is_draft=is_draft,
            publish_at=publish_at,
            expires_at=expires_at,
            must_read=must_read,
            created_at=now,
            updated_at=now,
        )
        if units:
            announcement.audience_units.set(units)
        if not is_draft and must_read:
            events.announcement_published_on_commit(announcement.pk)
    return announcement


def announcement_update(
    *,
    announcement: Announcement,
    by: User,
    title: str,
    body: str,
    audience_units: Iterable[OrgUnit],
    publish_at: datetime,
    expires_at: datetime | None,
    must_read: bool,
    is_draft: bool | None = None,
) -> Announcement:
    """Change an announcement's text, audience and times (author or administrator)."""
    _require_manage(by, announcement)
    title = _clean_title(title)
    body, body_html = _render_body(body)
    _check_times(publish_at=publish_at, expires_at=expires_at)
    units = _units(audience_units)
    with transaction.atomic():
        announcement.title = title
        announcement.body = body
        announcement.body_html = body_html
        announcement.publish_at = publish_at
        announcement.expires_at = expires_at
        announcement.must_read = must_read
        if is_draft is not None:
            announcement.is_draft = is_draft
        announcement.updated_at = timezone.now()
        announcement.save(
            update_fields=[
                "title",
                "body",
                "body_html",
                "publish_at",
                "expires_at",
                "must_read",
                "is_draft",
                "updated_at",
            ]
        )
        announcement.audience_units.set(units)
        if not announcement.is_draft and must_read:
            events.announcement_published_on_commit(announcement.pk)
    return announcement


def announcement_publish(
    *, announcement: Announcement, by: User, publish_at: datetime | None = None
) -> Announcement:
    """Publish now, or schedule for ``publish_at``; it appears by itself when the time comes."""
    _require_manage(by, announcement)
    publish_at = publish_at or timezone.now()
    _check_times(publish_at=publish_at, expires_at=announcement.expires_at)
    with transaction.atomic():
        announcement.is_draft = False
        announcement.publish_at = publish_at
        announcement.updated_at = timezone.now()
        announcement.save(update_fields=["is_draft", "publish_at", "updated_at"])
        if announcement.must_read:
            events.announcement_published_on_commit(announcement.pk)
    return announcement


def announcement_unpublish(*, announcement: Announcement, by: User) -> Announcement:
    """Take an announcement back to the drafts; readers no longer see it."""
    _require_manage(by, announcement)
    with transaction.atomic():
        announcement.is_draft = True
        announcement.updated_at = timezone.now()
        announcement.save(update_fields=["is_draft", "updated_at"])
    return announcement


def announcement_delete(*, announcement: Announcement, by: User) -> None:
    """Delete an announcement with its reads (author or administrator).

    Announcements whose named list has been looked at are kept: that access log is evidence.
    """
    _require_manage(by, announcement)
    with transaction.atomic():
        if announcement.list_accesses.exists():
            raise ServiceError(
                _(
                    "This announcement's list of open confirmations has been viewed; it is "
                    "kept for the record. Unpublish it instead."
                ),
                code="has_access_log",
            )
        announcement.delete()


def _addressed(announcement: Announcement, user: User) -> bool:
    return Announcement.objects.addressed_to(user).filter(pk=announcement.pk).exists()


def _not_found() -> ServiceError:
    return ServiceError(_("This announcement does not exist."), code="not_found", status=404)


def _read_row(announcement: Announcement, user: User) -> tuple[AnnouncementRead, bool]:
    """The person's read row, created race-safely (the unique constraint decides)."""
    try:
        with transaction.atomic():
            return AnnouncementRead.objects.get_or_create(announcement=announcement, user=user)
    except IntegrityError:
        return AnnouncementRead.objects.get(announcement=announcement, user=user), False


def announcement_mark_read(*, announcement: Announcement, user: User) -> AnnouncementRead:
    """Dismiss an announcement from the top of the home feed. Must-reads need a confirmation."""
    if not _addressed(announcement, user):
        raise _not_found()
    if announcement.must_read:
        raise ServiceError(
            _("A must-read announcement stays until you confirm “Read and understood”."),
            code="must_confirm",
        )
    read, _created = _read_row(announcement, user)
    return read


def announcement_confirm(*, announcement: Announcement, user: User) -> AnnouncementRead:
    """Confirm a must-read with “read and understood”; confirming twice changes nothing."""
    if not _addressed(announcement, user):
        raise _not_found()
    if not announcement.must_read:
        raise ServiceError(_("Only must-read announcements are confirmed."), code="not_must_read")
    with transaction.atomic():
        read, _created = _read_row(announcement, user)
        if read.confirmed_at is None:
            # Only the first confirmation counts; a concurrent second one updates nothing.
            now = timezone.now()
            AnnouncementRead.objects.filter(pk=read.pk, confirmed_at__isnull=True).update(
                confirmed_at=now
            )
            read.refresh_from_db(fields=["confirmed_at"])
    return read


def compliance_list_view(*, announcement: Announcement, viewer: User, via: str) -> list[User]:
    """The people addressed by a must-read who have not confirmed it, by name. Allowed only when
    an administrator enabled it for this announcement; every look is recorded."""

    if via not in VIA_VALUES:
        raise ServiceError(_("Unknown way of access."), code="invalid_via")
    if not may_manage_announcement(viewer, announcement):
        raise PermissionRefused(
            _("Only the author or an administrator may see who has not confirmed.")
        )
    if not announcement.must_read:
        raise ServiceError(
            _("Only must-read announcements have a list of open confirmations."),
            code="not_must_read",
        )
    if not announcement.compliance_list_allowed:
        raise PermissionRefused(
            _("An administrator has not allowed a named list for this announcement.")
        )
    with transaction.atomic():
        ComplianceListAccess.objects.create(
            announcement=announcement, viewer=viewer, via=via, accessed_at=timezone.now()
        )
        people = list(unconfirmed_addressees(announcement=announcement))
        audit.record(
            "posts.named_list_viewed",
            actor=viewer,
            target=announcement,
            request=audit_context.current(),
            data={"via": via, "people": len(people)},
        )
    return people
