"""Files and images attached to posts and comments; served only after a permission check."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core.uploads import THUMBNAIL_SIDE
from hanse.posts.models.posts import Comment, Post

if TYPE_CHECKING:
    from hanse.people.models import User


def _attachment_path(instance: Attachment, filename: str) -> str:
    # A random name: the stored path says nothing about the post, the person or the file.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def _thumbnail_path(instance: Attachment, filename: str) -> str:
    return f"attachments/thumbs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.webp"


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, user: User | None) -> AttachmentQuerySet:
        """A file is readable exactly when the post or comment it belongs to is."""

        posts = Post.objects.visible_to(user).values("id")
        comments = Comment.objects.visible_to(user).values("id")
        return self.filter(models.Q(post__in=posts) | models.Q(comment__in=comments))


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        FILE = "file", _("File")

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attachments"
    )
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    comment = models.ForeignKey(
        "posts.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    thumbnail = models.FileField(upload_to=_thumbnail_path, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    # Sniffed from the content, never taken from the upload's name or header.
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("posts:file", args=[self.pk, self.original_name])

    @property
    def thumbnail_url(self) -> str:
        return reverse("posts:file_thumb", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE

    @property
    def type_label(self) -> str:
        """What kind of file this is, in words ("PDF document"), from the sniffed type."""
        return str(TYPE_LABELS.get(self.content_type, _("File")))

    @property
    def thumbnail_size(self) -> tuple[int | None, int | None]:
        """Width and height of the thumbnail (the long side at most 640 pixels)."""
        if not self.width or not self.height:
            return None, None
        scale = min(1.0, THUMBNAIL_SIDE / max(self.width, self.height))
        return max(1, round(self.width * scale)), max(1, round(self.height * scale))

    @property
    def thumbnail_width(self) -> int | None:
        return self.thumbnail_size[0]

    @property
    def thumbnail_height(self) -> int | None:
        return self.thumbnail_size[1]


TYPE_LABELS = {
    "image/jpeg": _("JPEG image"),
    "image/png": _("PNG image"),
    "image/gif": _("GIF image"),
    "image/webp": _("WebP image"),
    "application/pdf": _("PDF document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _("Word document"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _("Excel spreadsheet"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": _(
        "PowerPoint presentation"
    ),
    "application/vnd.oasis.opendocument.text": _("OpenDocument text"),
    "application/vnd.oasis.opendocument.spreadsheet": _("OpenDocument spreadsheet"),
    "application/vnd.oasis.opendocument.presentation": _("OpenDocument presentation"),
    "application/vnd.oasis.opendocument.graphics": _("OpenDocument drawing"),
    "text/plain": _("Text file"),
    "text/csv": _("CSV table"),
}
