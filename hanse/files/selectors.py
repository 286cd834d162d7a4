"""Reads of the library, always through ``visible_to`` (404 for unknown and invisible alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from hanse.files import rules
from hanse.files.models import FileVersion, Folder, FolderWatch, LibraryFile, LibraryWatch

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


# --- the bin ---------------------------------------------------------------------------------


def bin_of(*, viewer: User | None, community: Community) -> QuerySet[LibraryFile]:
    """The files in a library's bin this person may see and restore (``rules.bin_scope``),
    most recently deleted first."""
    scope = rules.bin_scope(viewer, community)
    if scope is None:
        return LibraryFile.objects.none()
    return (
        LibraryFile.objects.in_bin_visible_to(viewer)
        .filter(scope, community=community)
        .select_related("folder", "created_by", "current_version")
        .order_by("-deleted_at", "pk")
    )


def get_binned_file_for(*, viewer: User | None, community: Community, file_id: int) -> LibraryFile:
    """A file in the bin that this person may restore or delete for good; 404 otherwise."""
    entry = bin_of(viewer=viewer, community=community).filter(pk=file_id).first()
    if entry is None:
        raise Http404
    return entry


# --- every file of a library, across folders ---------------------------------------------------

# The sort orders of the "all files" view: the parameter's value and the ordering.
ALL_FILES_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "date": ("updated_at", "pk"),
    "-date": ("-updated_at", "-pk"),
    "size": ("current_version__size", "pk"),
    "-size": ("-current_version__size", "-pk"),
}
OFFICE_TYPES = (
    "application/msword",
    "application/vnd.ms-",
    "application/vnd.openxmlformats",
    "application/vnd.oasis.opendocument",
)


def _type_filter(kind: str) -> Q | None:
    if kind == "image":
        return Q(current_version__content_type__startswith="image/")
    if kind == "pdf":
        return Q(current_version__content_type="application/pdf")
    if kind == "office":
        office = Q()
        for prefix in OFFICE_TYPES:
            office |= Q(current_version__content_type__startswith=prefix)
        return office
    if kind == "text":
        return Q(current_version__content_type__startswith="text/")
    return None


FILE_TYPES = ("image", "pdf", "office", "text")


def all_files(
    *, viewer: User | None, community: Community, sort: str = "name", kind: str = ""
) -> QuerySet[LibraryFile]:
    """Every file of a library whatever its folder, sorted and filtered by type."""
    files = _files(viewer).filter(community=community)
    type_q = _type_filter(kind)
    if type_q is not None:
        files = files.filter(type_q)
    return files.order_by(*ALL_FILES_SORTS.get(sort, ALL_FILES_SORTS["name"]))


def folder_choices(
    *, viewer: User | None, community: Community, skip: Folder | None = None
) -> list[tuple[Folder, str]]:
    """The library's folders in tree order with their full path, for "move to" lists;
    without ``skip`` and everything inside it (where that folder cannot move)."""
    folders = list(folders_of(viewer=viewer, community=community))
    children: dict[int | None, list[Folder]] = {}
    for f in folders:
        children.setdefault(f.parent_id, []).append(f)
    out: list[tuple[Folder, str]] = []

    def walk(parent_id: int | None, prefix: str, depth: int) -> None:
        for f in children.get(parent_id, []):
            if skip is not None and f.pk == skip.pk:
                continue
            label = f"{prefix}{f.name}"
            out.append((f, label))
            if depth < 10:
                walk(f.pk, f"{label} / ", depth + 1)

    walk(None, "", 0)
    return out


def is_watching_folder(*, folder: Folder, user: User) -> bool:
    return FolderWatch.objects.filter(folder=folder, user=user).exists()
