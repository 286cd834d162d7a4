"""Reads of the library, always through ``visible_to`` (404 for unknown and invisible alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import BigIntegerField, CharField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from hanse.chat.models import MessageAttachment
from hanse.files import rules
from hanse.files.models import FileVersion, Folder, FolderWatch, LibraryFile, LibraryWatch
from hanse.posts.models import Attachment

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


# --- every file of a community: the library, post attachments and chat files ------------------

# The columns of one row of the combined list; each source annotates exactly these, in this
# order, so that the three can be one UNION (sorted and paged in the database).
ENTRY_COLUMNS = (
    "e_source", "e_id", "e_name", "e_type", "e_size", "e_date", "e_person", "e_ref", "e_ref2",
    "e_place",
)  # fmt: skip
SOURCE_LIBRARY, SOURCE_POST, SOURCE_CHAT = "library", "post", "chat"
# The sort orders over those columns (the source and id make the order total).
ENTRY_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("e_name", "e_source", "e_id"),
    "-name": ("-e_name", "-e_source", "-e_id"),
    "date": ("e_date", "e_source", "e_id"),
    "-date": ("-e_date", "-e_source", "-e_id"),
    "size": ("e_size", "e_source", "e_id"),
    "-size": ("-e_size", "-e_source", "-e_id"),
}
SOURCES = (SOURCE_LIBRARY, SOURCE_POST, SOURCE_CHAT)


def _entry_type_filter(kind: str, column: str) -> Q | None:
    """The type filter of the "all files" view on one source's sniffed content type."""
    if kind == "image":
        return Q(**{f"{column}__startswith": "image/"})
    if kind == "pdf":
        return Q(**{column: "application/pdf"})
    if kind == "office":
        office = Q()
        for prefix in OFFICE_TYPES:
            office |= Q(**{f"{column}__startswith": prefix})
        return office
    if kind == "text":
        return Q(**{f"{column}__startswith": "text/"})
    return None


def _text(value: str | None) -> Value:
    return Value(value, output_field=CharField())


def _number() -> Value:
    return Value(None, output_field=BigIntegerField())


def _library_entries(viewer: User | None, community: Community) -> QuerySet[Any]:
    files = LibraryFile.objects.visible_to(viewer).filter(community=community)
    return files.annotate(
        e_source=_text(SOURCE_LIBRARY),
        e_id=F("pk"),
        e_name=F("name"),
        e_type=F("current_version__content_type"),
        e_size=F("current_version__size"),
        e_date=F("updated_at"),
        e_person=F("created_by_id"),
        e_ref=F("folder_id"),
        e_ref2=_number(),
        e_place=F("folder__name"),
    )


def _post_entries(viewer: User | None, community: Community) -> QuerySet[Any]:
    # Attachments of the community's posts and of comments on them, as the attachments' own
    # visible_to allows (the post's visibility: moderation, deletion, membership).
    files = Attachment.objects.visible_to(viewer).filter(
        Q(post__community=community) | Q(comment__post__community=community)
    )
    return files.annotate(
        e_source=_text(SOURCE_POST),
        e_id=F("pk"),
        e_name=F("original_name"),
        e_type=F("content_type"),
        e_size=F("size"),
        e_date=F("created_at"),
        e_person=F("uploader_id"),
        e_ref=Coalesce("post_id", "comment__post_id"),
        e_ref2=F("comment_id"),
        e_place=_text(None),
    )


def _chat_entries(viewer: User | None, community: Community) -> QuerySet[Any]:
    files = MessageAttachment.objects.visible_to(viewer).filter(
        message__channel__community=community
    )
    return files.annotate(
        e_source=_text(SOURCE_CHAT),
        e_id=F("pk"),
        e_name=F("original_name"),
        e_type=F("content_type"),
        e_size=F("size"),
        e_date=F("message__created_at"),
        e_person=F("message__author_id"),
        e_ref=F("message__channel_id"),
        e_ref2=F("message_id"),
        e_place=F("message__channel__name"),
    )


def community_files(
    *,
    viewer: User | None,
    community: Community,
    sort: str = "name",
    kind: str = "",
    person_id: int | None = None,
    source: str = "",
) -> QuerySet[Any]:
    """Every file of a community the person may see, wherever it lives: the library, the
    attachments of its posts and comments, the files of its chat channels. Each source asks
    its own ``visible_to``; one UNION sorts and pages them (rows of ``ENTRY_COLUMNS``)."""
    parts = []
    for name, build in (
        (SOURCE_LIBRARY, _library_entries),
        (SOURCE_POST, _post_entries),
        (SOURCE_CHAT, _chat_entries),
    ):
        if source and source != name:
            continue
        part = build(viewer, community)
        type_q = _entry_type_filter(kind, "e_type")
        if type_q is not None:
            part = part.filter(type_q)
        if person_id is not None:
            part = part.filter(e_person=person_id)
        parts.append(part.values(*ENTRY_COLUMNS).order_by())
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by(*ENTRY_SORTS.get(sort, ENTRY_SORTS["name"]))


def community_file_people(*, viewer: User | None, community: Community) -> list[int]:
    """The people who shared the files this person sees in a community (for the filter)."""
    parts = [
        build(viewer, community).values("e_person").order_by()
        for build in (_library_entries, _post_entries, _chat_entries)
    ]
    first, *rest = parts
    return [row["e_person"] for row in first.union(*rest)[:500] if row["e_person"] is not None]


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
