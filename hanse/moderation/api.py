"""/api/v1/moderation: report content, the moderator's queue, decisions on a case.

The same rules as the pages: content one cannot see answers 404 like content that does not
exist; the queue is for community and platform moderators (403 for everyone else).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, Id, PersonRef
from hanse.core import http
from hanse.core.errors import PermissionRefused
from hanse.moderation import rules, selectors, services
from hanse.moderation.models import REASON_CHARS, Report

router = Router(tags=["moderation"])


class ModerationReportIn(Schema):
    kind: str = Field(max_length=32, description="post, comment, chat_message, event, ...")
    object_id: Id
    category: str = Field(
        max_length=20,
        description="spam, harassment, discrimination, confidential, inappropriate, other",
    )
    text: str = Field("", max_length=REASON_CHARS, description="Required for `other`.")


class ModerationReportOut(Schema):
    id: int
    kind: str
    object_id: int
    category: str
    text: str
    status: str = Field(description="open or resolved")
    outcome: str = Field(description="hidden, removed, dismissed; empty while open")
    created_at: datetime


class ModerationQueueItem(ModerationReportOut):
    reporter: PersonRef | None
    author: PersonRef | None
    community: str | None = Field(description="The community's slug; null: company-wide.")
    excerpt: str = Field(description="The content's text when it was reported.")


class ModerationQueuePage(OffsetPage[ModerationQueueItem]):
    pass


class ModerationDecisionIn(Schema):
    action: Literal["hide", "remove", "restore", "dismiss", "warn"]
    reason: str = Field("", max_length=REASON_CHARS, description="Required for hide, remove, warn.")


class ModerationDecisionOut(Schema):
    kind: str
    object_id: int
    state: str = Field(description="visible, hidden or removed")


def _person(user: object | None) -> PersonRef | None:
    if user is None:
        return None
    return PersonRef.of(user)


def _report(r: Report) -> ModerationReportOut:
    return ModerationReportOut(
        id=r.pk,
        kind=r.kind,
        object_id=r.object_id,
        category=r.category,
        text=r.text,
        status=r.status,
        outcome=r.outcome,
        created_at=r.created_at,
    )


def _queue_item(r: Report) -> ModerationQueueItem:
    return ModerationQueueItem(
        **_report(r).dict(),
        reporter=_person(r.reporter),
        author=_person(r.author),
        community=r.community.slug if r.community else None,
        excerpt=r.excerpt,
    )


@router.post("/reports", response={201: ModerationReportOut, **ERRORS}, summary="Report content")
def create_report(request: HttpRequest, payload: ModerationReportIn) -> Status[ModerationReportOut]:
    """Report content the person can see; one open report per person and content."""
    report = services.report_create(
        reporter=http.viewer(request),
        kind=payload.kind,
        object_id=payload.object_id,
        category=payload.category,
        text=payload.text,
    )
    return Status(201, _report(report))


@router.get("/queue", response={200: ModerationQueuePage, **ERRORS}, summary="Moderation queue")
def queue(request: HttpRequest, query: Query[OffsetQuery]) -> ModerationQueuePage:
    """Open reports the person may decide on, oldest first."""
    viewer = http.viewer(request)
    if not rules.may_see_queue(viewer):
        raise PermissionRefused(_("Only moderators have a moderation queue."))
    reports = (
        selectors.queue_for(viewer)
        .select_related("reporter", "author", "community")
        .order_by("created_at", "id")
    )
    return ModerationQueuePage(**offset_page(reports, query, _queue_item))


@router.post(
    "/content/{kind}/{object_id}/decision",
    response={200: ModerationDecisionOut, **ERRORS},
    summary="Decide on reported content",
)
def decide(
    request: HttpRequest, kind: str, object_id: Id, payload: ModerationDecisionIn
) -> ModerationDecisionOut:
    viewer = http.viewer(request)
    service = {
        "hide": services.content_hide,
        "remove": services.content_remove,
        "restore": services.content_restore,
        "dismiss": services.reports_dismiss,
        "warn": services.person_warn,
    }[payload.action]
    service(by=viewer, kind=kind, object_id=object_id, reason=payload.reason)
    hiding = selectors.hiding_of(kind, object_id)
    return ModerationDecisionOut(
        kind=kind, object_id=object_id, state=hiding.state if hiding else "visible"
    )
