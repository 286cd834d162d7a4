"""/api/v1/wiki: pages, their revisions, diffs and restore.

The same rules as the pages: a page one may not read is 404, like one that does not exist.
A change names the revision it starts from (``base_revision``); when someone saved after it,
the answer is 409 ``edit_conflict`` and nothing is written.
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, Error, Id, PersonRef
from hanse.communities.selectors import get_community_for
from hanse.core import http
from hanse.wiki import markup, rules, selectors, services
from hanse.wiki.models import Page, Revision

router = Router(tags=["wiki"])
WRITE_ERRORS = {**ERRORS, 409: Error}


def _person(user: object | None) -> PersonRef | None:
    if user is None:
        return None
    return PersonRef.of(user)


class PageSummary(Schema):
    id: int
    title: str
    community: str | None = Field(description="The community's slug; null: company-wide.")
    parent_id: int | None
    is_template: bool
    revision: int = Field(description="The number of the current revision.")
    updated_at: datetime
    reviewed_at: datetime | None


class PageOut(PageSummary):
    body: str = Field(description="The Markdown source.")
    html: str = Field(description="The rendered, sanitised HTML.")
    base_revision: int | None = Field(description="Send this id back when you change the page.")
    authors: list[PersonRef]
    may_edit: bool


class PagePage(OffsetPage[PageSummary]):
    pass


class PageRevisionOut(Schema):
    number: int
    title: str
    body: str
    note: str
    author: PersonRef | None
    created_at: datetime


class PageRevisionPage(OffsetPage[PageRevisionOut]):
    pass


class SegmentOut(Schema):
    op: str = Field(description='"same", "added" or "removed".')
    text: str


class DiffOut(Schema):
    older: int
    newer: int
    title: list[SegmentOut]
    body: list[SegmentOut]


class PageIn(Schema):
    community: str | None = Field(None, description="A community's slug; null: company-wide.")
    title: str = Field(max_length=200)
    body: str = ""
    parent_id: int | None = None
    note: str = Field("", max_length=300)
    is_template: bool = False


class PageUpdate(Schema):
    title: str = Field(max_length=200)
    body: str = ""
    parent_id: int | None = None
    note: str = Field("", max_length=300)
    base_revision: int | None = Field(
        description="The id of the revision the change starts from; null overwrites."
    )


class PageQuery(OffsetQuery):
    community: str | None = Field(None, description="A community's slug; empty: company-wide.")


def _summary(page: Page) -> PageSummary:
    return PageSummary(
        id=page.pk,
        title=page.title,
        community=page.community.slug if page.community else None,
        parent_id=page.parent_id,
        is_template=page.is_template,
        revision=page.revision_count,
        updated_at=page.updated_at,
        reviewed_at=page.reviewed_at,
    )


def _page_out(request: HttpRequest, page: Page) -> PageOut:
    viewer = http.viewer(request)
    return PageOut(
        **_summary(page).dict(),
        body=page.body,
        html=page.body_html,
        base_revision=page.current_revision_id,
        authors=[p for p in (_person(a) for a in selectors.authors_of(page)) if p],
        may_edit=rules.may_edit_page(viewer, page),
    )


def _revision_out(revision: Revision) -> PageRevisionOut:
    return PageRevisionOut(
        number=revision.number,
        title=revision.title,
        body=revision.body,
        note=revision.note,
        author=_person(revision.author),
        created_at=revision.created_at,
    )


def _page(request: HttpRequest, page_id: int) -> Page:
    return selectors.get_page_for(viewer=http.viewer(request), page_id=page_id)


def _parent(request: HttpRequest, parent_id: int | None) -> Page | None:
    return None if parent_id is None else _page(request, parent_id)


@router.get("/pages", response={200: PagePage, **ERRORS}, summary="List pages")
def list_pages(request: HttpRequest, query: Query[PageQuery]) -> PagePage:
    """The pages of a community's wiki, or the company-wide pages, by title."""
    viewer = http.viewer(request)
    community = get_community_for(viewer=viewer, slug=query.community) if query.community else None
    if community is not None and not rules.may_read_wiki_of(viewer, community):
        raise Http404
    pages = selectors.pages_of(viewer=viewer, community=community)
    return PagePage(**offset_page(pages, query, _summary))


@router.post("/pages", response={201: PageOut, **WRITE_ERRORS}, summary="Create a page")
def create_page(request: HttpRequest, payload: PageIn) -> Status[PageOut]:
    viewer = http.viewer(request)
    community = (
        get_community_for(viewer=viewer, slug=payload.community) if payload.community else None
    )
    if community is not None and not rules.may_read_wiki_of(viewer, community):
        raise Http404
    page = services.page_create(
        by=viewer,
        community=community,
        title=payload.title,
        body=payload.body,
        parent=_parent(request, payload.parent_id),
        note=payload.note,
        is_template=payload.is_template,
    )
    return Status(201, _page_out(request, _page(request, page.pk)))


@router.get("/pages/{page_id}", response={200: PageOut, **ERRORS}, summary="Get a page")
def get_page(request: HttpRequest, page_id: Id) -> PageOut:
    return _page_out(request, _page(request, page_id))


@router.put("/pages/{page_id}", response={200: PageOut, **WRITE_ERRORS}, summary="Change a page")
def update_page(request: HttpRequest, page_id: Id, payload: PageUpdate) -> PageOut:
    """Save a new revision; 409 when someone saved after ``base_revision``."""
    page = _page(request, page_id)
    services.page_update(
        page=page,
        by=http.viewer(request),
        title=payload.title,
        body=payload.body,
        base_revision_id=payload.base_revision,
        note=payload.note,
        parent=_parent(request, payload.parent_id),
    )
    return _page_out(request, _page(request, page_id))


@router.get(
    "/pages/{page_id}/revisions",
    response={200: PageRevisionPage, **ERRORS},
    summary="List a page's revisions",
)
def list_revisions(
    request: HttpRequest, page_id: Id, query: Query[OffsetQuery]
) -> PageRevisionPage:
    page = _page(request, page_id)
    return PageRevisionPage(**offset_page(selectors.revisions_of(page=page), query, _revision_out))


@router.get(
    "/pages/{page_id}/revisions/{number}",
    response={200: PageRevisionOut, **ERRORS},
    summary="Get a revision",
)
def get_revision(request: HttpRequest, page_id: Id, number: Id) -> PageRevisionOut:
    page = _page(request, page_id)
    viewer = http.viewer(request)
    return _revision_out(selectors.get_revision_for(viewer=viewer, page=page, number=number))


@router.get("/pages/{page_id}/diff", response={200: DiffOut, **ERRORS}, summary="Compare")
def diff(request: HttpRequest, page_id: Id, older: Id, newer: Id) -> DiffOut:
    """The word-level difference between two revisions (by their numbers)."""
    page = _page(request, page_id)
    viewer = http.viewer(request)
    a = selectors.get_revision_for(viewer=viewer, page=page, number=older)
    b = selectors.get_revision_for(viewer=viewer, page=page, number=newer)
    return DiffOut(
        older=a.number,
        newer=b.number,
        title=[SegmentOut(op=s.op, text=s.text) for s in markup.word_diff(a.title, b.title)],
        body=[SegmentOut(op=s.op, text=s.text) for s in markup.word_diff(a.body, b.body)],
    )


@router.post(
    "/pages/{page_id}/revisions/{number}/restore",
    response={200: PageOut, **WRITE_ERRORS},
    summary="Restore a revision",
)
def restore(request: HttpRequest, page_id: Id, number: Id) -> PageOut:
    page = _page(request, page_id)
    viewer = http.viewer(request)
    revision = selectors.get_revision_for(viewer=viewer, page=page, number=number)
    services.page_restore(page=page, by=viewer, revision=revision)
    return _page_out(request, _page(request, page_id))
