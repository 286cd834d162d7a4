"""Serving stored uploads (post and comment attachments, chat files, their thumbnails)
after a permission check, and profile photos (``serve_media``) to every employee.

Callers decide who may see the row through the entity's ``visible_to``; this module only
streams the file and its thumbnail with the headers that keep a browser from running it.
Validating, storing and removing uploads is hanse/core/uploads.py.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
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


# Folders of the default storage that any signed-in employee may read by name (the URL each
# such file's ``.url`` gives, under MEDIA_URL): profile photos and their thumbnails only.
PUBLIC_MEDIA_FOLDERS = ("avatars/",)


def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """A file of a public media folder, read through the storage API (the data directory or
    object storage alike); the login-required middleware has let only employees in. Anything
    else under /media/ is a 404: attachments go through their permission-checked views."""
    name = posixpath.normpath(path)
    if (
        name != path
        or not name.startswith(PUBLIC_MEDIA_FOLDERS)
        or name.startswith("/")
        or ".." in name.split("/")
    ):
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation) as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response: HttpResponseBase
    if request.method == "HEAD":
        handle.close()
        response = HttpResponse(content_type=content_type)
    else:
        response = FileResponse(handle, content_type=content_type)
    for header, value in SECURITY_HEADERS.items():
        response.headers[header] = value
    return response
