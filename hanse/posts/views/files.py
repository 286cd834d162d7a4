"""Downloads of attached files and image thumbnails, each after a permission check.

Files never come from /media/: the stored names are random and only these views read them,
after `Attachment.objects.visible_to(request.user)` (the same rule as the post or comment).
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from hanse.posts.models import Attachment

# Whatever a file contains, the browser must not run it: no sniffing, no scripts, no frames.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, max-age=3600",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def _visible_attachment(request: HttpRequest, attachment_id: int) -> Attachment:
    viewer = request.user if request.user.is_authenticated else None
    attachment = Attachment.objects.visible_to(viewer).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment


def _serve(
    request: HttpRequest,
    field_file: FieldFile,
    *,
    content_type: str,
    filename: str,
    as_attachment: bool,
) -> HttpResponseBase:
    try:
        # Opened here so that a file missing from storage is a 404, not a server error.
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


@require_http_methods(["GET", "HEAD"])
def file_download(request: HttpRequest, attachment_id: int, filename: str) -> HttpResponseBase:
    """The file itself: images shown inline, everything else downloaded under its name."""
    attachment = _visible_attachment(request, attachment_id)
    if filename != attachment.original_name:
        raise Http404
    content_type = attachment.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    return _serve(
        request,
        attachment.file,
        content_type=content_type,
        filename=attachment.original_name,
        as_attachment=not attachment.is_image,
    )


@require_http_methods(["GET", "HEAD"])
def file_thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """The WebP thumbnail of an image (640 pixels on the long side at most)."""
    attachment = _visible_attachment(request, attachment_id)
    if not attachment.is_image or not attachment.thumbnail:
        raise Http404
    stem = attachment.original_name.rpartition(".")[0] or attachment.original_name
    return _serve(
        request,
        attachment.thumbnail,
        content_type="image/webp",
        filename=f"{stem}.webp",
        as_attachment=False,
    )


urlpatterns: list[URLPattern] = [
    path("<int:attachment_id>/thumb/", file_thumbnail, name="file_thumb"),
    path("<int:attachment_id>/<str:filename>", file_download, name="file"),
]
