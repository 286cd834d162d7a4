"""Reads of the library, always through ``visible_to`` (404 for unknown and invisible alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from hanse.files.models import FileVersion, Folder, LibraryFile, LibraryWatch

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.people.models import User


def _files(viewer: User | None) -> QuerySet[LibraryFile]:
    return LibraryFile.objects.visible_to(viewer).select_related(
        "community", "folder", "created_by", "current_version"
    )


def get_file_for(*, viewer: User | None, file_id: int) -> LibraryFile:
    entry = _files(viewer).filter(pk=file_id).first()
    if entry is None:
        raise Http404
    return entry


def get_folder_for(*, viewer: User | None, community: Community, folder_id: int) -> Folder:
    folder = Folder.objects.visible_to(viewer).filter(pk=folder_id, community=community).first()
    if folder is None:
        raise Http404
    return folder


def get_version_for(*, viewer: User | None, file_id: int, number: int) -> FileVersion:
    version = (
        FileVersion.objects.visible_to(viewer)
        .select_related("file_entry")
        .filter(file_entry_id=file_id, number=number)
        .first()
    )
    if version is None:
        raise Http404
    return version


def folder_contents(
    *, viewer: User | None, community: Community, folder: Folder | None
) -> tuple[QuerySet[Folder], QuerySet[LibraryFile]]:
    """The subfolders and files of a folder (None: the library's top level)."""
    folders = Folder.objects.visible_to(viewer).filter(community=community, parent=folder)
    files = _files(viewer).filter(community=community, folder=folder).order_by("name")
    return folders.order_by("name"), files


def folder_path(folder: Folder | None) -> list[Folder]:
    """The folder and its ancestors, from the top."""
    chain: list[Folder] = []
    node = folder
    while node is not None and len(chain) < 10:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def folders_of(*, viewer: User | None, community: Community) -> QuerySet[Folder]:
    return Folder.objects.visible_to(viewer).filter(community=community).order_by("name")


def versions_of(*, entry: LibraryFile) -> QuerySet[FileVersion]:
    return entry.versions.select_related("uploader").order_by("-number")


def is_watching(*, community: Community, user: User) -> bool:
    return LibraryWatch.objects.filter(community=community, user=user).exists()
