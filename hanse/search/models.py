"""The search index: one row per searchable object, derived data rebuilt from the apps.

The text columns hold what ``hanse.search.normalize`` made of the object (folded words and
their stems), so both engines index the same tokens. The engine parts live next to this table
and are created by the migrations for the database in use:

- SQLite: ``search_fts`` (FTS5, external content: the exact and stemmed columns, kept in step
  by triggers) and ``search_tri`` (FTS5 trigram on the exact columns, for compound parts).
- PostgreSQL: the generated ``stem_vec`` and ``exact_vec`` tsvector columns (title weight A,
  body weight B) with GIN indexes, and a pg_trgm GIN index on the exact text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    # Raw text, for the admin and the record; snippets are made from the live object.
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    title_exact = models.TextField(blank=True)
    body_exact = models.TextField(blank=True)
    title_stem = models.TextField(blank=True)
    body_stem = models.TextField(blank=True)
    # " tag1 tag2 " (folded), so a #tag filter is one LIKE on word boundaries.
    tags = models.TextField(blank=True)
    author_id = models.BigIntegerField(null=True, blank=True)
    community_id = models.BigIntegerField(null=True, blank=True)
    unit_id = models.BigIntegerField(null=True, blank=True)
    file_type = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    # Who may read it, filtered in SQL against live memberships (hanse/core/searchable.py).
    scope = models.CharField(max_length=40)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["type", "object_id"], name="search_doc_unique")
        ]
        indexes = [
            # Filters and date sorts start from a type or a scope.
            models.Index(fields=["type", "-created_at"], name="search_doc_type_date"),
            models.Index(fields=["scope"], name="search_doc_scope"),
            models.Index(fields=["author_id"], name="search_doc_author"),
            models.Index(fields=["community_id"], name="search_doc_community"),
        ]

    def __str__(self) -> str:
        return f"{self.type}:{self.object_id}"


class IndexState(models.Model):
    """Per type: when the index last changed and how far behind the writes it was."""

    type = models.CharField(_("type"), max_length=30, unique=True)
    last_update = models.DateTimeField(_("last update"), null=True, blank=True)
    # Seconds between a write's commit and its index update, last seen.
    last_lag_seconds = models.FloatField(_("last lag (s)"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    reindexed_at = models.DateTimeField(_("rebuilt at"), null=True, blank=True)

    class Meta:
        verbose_name = _("search index state")
        verbose_name_plural = _("search index states")

    def __str__(self) -> str:
        return self.type


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


class SavedSearch(models.Model):
    """A search someone keeps (hanse/search/saved.py): the results page's query string, and
    whether they want to hear about new results (checked by the scheduler, told through the
    notification registry, so e-mail digests collect them)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    # The results page's parameters ("q=Kredit&type=post"), read by the same form again.
    query = models.CharField(max_length=1000)
    notify = models.BooleanField(_("tell me about new results"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Results created after this are new (moved on by every check).
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="search_saved_unique")
        ]

    def __str__(self) -> str:
        return self.name
