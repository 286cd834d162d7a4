"""The file library of a community: folders, files and the versions of each file.

A ``LibraryFile`` is what people see (a name, a description, a place in a folder); each
upload of it is a ``FileVersion`` (the stored bytes, sniffed type, size, and the text inside
it for search). Files are only ever served through a view that checks ``visible_to`` first:
the stored names are random and nothing is published under /media/.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core.rules import is_platform_admin

if TYPE_CHECKING:
    from hanse.people.models import User


def _readable(user: User | None) -> Q | None:
    """None: everything (administrators); else the communities whose content they read."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if is_platform_admin(user):
        return None
    return Q(community_id__in=Community.objects.content_visible_to(user).values("id"))


class FolderQuerySet(models.QuerySet["Folder"]):
    def visible_to(self, user: User | None) -> FolderQuerySet:
        """A folder is seen by those who may read its community's content."""
        q = _readable(user)
        return self.all() if q is None else self.filter(q)


class Folder(models.Model):
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="library_folders",
        verbose_name=_("community"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subfolders",
        verbose_name=_("parent folder"),
    )
    name = models.CharField(_("name"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = FolderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("folder")
        verbose_name_plural = _("folders")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "parent", "name"],
                condition=Q(parent__isnull=False),
                name="files_folder_unique_name",
            ),
            models.UniqueConstraint(
                fields=["community", "name"],
                condition=Q(parent__isnull=True),
                name="files_folder_unique_top_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LibraryFileQuerySet(models.QuerySet["LibraryFile"]):
    def visible_to(self, user: User | None) -> LibraryFileQuerySet:
        """The one home of "may this person see this library file": those who may read its
        community's content, as long as it is not in the bin."""
        q = _readable(user)
        live = self.filter(deleted_at__isnull=True)
        return live if q is None else live.filter(q)

    def in_bin_visible_to(self, user: User | None) -> LibraryFileQuerySet:
        """Files in the bin of the libraries this person may read; which of them they may see
        and restore is narrowed further by ``files.rules.bin_scope``."""
        q = _readable(user)
        binned = self.filter(deleted_at__isnull=False)
        return binned if q is None else binned.filter(q)


class LibraryFile(models.Model):
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="library_files",
        verbose_name=_("community"),
    )
    folder = models.ForeignKey(
        Folder,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=_("folder"),
    )
    name = models.CharField(_("file name"), max_length=255)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    current_version = models.ForeignKey(
        "FileVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current version"),
    )
    version_count = models.PositiveIntegerField(_("number of versions"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # In the bin since then (removed for good after 30 days).
    deleted_at = models.DateTimeField(_("in the bin since"), null=True, blank=True)

    objects = LibraryFileQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("library file")
        verbose_name_plural = _("library files")
        indexes = [models.Index(fields=["community", "folder"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("files:detail", args=[self.pk])


def _version_path(instance: FileVersion, filename: str) -> str:
    # A random name: the stored path says nothing about the community, the person or the file.
    return f"library/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def _thumbnail_path(instance: FileVersion, filename: str) -> str:
    return f"library/thumbs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.webp"


class FileVersionQuerySet(models.QuerySet["FileVersion"]):
    def visible_to(self, user: User | None) -> FileVersionQuerySet:
        """A version is readable exactly when its file is."""
        return self.filter(file_entry__in=LibraryFile.objects.visible_to(user).values("id"))


class FileVersion(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        FILE = "file", _("File")

    PREVIEW_READY = "ready"
    PREVIEW_NONE = "none"

    file_entry = models.ForeignKey(LibraryFile, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file = models.FileField(upload_to=_version_path, max_length=255)
    thumbnail = models.FileField(upload_to=_thumbnail_path, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    # Sniffed from the content, never taken from the upload's name or header.
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The text inside the file for search ("" until read; text_status says how it went).
    text = models.TextField(blank=True)
    text_status = models.CharField(max_length=16, blank=True)
    # A PDF's preview (its first page, WebP, in ``thumbnail``): "" while the task queue has
    # not made it yet, PREVIEW_READY when it is there, PREVIEW_NONE when the PDF gives none.
    preview_status = models.CharField(_("preview"), max_length=8, blank=True)

    objects = FileVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("file version")
        verbose_name_plural = _("file versions")
        constraints = [
            models.UniqueConstraint(fields=["file_entry", "number"], name="files_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.number})"

    def get_absolute_url(self) -> str:
        return reverse("files:download", args=[self.file_entry_id, self.number, self.original_name])

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class LibraryWatch(models.Model):
    """Someone who is told when a file is added to a community's library."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("library watch")
        verbose_name_plural = _("library watches")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="files_watch_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.community_id}"


class FolderWatch(models.Model):
    """Someone who is told when a file is added to one folder of a library."""

    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("folder watch")
        verbose_name_plural = _("folder watches")
        constraints = [
            models.UniqueConstraint(fields=["folder", "user"], name="files_folder_watch_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches folder {self.folder_id}"
