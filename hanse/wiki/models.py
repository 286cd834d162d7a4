"""Wiki pages: a community's knowledge, and the organisation's company-wide pages.

A page belongs to a community (``community`` set) or to the company-wide space (``None``).
Every save is a ``Revision``; the page keeps a copy of its current title and text (and the
rendered HTML) so that reading a page is one row. Links between pages (``[[Title]]``) are
kept as ``PageLink`` rows by the normalised title, so a link to a page that does not exist
yet is found again once someone creates it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core.rules import is_platform_admin
from hanse.people.guests import is_guest

if TYPE_CHECKING:
    from hanse.people.models import User


class WikiSettings(models.Model):
    """A community's choices for its wiki (no row: the defaults)."""

    class EditPolicy(models.TextChoices):
        MEMBERS = "members", _("All members")
        MODERATORS = "moderators", _("Only moderators and owners")

    community = models.OneToOneField(
        Community,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="wiki_settings",
        verbose_name=_("community"),
    )
    enabled = models.BooleanField(_("wiki switched on"), default=True)
    edit_policy = models.CharField(
        _("who may edit pages"),
        max_length=16,
        choices=EditPolicy.choices,
        default=EditPolicy.MEMBERS,
    )
    review_days = models.PositiveIntegerField(
        _("remind to review after (days)"),
        default=180,
        help_text=_("Owners are reminded when a page has not been reviewed for this long."),
    )

    class Meta:
        verbose_name = _("wiki settings")
        verbose_name_plural = _("wiki settings")

    def __str__(self) -> str:
        return str(self.community)


DEFAULT_REVIEW_DAYS = 180


class PageQuerySet(models.QuerySet["Page"]):
    def visible_to(self, user: User | None) -> PageQuerySet:
        """The one home of "may this person read this page": company-wide pages for every
        employee; a community's pages for those who may read its content, while its wiki is
        switched on (administrators always)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_platform_admin(user):
            return self.all()
        readable = Community.objects.content_visible_to(user).values("id")
        company_wide = Q(pk__in=[]) if is_guest(user) else Q(community__isnull=True)
        return self.filter(
            company_wide
            | (Q(community_id__in=readable) & ~Q(community__wiki_settings__enabled=False))
        )


def title_key(title: str) -> str:
    """The form of a title that links compare: case and spacing do not matter."""
    return " ".join(title.split()).casefold()


class Page(models.Model):
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="wiki_pages",
        verbose_name=_("community"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent page"),
    )
    title = models.CharField(_("title"), max_length=200)
    # title_key() of the title: unique per space, the target of [[links]].
    key = models.CharField(max_length=200, editable=False)
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(blank=True, editable=False)
    is_template = models.BooleanField(_("page template"), default=False)
    current_revision = models.ForeignKey(
        "Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current version"),
    )
    revision_count = models.PositiveIntegerField(_("number of versions"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    # When owners were last reminded to review it (one reminder per period).
    review_reminded_at = models.DateTimeField(_("review reminder sent at"), null=True, blank=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("wiki page")
        verbose_name_plural = _("wiki pages")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "key"],
                condition=Q(community__isnull=False),
                name="wiki_page_unique_title_in_community",
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(community__isnull=True),
                name="wiki_page_unique_company_title",
            ),
        ]
        indexes = [models.Index(fields=["community", "parent"])]
        permissions = [("edit_company_pages", _("Can edit company-wide wiki pages"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("wiki:page", args=[self.pk])


class RevisionQuerySet(models.QuerySet["Revision"]):
    def visible_to(self, user: User | None) -> RevisionQuerySet:
        """A revision is readable exactly when its page is."""
        return self.filter(page__in=Page.objects.visible_to(user).values("id"))


class Revision(models.Model):
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("page")
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("page revision")
        verbose_name_plural = _("page revisions")
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="wiki_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})"


def _image_path(instance: PageImage, filename: str) -> str:
    # A random name: the stored path says nothing about the page, the person or the picture.
    return f"wiki/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def _image_thumbnail_path(instance: PageImage, filename: str) -> str:
    return f"wiki/thumbs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.webp"


class PageImageQuerySet(models.QuerySet["PageImage"]):
    def visible_to(self, user: User | None) -> PageImageQuerySet:
        """A picture in a page's text is seen exactly by those who may read its page."""
        return self.filter(page__in=Page.objects.visible_to(user).values("id"))


class PageImage(models.Model):
    """A picture uploaded while editing a page, shown in its text (``![alt](url)``) and served
    only through ``wiki:image`` after ``visible_to``: nothing is published under /media/."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="images", verbose_name=_("page")
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    kind = models.CharField(max_length=8, default="image")
    file = models.FileField(upload_to=_image_path, max_length=255)
    thumbnail = models.FileField(upload_to=_image_thumbnail_path, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    # Sniffed from the content, never taken from the upload's name or header.
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = PageImageQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("page picture")
        verbose_name_plural = _("page pictures")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        # Every character of the name but letters, digits and "._~-" percent-encoded (reverse
        # leaves parentheses, which would end a Markdown link): wiki.markup.embed_images
        # recognises exactly this form.
        base = reverse("wiki:image", args=[self.pk, "-"]).removesuffix("-")
        return base + quote(self.original_name, safe="")


class PageLink(models.Model):
    """A ``[[Title]]`` on a page: the target by its normalised title, in the same space."""

    source = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="outgoing_links")
    target_key = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("page link")
        verbose_name_plural = _("page links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target_key"], name="wiki_link_once")
        ]
        indexes = [models.Index(fields=["target_key"])]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_key}"


class PageWatch(models.Model):
    """Someone who is told when a page changes (its authors, and whoever chose to)."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("page watch")
        verbose_name_plural = _("page watches")
        constraints = [models.UniqueConstraint(fields=["page", "user"], name="wiki_watch_once")]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.page_id}"
