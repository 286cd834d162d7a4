"""Stored uploads (post and comment attachments, chat files, their thumbnails): serving them
after a permission check, and removing them without ever losing a file a row still shows.

Serving: callers decide who may see the row through the entity's ``visible_to``; this module
only streams the file and its thumbnail with the headers that keep a browser from running it.

Removing, in three places:

- ``delete_unreferenced`` after a delete has committed: a name that another row still points
  to is kept (the demo shares a few pictures among many attachments).
- ``discard_on_rollback`` while a write is in progress: files are stored before their rows
  commit; if the transaction (or the savepoint around the write) is rolled back, the files
  are removed at once.
- ``sweep_orphans``, a daily scheduled job: whatever slipped through (a process killed
  between writing a file and committing, rows removed by a cascade) is removed once it is
  older than a grace period and no row points to it.
"""

from __future__ import annotations

import functools
import logging
import posixpath
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

# Whatever a file contains, the browser must not run it: no sniffing, no scripts, no frames.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, max-age=3600",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def serve_stored_file(
    request: HttpRequest,
    field_file: FieldFile,
    *,
    content_type: str,
    filename: str,
    as_attachment: bool,
) -> HttpResponseBase:
    """Stream a stored file (HEAD: headers only); a file missing from storage is a 404."""
    try:
        size = field_file.size
        handle = field_file.storage.open(field_file.name or "", "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response: HttpResponseBase
    if request.method == "HEAD":
        handle.close()
        response = HttpResponse(content_type=content_type)
        response.headers["Content-Length"] = str(size)
        disposition = content_disposition_header(as_attachment, filename)
        if disposition:
            response.headers["Content-Disposition"] = disposition
    else:
        response = FileResponse(
            handle, as_attachment=as_attachment, filename=filename, content_type=content_type
        )
    for header, value in SECURITY_HEADERS.items():
        response.headers[header] = value
    return response


def serve_upload(request: HttpRequest, row: Any, filename: str) -> HttpResponseBase:
    """A visible attachment-like row (``file``, ``original_name``, ``content_type``, ``kind``):
    images inline, everything else downloaded under its name. The name in the URL must match."""
    if filename != row.original_name:
        raise Http404
    content_type = row.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    return serve_stored_file(
        request,
        row.file,
        content_type=content_type,
        filename=row.original_name,
        as_attachment=row.kind != "image",
    )


def serve_thumbnail(request: HttpRequest, row: Any) -> HttpResponseBase:
    """The WebP thumbnail of a visible image row; the picture itself (re-encoded when it was
    stored, so as safe to show) while the task queue has not made the thumbnail yet."""
    if row.kind != "image":
        raise Http404
    if not row.thumbnail:
        return serve_stored_file(
            request,
            row.file,
            content_type=row.content_type,
            filename=row.original_name,
            as_attachment=False,
        )
    stem = row.original_name.rpartition(".")[0] or row.original_name
    return serve_stored_file(
        request,
        row.thumbnail,
        content_type="image/webp",
        filename=f"{stem}.webp",
        as_attachment=False,
    )


# --- Which rows point to stored files -------------------------------------------------------

# Every field that holds a name in the upload folders below. A new kind of upload adds its
# fields here, or the sweep would take its files for orphans.
REFERENCING_FIELDS: tuple[tuple[str, str], ...] = (
    ("posts.Attachment", "file"),
    ("posts.Attachment", "thumbnail"),
    ("chat.MessageAttachment", "file"),
    ("chat.MessageAttachment", "thumbnail"),
)
# The folders (in the default storage) that only these fields write to: what the sweep walks.
SWEPT_FOLDERS: tuple[str, ...] = ("attachments", "chat")
SWEEP_GRACE = timedelta(hours=24)
_BATCH = 500


def referenced_names(
    names: Iterable[str], *, exclude: Mapping[str, Collection[int]] | None = None
) -> set[str]:
    """Those of ``names`` that at least one row (attachment, chat file, thumbnail) points to,
    leaving out the rows in ``exclude`` (model label -> primary keys: the rows going away)."""
    names = [n for n in dict.fromkeys(names) if n]
    exclude = exclude or {}
    found: set[str] = set()
    for start in range(0, len(names), _BATCH):
        batch = names[start : start + _BATCH]
        for label, field in REFERENCING_FIELDS:
            rows = apps.get_model(label)._default_manager.filter(**{f"{field}__in": batch})
            if exclude.get(label):
                rows = rows.exclude(pk__in=list(exclude[label]))
            found.update(rows.values_list(field, flat=True))
    return found


def _remove(storage: Storage, names: Iterable[str], what: str) -> list[str]:
    removed = []
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            # A file that cannot be removed now stays until the sweep tries again.
            logger.warning("Could not delete %s %s", what, name, exc_info=True)
        else:
            removed.append(name)
    return removed


def delete_unreferenced(
    storage: Storage,
    names: Iterable[str],
    *,
    exclude: Mapping[str, Collection[int]] | None = None,
) -> list[str]:
    """Remove those of ``names`` that no other row points to (call after the delete of their
    rows has committed, or name those rows in ``exclude``); returns the names removed."""
    names = [n for n in dict.fromkeys(names) if n]
    if not names:
        return []
    keep = referenced_names(names, exclude=exclude)
    return _remove(storage, (n for n in names if n not in keep), "stored file")


# --- Files of a write that is rolled back ---------------------------------------------------


class _PendingFiles:
    """Files stored inside a transaction, queued as an on-commit callback.

    Django keeps on-commit callbacks with the savepoints that were open when they were
    queued, and drops them when that savepoint or the transaction is rolled back. Run, this
    callback means "committed: keep the files"; dropped unrun, "rolled back: remove them".
    Django has no on-rollback hook, so ``_watch`` notices the drop around the connection's
    rollback methods."""

    __slots__ = ("kept", "names", "storage")

    def __init__(self, storage: Storage, names: list[str]) -> None:
        self.storage, self.names, self.kept = storage, names, False

    def __call__(self) -> None:
        self.kept = True

    def discard(self) -> None:
        removed = _remove(self.storage, self.names, "file of a rolled-back write")
        if removed:
            logger.info("Removed %d file(s) of a rolled-back write.", len(removed))


def _pending(connection: BaseDatabaseWrapper) -> list[_PendingFiles]:
    # Entries are (savepoint ids, callback, robust); the stubs know only the first two.
    return [entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _PendingFiles)]


def _watch(connection: BaseDatabaseWrapper) -> None:
    """Wrap this connection's rollback, savepoint rollback and close (each drops on-commit
    callbacks of what is undone) to remove the files whose callbacks they dropped."""
    if getattr(connection, "_hanse_watches_files", False):
        return

    def wrap(method_name: str) -> None:
        original = getattr(connection, method_name)

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            before = _pending(connection)
            try:
                return original(*args, **kwargs)
            finally:
                if before:
                    left = {id(p) for p in _pending(connection)}
                    for pending in before:
                        if id(pending) not in left and not pending.kept:
                            pending.discard()

        setattr(connection, method_name, wrapper)

    for method_name in ("rollback", "savepoint_rollback", "close"):
        wrap(method_name)
    connection._hanse_watches_files = True  # type: ignore[attr-defined]  # our own marker


def discard_on_rollback(
    storage: Storage, names: Sequence[str], *, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Remove these just-stored files if the transaction (or savepoint) they were written in
    is rolled back; keep them once it commits. Only for names written by this write (fresh
    random names no other row can point to): no query runs during a rollback."""
    names = [n for n in names if n]
    connection = transaction.get_connection(using)
    if not names or not connection.in_atomic_block:
        return  # autocommit: there is nothing to roll back
    _watch(connection)
    transaction.on_commit(_PendingFiles(storage, names), using=using)


# --- The sweep ------------------------------------------------------------------------------


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield posixpath.join(folder, name)
    for sub in dirs:
        yield from _walk(storage, posixpath.join(folder, sub))


def sweep_orphans(
    *,
    storage: Storage | None = None,
    grace: timedelta = SWEEP_GRACE,
    now: datetime | None = None,
) -> list[str]:
    """Remove files under the upload folders that no row points to and that are older than
    ``grace`` (younger ones may belong to a write that has not committed yet); each removal
    is logged. Returns the names removed."""
    storage = storage or default_storage
    cutoff = (now or timezone.now()) - grace
    removed: list[str] = []
    old: list[str] = []

    def settle() -> None:
        keep = referenced_names(old)
        orphans = [n for n in old if n not in keep]
        for name in _remove(storage, orphans, "orphaned file"):
            logger.info("Removed orphaned file %s (no row points to it).", name)
            removed.append(name)
        old.clear()

    for folder in SWEPT_FOLDERS:
        for name in _walk(storage, folder):
            try:
                modified = storage.get_modified_time(name)
            except FileNotFoundError:
                continue  # removed meanwhile
            if modified < cutoff:
                old.append(name)
            if len(old) >= _BATCH:
                settle()
    settle()
    logger.info("Sweep of stored files: %d orphaned file(s) removed.", len(removed))
    return removed
