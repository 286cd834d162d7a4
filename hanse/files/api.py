"""/api/v1/library: a community's folders and files, their versions, uploads.

A file one may not see is 404, like one that does not exist. Downloads go through the
``download`` address of each version (the same permission check as the pages).
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, Id, PersonRef
from hanse.communities.models import Community
from hanse.communities.selectors import get_community_for
from hanse.core import http
from hanse.files import rules, selectors, services
from hanse.files.models import FileVersion, Folder, LibraryFile

router = Router(tags=["library"])


class FolderOut(Schema):
    id: int
    name: str
    parent_id: int | None


class VersionOut(Schema):
    number: int
    original_name: str
    content_type: str
    size: int
    note: str
    uploader: PersonRef | None
    created_at: datetime
    download: str = Field(description="The address of the bytes (permission-checked).")


class FileOut(Schema):
    id: int
    name: str
    description: str
    community: str
    folder_id: int | None
    version_count: int
    current: VersionOut | None
    updated_at: datetime


class FilePage(OffsetPage[FileOut]):
    pass


class FolderPage(OffsetPage[FolderOut]):
    pass


class VersionPage(OffsetPage[VersionOut]):
    pass


class FileQuery(OffsetQuery):
    folder: int | None = Field(None, description="A folder's id; empty: the top level.")


class FolderIn(Schema):
    name: str = Field(max_length=120)
    parent_id: int | None = None


def _person(user: object | None) -> PersonRef | None:
    if user is None:
        return None
    return PersonRef.of(user)


def _version_out(version: FileVersion) -> VersionOut:
    return VersionOut(
        number=version.number,
        original_name=version.original_name,
        content_type=version.content_type,
        size=version.size,
        note=version.note,
        uploader=_person(version.uploader),
        created_at=version.created_at,
        download=version.get_absolute_url(),
    )


def _file_out(entry: LibraryFile) -> FileOut:
    return FileOut(
        id=entry.pk,
        name=entry.name,
        description=entry.description,
        community=entry.community.slug,
        folder_id=entry.folder_id,
        version_count=entry.version_count,
        current=_version_out(entry.current_version) if entry.current_version else None,
        updated_at=entry.updated_at,
    )


def _library(request: HttpRequest, slug: str) -> Community:
    viewer = http.viewer(request)
    community = get_community_for(viewer=viewer, slug=slug)
    if not rules.may_read_library_of(viewer, community):
        raise Http404
    return community


def _folder(request: HttpRequest, community: Community, folder_id: int | None) -> Folder | None:
    if folder_id is None:
        return None
    return selectors.get_folder_for(
        viewer=http.viewer(request), community=community, folder_id=folder_id
    )


@router.get("/{slug}/folders", response={200: FolderPage, **ERRORS}, summary="List folders")
def list_folders(request: HttpRequest, slug: str, query: Query[OffsetQuery]) -> FolderPage:
    community = _library(request, slug)
    folders = selectors.folders_of(viewer=http.viewer(request), community=community)
    return FolderPage(
        **offset_page(
            folders, query, lambda f: FolderOut(id=f.pk, name=f.name, parent_id=f.parent_id)
        )
    )


@router.post("/{slug}/folders", response={201: FolderOut, **ERRORS}, summary="Create a folder")
def create_folder(request: HttpRequest, slug: str, payload: FolderIn) -> Status[FolderOut]:
    community = _library(request, slug)
    folder = services.folder_create(
        by=http.viewer(request),
        community=community,
        name=payload.name,
        parent=_folder(request, community, payload.parent_id),
    )
    return Status(201, FolderOut(id=folder.pk, name=folder.name, parent_id=folder.parent_id))


@router.get("/{slug}/files", response={200: FilePage, **ERRORS}, summary="List files")
def list_files(request: HttpRequest, slug: str, query: Query[FileQuery]) -> FilePage:
    """The files of one folder (or the top level), by name."""
    community = _library(request, slug)
    _folders, files = selectors.folder_contents(
        viewer=http.viewer(request),
        community=community,
        folder=_folder(request, community, query.folder),
    )
    return FilePage(
        **offset_page(files.select_related("current_version__uploader"), query, _file_out)
    )


@router.post("/{slug}/files", response={201: list[FileOut], **ERRORS}, summary="Upload files")
def upload_files(
    request: HttpRequest,
    slug: str,
    files: File[list[UploadedFile]],
    folder: Form[int | None] = None,
    description: Form[str] = "",
) -> Status[list[FileOut]]:
    """Several files at once (multipart ``files``), checked as attachments are."""
    community = _library(request, slug)
    added = services.files_upload(
        by=http.viewer(request),
        community=community,
        files=files,
        folder=_folder(request, community, folder),
        description=description,
    )
    viewer = http.viewer(request)
    return Status(
        201, [_file_out(selectors.get_file_for(viewer=viewer, file_id=e.pk)) for e in added]
    )


@router.get("/files/{file_id}", response={200: FileOut, **ERRORS}, summary="Get a file")
def get_file(request: HttpRequest, file_id: Id) -> FileOut:
    return _file_out(selectors.get_file_for(viewer=http.viewer(request), file_id=file_id))


@router.get(
    "/files/{file_id}/versions", response={200: VersionPage, **ERRORS}, summary="List versions"
)
def list_versions(request: HttpRequest, file_id: Id, query: Query[OffsetQuery]) -> VersionPage:
    entry = selectors.get_file_for(viewer=http.viewer(request), file_id=file_id)
    return VersionPage(**offset_page(selectors.versions_of(entry=entry), query, _version_out))


@router.post(
    "/files/{file_id}/versions",
    response={201: VersionOut, **ERRORS},
    summary="Upload a new version",
)
def upload_version(
    request: HttpRequest, file_id: Id, file: File[UploadedFile], note: Form[str] = ""
) -> Status[VersionOut]:
    entry = selectors.get_file_for(viewer=http.viewer(request), file_id=file_id)
    version = services.version_upload(entry=entry, by=http.viewer(request), upload=file, note=note)
    return Status(201, _version_out(version))
