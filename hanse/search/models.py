"""What search keeps besides its index: the text extracted from shared files."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FileText(models.Model):
    """The text inside one shared file (a post's or comment's attachment, or a chat file),
    extracted by the task queue (hanse/search/files.py) and searched as the "file" type.

    One row per file, deleted with it; ``status`` says why a file has no text (an image, a
    scanned PDF, a password, a file over the bounds), so the admin can tell "not yet" from
    "never"."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        OK = "ok", _("text extracted")
        EMPTY = "empty", _("no text inside")
        FAILED = "failed", _("unreadable")
        ENCRYPTED = "encrypted", _("password-protected")
        TOO_LARGE = "too_large", _("too large")
        UNSUPPORTED = "unsupported", _("no text to extract")

    attachment = models.OneToOneField(
        "posts.Attachment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="search_text",
    )
    message_attachment = models.OneToOneField(
        "chat.MessageAttachment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="search_text",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    text = models.TextField(blank=True)
    # The text was cut at the character bound (the rest of the file is not searchable).
    truncated = models.BooleanField(default=False)
    # Why extraction failed, for the admin (a parser's error, "timed out after 20 s").
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    extracted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("file text")
        verbose_name_plural = _("file texts")
        constraints = [
            models.CheckConstraint(
                condition=Q(attachment__isnull=False, message_attachment__isnull=True)
                | Q(attachment__isnull=True, message_attachment__isnull=False),
                name="search_filetext_one_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.status})"

    @property
    def source(self) -> models.Model:
        """The attachment this text belongs to (post/comment file or chat file)."""
        found = self.attachment or self.message_attachment
        if found is None:  # the check constraint rules it out
            raise ValueError(f"File text {self.pk} belongs to no file.")
        return found
