"""Files as a searchable type: their name and the text inside them.

A file shared on a post, a comment or in a chat gets a ``FileText`` row once its upload
commits (``uploads.on_stored`` -> the outbox -> ``extract_files``); the text is extracted in a
bounded child process (hanse/search/extract.py), then the file is (re)indexed. Files written
without ``uploads.store`` (the demo generator's bulk inserts) and rows a lost task left
pending are picked up by the ``search.extract_files`` schedule.

A file is visible exactly where its post, comment or chat message is (the attachments'
own ``visible_to``); the index's scope mirrors that so most of what a person may not read is
filtered before that final check.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from hanse.chat.models import Message, MessageAttachment
from hanse.core import searchable
from hanse.jobs.outbox import enqueue_on_commit
from hanse.people.models import User
from hanse.posts.models import Attachment, Post
from hanse.search import extract
from hanse.search.models import FileText
from hanse.search.services import search_index_touch

logger = logging.getLogger(__name__)

POST_FILES = "posts.Attachment"
CHAT_FILES = "chat.MessageAttachment"
# Files extracted per run of the schedule (each may take up to the timeout).
SWEEP_BATCH = 50


def limits() -> extract.Limits:
    """The extraction bounds, from the settings (defaults in extract.Limits)."""
    defaults = extract.Limits()
    return extract.Limits(
        max_bytes=getattr(settings, "SEARCH_EXTRACT_MAX_BYTES", defaults.max_bytes),
        max_chars=getattr(settings, "SEARCH_EXTRACT_MAX_CHARS", defaults.max_chars),
        max_unpacked=getattr(settings, "SEARCH_EXTRACT_MAX_UNPACKED", defaults.max_unpacked),
        timeout=getattr(settings, "SEARCH_EXTRACT_TIMEOUT", defaults.timeout),
        max_memory=getattr(settings, "SEARCH_EXTRACT_MAX_MEMORY", defaults.max_memory),
    )


# --- Extraction -------------------------------------------------------------------------------


def _source_field(model: str) -> str | None:
    return {POST_FILES.lower(): "attachment", CHAT_FILES.lower(): "message_attachment"}.get(
        model.lower()
    )


def queue_extraction(model: str, ids: list[int]) -> None:
    """The ``uploads.on_stored`` hook: extract these new files once their rows commit."""
    if _source_field(model) is not None and ids:
        enqueue_on_commit(extract_files, model, list(ids))


@task()
def extract_files(model: str, ids: list[int]) -> dict[str, int]:
    """Extract the text of these files (rows gone meanwhile are skipped); returns how many
    ended in each status. Idempotent: a file extracted already is done again, same result."""
    field = _source_field(model)
    if field is None:
        return {}
    row_model = Attachment if field == "attachment" else MessageAttachment
    done: dict[str, int] = {}
    for row in row_model.objects.filter(pk__in=ids):
        status = extract_one(row)
        done[status] = done.get(status, 0) + 1
    return done


def extract_one(row: Attachment | MessageAttachment) -> str:
    """Extract one file's text into its ``FileText`` row, then have it indexed."""
    if isinstance(row, Attachment):
        file_text, _created = FileText.objects.get_or_create(attachment=row)
        field = "attachment"
    else:
        file_text, _created = FileText.objects.get_or_create(message_attachment=row)
        field = "message_attachment"
    result = _extract(row)
    file_text.status = result.status
    file_text.text = result.text
    file_text.truncated = result.truncated
    file_text.detail = result.detail[:300]
    file_text.extracted_at = timezone.now()
    # Saved (not updated): the index follows saves of the "file" type's rows
    # (hanse/search/hooks.py) and queues the file's document after the commit.
    file_text.save(update_fields=["status", "text", "truncated", "detail", "extracted_at"])
    if result.status == extract.FAILED:
        logger.info("No text from %s %s: %s", field, row.pk, result.detail)
    return result.status


def _extract(row: Attachment | MessageAttachment) -> extract.Result:
    return extract_stored(row.file, row.size, row.content_type)


def extract_stored(field_file: Any, size: int, content_type: str) -> extract.Result:
    """The text of a stored file, within the bounds of the settings."""
    bounds = limits()
    if not extract.extractable(content_type):
        return extract.Result(extract.UNSUPPORTED)
    if size > bounds.max_bytes:
        # Never read: its name is still searchable.
        return extract.Result(extract.TOO_LARGE, detail=f"{size} bytes")
    try:
        with field_file.open("rb") as handle:
            data = handle.read(bounds.max_bytes + 1)
    except (OSError, ValueError) as exc:
        return extract.Result(extract.FAILED, detail=f"cannot read the stored file: {exc}")
    return extract.extract(data, content_type, bounds)


def read_file_text(field_file: Any, size: int, content_type: str) -> tuple[str, str]:
    """The reader other apps' files are read with (``searchable.read_file_text``)."""
    result = extract_stored(field_file, size, content_type)
    return result.status, result.text


@task()
def extract_missing(batch: int = SWEEP_BATCH) -> int:
    """Give files that have no text row yet (bulk-written ones) or stayed pending (their task
    was lost) their text; returns how many were done. Run by the scheduler.

    Files without text to read (pictures) are settled in one insert, however many there are;
    the others are extracted, at most ``batch`` per run (each may take up to the timeout)."""
    done = _settle_unreadable()
    rows: list[Attachment | MessageAttachment] = []
    for model in (Attachment, MessageAttachment):
        if len(rows) < batch:
            rows.extend(
                model.objects.filter(
                    Q(search_text__isnull=True) | Q(search_text__status=FileText.Status.PENDING)
                ).order_by("-pk")[: batch - len(rows)]
            )
    for row in rows:
        extract_one(row)
    return done + len(rows)


def _settle_unreadable() -> int:
    """One "unsupported" row for every file without a row whose type holds no text."""
    created: list[FileText] = []
    owners: dict[str, list[int]] = {"attachment": [], "message_attachment": []}
    for model, field in ((Attachment, "attachment"), (MessageAttachment, "message_attachment")):
        waiting = model.objects.filter(search_text__isnull=True).values_list("pk", "content_type")
        for pk, content_type in waiting.iterator():
            if not extract.extractable(content_type):
                created.append(FileText(**{f"{field}_id": pk}, status=FileText.Status.UNSUPPORTED))
                owners[field].append(pk)
    if not created:
        return 0
    with transaction.atomic():
        # A row an extraction task wrote meanwhile wins (the conflict is skipped).
        FileText.objects.bulk_create(created, batch_size=500, ignore_conflicts=True)
        ids = FileText.objects.filter(
            Q(attachment_id__in=owners["attachment"])
            | Q(message_attachment_id__in=owners["message_attachment"])
        ).values_list("pk", flat=True)
        # bulk_create sends no save signals: the index is told here.
        search_index_touch(type_key="file", ids=list(ids))
    return len(created)


# --- The searchable type ----------------------------------------------------------------------


def _queryset() -> QuerySet[FileText]:
    return FileText.objects.select_related(
        "attachment__uploader",
        "attachment__post",
        "attachment__comment__post",
        "message_attachment__message__author",
        "message_attachment__message__channel",
    )


def visible_to(user: Any) -> QuerySet[FileText]:
    """A file's text is readable exactly when the file is (its post, comment or message)."""
    return FileText.objects.filter(
        Q(attachment__in=Attachment.objects.visible_to(user).values("id"))
        | Q(message_attachment__in=MessageAttachment.objects.visible_to(user).values("id"))
    )


def to_document(file_text: FileText) -> searchable.Document | None:
    attachment = file_text.attachment
    if attachment is not None:
        post = attachment.post or (attachment.comment.post if attachment.comment else None)
        if post is None:
            return None
        author: User | None = attachment.uploader
        community_id = post.community_id
        scope = searchable.scope("community", community_id)
        content_type = attachment.content_type
        name = attachment.original_name
        created_at = attachment.created_at
    else:
        chat_file = file_text.message_attachment
        if chat_file is None or chat_file.message.deleted_at is not None:
            return None
        message = chat_file.message
        author = message.author
        community_id = message.channel.community_id
        scope = searchable.scope("channel", message.channel_id)
        content_type = chat_file.content_type
        name = chat_file.original_name
        created_at = message.created_at
    file_type = extract.file_type_of(content_type)
    return searchable.Document(
        object_id=file_text.pk,
        title=name,
        body=file_text.text,
        author_id=author.pk if author else None,
        community_id=community_id,
        unit_id=author.org_unit_id if author else None,
        created_at=created_at,
        scope=scope,
        facets={"file_type": file_type},
        keywords=file_type,
    )


def url(file_text: FileText) -> str:
    if file_text.attachment is not None:
        return file_text.attachment.get_absolute_url()
    chat_file = file_text.source
    return reverse("chat:file", args=[chat_file.pk, chat_file.original_name])  # type: ignore[attr-defined]


def _files_of_post(post: Post) -> list[int]:
    return list(
        FileText.objects.filter(
            Q(attachment__post=post) | Q(attachment__comment__post=post)
        ).values_list("pk", flat=True)
    )


def _files_of_message(message: Message) -> list[int]:
    return list(
        FileText.objects.filter(message_attachment__message=message).values_list("pk", flat=True)
    )


FILE_TYPE = searchable.SearchableType(
    key="file",
    label=_("File"),
    label_plural=_("Files"),
    model=FileText,
    queryset=_queryset,
    to_document=to_document,
    visible_to=visible_to,
    url=url,
    order=60,
    # A post moved to another community, or a chat message deleted, changes who may find
    # its files: their documents are written again.
    related=((Post, _files_of_post), (Message, _files_of_message)),
)


def register() -> None:
    """From SearchConfig.ready(): the type, the upload hook and the sweep."""
    from hanse.core import uploads  # why: registration runs once the app registry is ready
    from hanse.jobs import scheduler

    searchable.register(FILE_TYPE)
    # Files kept by apps below search (the library) are read through the same bounds.
    searchable.register_file_text_reader(read_file_text)
    uploads.on_stored(queue_extraction)
    scheduler.register(
        scheduler.Schedule(
            name="search.extract_files",
            task="hanse.search.files.extract_missing",
            every=timedelta(minutes=10),
        )
    )
