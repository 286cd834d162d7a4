"""What the file library stores about a person: the file versions they uploaded (with the
files), files and folders they created, and what they watch."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.files.models import FileVersion, Folder, FolderWatch, LibraryFile, LibraryWatch

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    versions = FileVersion.objects.filter(uploader=user).order_by("created_at")
    records += rows(
        versions,
        "id",
        "file_entry_id",
        "file_entry__name",
        "number",
        "note",
        "original_name",
        "content_type",
        "size",
        "created_at",
        kind="uploaded_version",
    )
    records += rows(
        LibraryFile.objects.filter(created_by=user).order_by("created_at"),
        "id",
        "name",
        "description",
        "community__name",
        "created_at",
        "deleted_at",
        kind="file_created",
    )
    records += rows(
        Folder.objects.filter(created_by=user).order_by("created_at"),
        "id",
        "name",
        "community__name",
        "created_at",
        kind="folder_created",
    )
    records += rows(
        LibraryWatch.objects.filter(user=user), "community__name", kind="library_watched"
    )
    records += rows(FolderWatch.objects.filter(user=user), "folder_id", kind="folder_watched")
    return personal_data.Export(records, personal_data.files_of(versions, "library"))


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Library versions one uploaded stay under the pseudonym or go (with their files and
    thumbnails); a file left without versions goes, one whose current version went shows its
    newest remaining one."""
    to = erasure.pseudonym
    personal_data.reassign(Folder.objects.filter(created_by=user), "created_by", to)
    mine = FileVersion.objects.filter(uploader=user)
    if erasure.keeps_content:
        personal_data.reassign(LibraryFile.objects.filter(created_by=user), "created_by", to)
        return {"file_versions": personal_data.reassign(mine, "uploader", to)}
    count = mine.count()
    entry_ids = set(mine.values_list("file_entry_id", flat=True))
    personal_data.delete_rows(mine)
    for entry in LibraryFile.objects.filter(pk__in=entry_ids):
        latest = entry.versions.order_by("-pk").first()
        if latest is None:
            personal_data.delete_rows(LibraryFile.objects.filter(pk=entry.pk))
        elif entry.current_version_id != latest.pk:
            LibraryFile.objects.filter(pk=entry.pk).update(current_version=latest)
    personal_data.reassign(LibraryFile.objects.filter(created_by=user), "created_by", to)
    return {"file_versions": count}


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="files",
            label=_("File library"),
            description=_(
                "The file versions you uploaded (the files are in files/library/), the files "
                "and folders you created and the libraries and folders you watch."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_("Watched files and folders go with the account."),
                pseudonymise=_(
                    "File versions the person uploaded, and the files and folders they created, "
                    "stay under the pseudonym."
                ),
                delete=_(
                    "File versions the person uploaded are deleted with their stored files and "
                    "thumbnails; a file left without versions goes, one whose current version "
                    "went shows its newest remaining one."
                ),
                kept=_(
                    "Folders the person created, and files others still hold versions of, stay "
                    "under the pseudonym: they are the community's library."
                ),
            ),
            order=120,
        )
    )
