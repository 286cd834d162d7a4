"""Downloads of attached files and image thumbnails, each after a permission check.

Files never come from /media/: the stored names are random and only these views read them,
after `Attachment.objects.visible_to(request.user)` (the same rule as the post or comment).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from hanse.core.files import serve_thumbnail, serve_upload
from hanse.posts.models import Attachment


def _visible_attachment(request: HttpRequest, attachment_id: int) -> Attachment:
    viewer = request.user if request.user.is_authenticated else None
    attachment = Attachment.objects.visible_to(viewer).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment


@require_http_methods(["GET", "HEAD"])
def file_download(request: HttpRequest, attachment_id: int, filename: str) -> HttpResponseBase:
    """The file itself: images shown inline, everything else downloaded under its name."""
    return serve_upload(request, _visible_attachment(request, attachment_id), filename)


@require_http_methods(["GET", "HEAD"])
def file_thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """The WebP thumbnail of an image (640 pixels on the long side at most)."""
    return serve_thumbnail(request, _visible_attachment(request, attachment_id))


urlpatterns: list[URLPattern] = [
    path("<int:attachment_id>/thumb/", file_thumbnail, name="file_thumb"),
    path("<int:attachment_id>/<str:filename>", file_download, name="file"),
]
