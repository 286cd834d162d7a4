"""Library files as a searchable type: name, description and the text inside the current
version (read by search's bounded reader, hanse/core/searchable.py ``read_file_text``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hanse.core import searchable
from hanse.files.models import FileVersion, LibraryFile

COMMUNITY = "community"
# The short names of the file-type facet (as hanse/search/extract.py names them).
FILE_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "text/plain": "txt",
    "text/csv": "csv",
}


def file_type(content_type: str) -> str:
    if content_type.startswith("image/"):
        return "image"
    return FILE_TYPES.get(content_type, "other")


def _document(entry: LibraryFile) -> searchable.Document | None:
    if entry.deleted_at is not None or entry.current_version is None:
        return None
    version = entry.current_version
    kind = file_type(version.content_type)
    return searchable.Document(
        object_id=entry.pk,
        title=entry.name,
        body="\n".join(filter(None, [entry.description, version.text])),
        author_id=entry.created_by_id,
        community_id=entry.community_id,
        unit_id=getattr(entry.created_by, "org_unit_id", None),
        created_at=entry.updated_at,
        scope=searchable.scope(COMMUNITY, entry.community_id),
        facets={"file_type": kind},
        keywords=kind,
    )


def _queryset() -> QuerySet[LibraryFile]:
    return LibraryFile.objects.select_related("current_version", "created_by")


def _files_of_version(version: FileVersion) -> list[int]:
    return [version.file_entry_id]


searchable.register(
    searchable.SearchableType(
        key="library_file",
        label=_("Library file"),
        label_plural=_("Library files"),
        model=LibraryFile,
        queryset=_queryset,
        to_document=_document,
        visible_to=LibraryFile.objects.visible_to,
        url=lambda entry: entry.get_absolute_url(),
        order=61,
        # The text read from a version changes what its file is found by.
        related=((FileVersion, _files_of_version),),
    )
)
