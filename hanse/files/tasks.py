"""Background work of the library: the text inside new files (for search), telling those
who follow a library about new files, and emptying the bin."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from hanse.core import searchable, uploads
from hanse.files import pdf_preview
from hanse.files.models import FileVersion, FolderWatch, LibraryFile, LibraryWatch
from hanse.jobs import once
from hanse.jobs.retry import retry
from hanse.notifications.delivery import queue_delivery_on_commit
from hanse.notifications.services import notify
from hanse.people.models import User

logger = logging.getLogger(__name__)
# Files stay in the bin this long before they are removed for good.
BIN_DAYS = 30


@task()
def read_texts(version_ids: list[int]) -> int:
    """Read the text inside these versions through search's bounded reader (when search is
    installed); saving the version has its file indexed again. Idempotent."""
    done = 0
    for version in FileVersion.objects.filter(pk__in=version_ids):
        found = searchable.read_file_text(version.file, version.size, version.content_type)
        if found is None:
            return done
        version.text_status, version.text = found
        version.save(update_fields=["text_status", "text"])
        done += 1
    return done


PDF = "application/pdf"


@task()
def make_pdf_previews(version_ids: list[int]) -> int:
    """Render the first page of these PDF versions to a WebP preview (``pdf_preview``: a
    bounded child process). A PDF that gives none is marked so, and the page says so; a
    version that has its preview already is skipped. Idempotent."""
    made = 0
    for version in FileVersion.objects.filter(
        pk__in=version_ids, content_type=PDF, preview_status=""
    ):
        try:
            with version.file.open("rb") as handle:
                data = handle.read(pdf_preview.MAX_PDF_BYTES + 1)
        except OSError:
            logger.warning("No PDF preview for version %s: the file cannot be read.", version.pk)
            data = b""
        picture = pdf_preview.render_first_page(data) if data else None
        if picture is None:
            version.preview_status = FileVersion.PREVIEW_NONE
            version.save(update_fields=["preview_status"])
            continue
        storage = version.thumbnail.storage
        name = storage.save(
            version.thumbnail.field.generate_filename(version, "preview.webp"),
            ContentFile(picture),
        )
        # Only where no other run stored one meanwhile; else this copy goes again.
        claimed = FileVersion.objects.filter(pk=version.pk, preview_status="").update(
            thumbnail=name, preview_status=FileVersion.PREVIEW_READY
        )
        if not claimed:
            storage.delete(name)
            continue
        made += 1
    return made


@task()
def notify_files_added(
    community_id: int, file_ids: list[int], actor_id: int, attempt: int = 1
) -> int:
    """Tell those who follow the library (not the uploader) about new files, collapsed per
    library while unread."""
    try:
        return _notify_files_added(community_id, file_ids, actor_id)
    except Exception:
        retry(
            notify_files_added,
            [community_id, file_ids, actor_id],
            attempt,
            f"Library files {file_ids[:3]}",
        )
        return 0


def _notify_files_added(community_id: int, file_ids: list[int], actor_id: int) -> int:
    entries = list(
        LibraryFile.objects.select_related("community", "folder").filter(
            pk__in=file_ids, deleted_at__isnull=True
        )
    )
    if not entries:
        return 0
    first = entries[0]
    library_watchers = LibraryWatch.objects.filter(community_id=community_id).values("user_id")
    watchers = User.objects.filter(pk__in=library_watchers, is_active=True).exclude(pk=actor_id)
    actor = User.objects.filter(pk=actor_id).first()
    made = _notify_folder_watchers(first, entries, actor, library_watchers)
    with transaction.atomic():
        if not once.claim(f"library-added:{first.pk}"):
            return len(made)
        # The folder's followers were queued with their own notifications' commit above.
        library_made = notify(
            type_key="library_file_added",
            recipients=list(watchers),
            actor=actor,
            community=first.community,
            target=first,
            group_key=f"library:{community_id}",
            data={"name": first.name, "count": len(entries)},
        )
        queue_delivery_on_commit([n.pk for n in library_made])
    return len(made) + len(library_made)


def _notify_folder_watchers(
    first: LibraryFile, entries: list[LibraryFile], actor: User | None, library_watchers: Any
) -> list[Any]:
    """Those who follow the folder the files went into (not the uploader, and not who hears
    of it already by following the whole library), collapsed per folder while unread."""
    if first.folder_id is None:
        return []
    in_folder = [e for e in entries if e.folder_id == first.folder_id]
    followers = User.objects.filter(
        pk__in=FolderWatch.objects.filter(folder_id=first.folder_id).values("user_id"),
        is_active=True,
    ).exclude(pk__in=library_watchers)
    if actor is not None:
        followers = followers.exclude(pk=actor.pk)
    with transaction.atomic():
        if not once.claim(f"library-folder-added:{first.pk}"):
            return []
        made = notify(
            type_key="library_folder_file_added",
            recipients=list(followers),
            actor=actor,
            community=first.community,
            target=first,
            group_key=f"library-folder:{first.folder_id}",
            data={
                "name": first.name,
                "count": len(in_folder),
                "folder": first.folder.name if first.folder else "",
            },
        )
        queue_delivery_on_commit([n.pk for n in made])
    return made


@task()
def empty_bin() -> int:
    """The daily job: files in the bin for more than 30 days are removed for good."""
    cutoff = timezone.now() - timedelta(days=BIN_DAYS)
    doomed = list(LibraryFile.objects.filter(deleted_at__lt=cutoff).values_list("pk", flat=True))
    if not doomed:
        return 0
    with transaction.atomic():
        uploads.delete_files_on_commit(list(FileVersion.objects.filter(file_entry_id__in=doomed)))
        LibraryFile.objects.filter(pk__in=doomed).delete()
    return len(doomed)
