"""Writes of the file library: folders, uploads, new versions, descriptions, the bin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import uploads
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.files import tasks
from hanse.files.models import FileVersion, Folder, FolderWatch, LibraryFile, LibraryWatch
from hanse.files.rules import (
    may_change_file,
    may_change_folder,
    may_delete_folder,
    may_read_library_of,
    may_upload_in,
)
from hanse.jobs.outbox import enqueue_on_commit

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.people.models import User

# What the library accepts: the same types and size limit as attachments (core/uploads.py),
# more files at once (a folder's worth dropped in one go).
LIBRARY = uploads.UploadPolicy(model="files.FileVersion", folder="library", max_files=20)
MAX_FOLDER_DEPTH = 8


def _clean_name(name: str, what: str = "file") -> str:
    cleaned = uploads.sanitise_name(name)
    if not " ".join((name or "").split()):
        raise ServiceError(_("Please give a name."), code="name_missing")
    return cleaned[:120] if what == "folder" else cleaned


def folder_create(
    *, by: User, community: Community, name: str, parent: Folder | None = None
) -> Folder:
    """A new folder in the library (or inside another folder of the same library)."""
    if not may_upload_in(by, community):
        raise PermissionRefused(_("Only members may add folders to the library."))
    if parent is not None:
        if parent.community_id != community.pk:
            raise ServiceError(_("The folder belongs to another library."), code="elsewhere")
        depth, node = 1, parent
        while node.parent_id is not None and depth <= MAX_FOLDER_DEPTH:
            node = node.parent  # type: ignore[assignment]
            depth += 1
        if depth >= MAX_FOLDER_DEPTH:
            raise ServiceError(
                _("Folders can be nested at most %(max)d levels deep.") % {"max": MAX_FOLDER_DEPTH},
                code="too_deep",
            )
    try:
        with transaction.atomic():
            return Folder.objects.create(
                community=community, parent=parent, name=_clean_name(name, "folder"), created_by=by
            )
    except IntegrityError as exc:
        raise ServiceError(
            _("A folder with this name exists here already."), code="folder_exists"
        ) from exc


def folder_delete(*, folder: Folder, by: User) -> None:
    """Remove an empty folder."""
    if not may_delete_folder(by, folder):
        raise PermissionRefused(_("You may not remove this folder."))
    if folder.subfolders.exists() or folder.files.filter(deleted_at__isnull=True).exists():
        raise ServiceError(_("Only an empty folder can be removed."), code="folder_not_empty")
    with transaction.atomic():
        doomed = FileVersion.objects.filter(file_entry__folder=folder)
        uploads.delete_files_on_commit(list(doomed))
        folder.delete()


def _version(
    entry: LibraryFile, item: uploads.ValidatedFile, by: User, number: int, note: str
) -> FileVersion:
    return FileVersion(
        file_entry=entry,
        number=number,
        uploader=by,
        note=note,
        created_at=timezone.now(),
        **uploads.row_fields(item),
    )


def _queue_previews(versions: Sequence[FileVersion]) -> None:
    """The previews of new PDF versions, made by the task queue after the commit."""
    pdfs = [v.pk for v in versions if v.content_type == tasks.PDF]
    if pdfs:
        enqueue_on_commit(tasks.make_pdf_previews, pdfs)


def files_upload(
    *,
    by: User,
    community: Community,
    files: Sequence[UploadedFile],
    folder: Folder | None = None,
    description: str = "",
) -> list[LibraryFile]:
    """Add several files at once: each checked (count, size, type sniffed from the content)
    before anything is written, then stored with its first version."""
    if not may_upload_in(by, community):
        raise PermissionRefused(_("Only members may add files to the library."))
    if folder is not None and folder.community_id != community.pk:
        raise ServiceError(_("The folder belongs to another library."), code="elsewhere")
    if not files:
        raise ServiceError(_("Please choose at least one file."), code="no_files")
    validated = uploads.validate(files, LIBRARY, thumbnails=False)
    now = timezone.now()
    entries: list[LibraryFile] = []
    with uploads.removed_on_error(), transaction.atomic():
        for item in validated:
            entry = LibraryFile.objects.create(
                community=community,
                folder=folder,
                name=item.original_name,
                description=description[:2000],
                created_by=by,
                created_at=now,
                updated_at=now,
                version_count=1,
            )
            entries.append(entry)
        by_item = dict(zip([id(i) for i in validated], entries, strict=True))
        versions = uploads.store(
            validated, LIBRARY, lambda item: _version(by_item[id(item)], item, by, 1, "")
        )
        for entry, version in zip(entries, versions, strict=True):
            entry.current_version = version
            entry.save(update_fields=["current_version"])
        LibraryWatch.objects.get_or_create(community=community, user=by)
        ids = [v.pk for v in versions]
        enqueue_on_commit(tasks.read_texts, ids)
        _queue_previews(versions)
        enqueue_on_commit(tasks.notify_files_added, community.pk, [e.pk for e in entries], by.pk)
    return entries


def version_upload(
    *, entry: LibraryFile, by: User, upload: UploadedFile, note: str = ""
) -> FileVersion:
    """A new version of a file; the older ones stay and can still be downloaded."""
    if not may_upload_in(by, entry.community):
        raise PermissionRefused(_("Only members may upload new versions."))
    validated = uploads.validate([upload], LIBRARY, thumbnails=False)
    with uploads.removed_on_error(), transaction.atomic():
        locked = LibraryFile.objects.select_for_update().get(pk=entry.pk)
        number = locked.version_count + 1
        (version,) = uploads.store(
            validated, LIBRARY, lambda item: _version(locked, item, by, number, note[:300])
        )
        locked.current_version = version
        locked.version_count = number
        locked.updated_at = timezone.now()
        locked.save(update_fields=["current_version", "version_count", "updated_at"])
        enqueue_on_commit(tasks.read_texts, [version.pk])
        _queue_previews([version])
    entry.current_version = version
    entry.version_count = number
    return version


def file_update(
    *, entry: LibraryFile, by: User, name: str, description: str, folder: Folder | None
) -> LibraryFile:
    """Rename, describe or move a file."""
    if not may_change_file(by, entry):
        raise PermissionRefused(_("You may not change this file."))
    if folder is not None and folder.community_id != entry.community_id:
        raise ServiceError(_("The folder belongs to another library."), code="elsewhere")
    if folder != entry.folder and not may_upload_in(by, entry.community):
        raise PermissionRefused(_("You may not add files to this folder."))
    if len(description) > 2000:
        raise ServiceError(_("A description may have at most 2000 characters."), code="too_long")
    entry.name = _clean_name(name)
    entry.description = description
    entry.folder = folder
    entry.updated_at = timezone.now()
    entry.save(update_fields=["name", "description", "folder", "updated_at"])
    return entry


def file_trash(*, entry: LibraryFile, by: User) -> LibraryFile:
    """Put a file in the bin; it is removed for good after 30 days."""
    if not may_change_file(by, entry):
        raise PermissionRefused(_("You may not delete this file."))
    entry.deleted_at = timezone.now()
    entry.save(update_fields=["deleted_at"])
    return entry


def library_watch_set(*, community: Community, user: User, watching: bool) -> bool:
    if watching:
        LibraryWatch.objects.get_or_create(community=community, user=user)
    else:
        LibraryWatch.objects.filter(community=community, user=user).delete()
    return watching


def file_move(*, entry: LibraryFile, by: User, folder: Folder | None) -> LibraryFile:
    """Move a file into another folder of its library (None: the top level). Checked on both
    ends: the mover may change the file, and may add files where it goes."""
    return file_update(
        entry=entry, by=by, name=entry.name, description=entry.description, folder=folder
    )


def _depth_below(folder: Folder) -> int:
    """How many levels of subfolders lie below this folder (0: none)."""
    depth, level = 0, [folder.pk]
    while level and depth <= MAX_FOLDER_DEPTH:
        level = list(Folder.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        if level:
            depth += 1
    return depth


def folder_move(*, folder: Folder, by: User, parent: Folder | None) -> Folder:
    """Move a folder (with everything in it) into another folder of the same library, or to
    the top level. A folder never moves into itself or one of its own subfolders."""
    if not may_change_folder(by, folder):
        raise PermissionRefused(_("You may not move this folder."))
    if not may_upload_in(by, folder.community):
        raise PermissionRefused(_("You may not add files to this folder."))
    if parent is not None:
        if parent.community_id != folder.community_id:
            raise ServiceError(_("The folder belongs to another library."), code="elsewhere")
        node: Folder | None = parent
        parent_depth = 0
        while node is not None and parent_depth <= MAX_FOLDER_DEPTH:
            if node.pk == folder.pk:
                raise ServiceError(
                    _("A folder cannot be moved into itself or one of its subfolders."),
                    code="folder_cycle",
                )
            node = node.parent
            parent_depth += 1
        if parent_depth + 1 + _depth_below(folder) > MAX_FOLDER_DEPTH:
            raise ServiceError(
                _("Folders can be nested at most %(max)d levels deep.") % {"max": MAX_FOLDER_DEPTH},
                code="too_deep",
            )
    if parent == folder.parent:
        return folder
    try:
        with transaction.atomic():
            folder.parent = parent
            folder.save(update_fields=["parent"])
    except IntegrityError as exc:
        folder.parent = Folder.objects.get(pk=folder.pk).parent
        raise ServiceError(
            _("A folder with this name exists here already."), code="folder_exists"
        ) from exc
    return folder


def file_restore(*, entry: LibraryFile, by: User) -> LibraryFile:
    """Take a file out of the bin, back into its folder."""
    if entry.deleted_at is None:
        raise ServiceError(_("This file is not in the bin."), code="not_in_bin")
    if not may_change_file(by, entry):
        raise PermissionRefused(_("You may not restore this file."))
    entry.deleted_at = None
    entry.updated_at = timezone.now()
    entry.save(update_fields=["deleted_at", "updated_at"])
    return entry


def file_purge(*, entry: LibraryFile, by: User) -> None:
    """Delete a file in the bin for good, with all its versions and their stored bytes."""
    if entry.deleted_at is None:
        raise ServiceError(_("Only a file in the bin can be deleted for good."), code="not_in_bin")
    if not may_change_file(by, entry):
        raise PermissionRefused(_("You may not delete this file."))
    with transaction.atomic():
        uploads.delete_files_on_commit(list(FileVersion.objects.filter(file_entry=entry)))
        LibraryFile.objects.filter(pk=entry.pk).delete()


def folder_watch_set(*, folder: Folder, user: User, watching: bool) -> bool:
    """Follow (or stop following) new files in one folder of a library the person reads."""
    if not may_read_library_of(user, folder.community):
        raise PermissionRefused(_("You may not follow this folder."))
    if watching:
        FolderWatch.objects.get_or_create(folder=folder, user=user)
    else:
        FolderWatch.objects.filter(folder=folder, user=user).delete()
    return watching
