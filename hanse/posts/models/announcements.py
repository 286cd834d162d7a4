"""Company announcements: drafts, scheduling, audiences, must-read confirmations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core.rules import is_platform_admin
from hanse.people.guests import is_guest
from hanse.people.models import OrgUnit

if TYPE_CHECKING:
    from hanse.people.models import User


class AnnouncementQuerySet(models.QuerySet["Announcement"]):
    def published(self) -> AnnouncementQuerySet:
        now = timezone.now()
        return self.filter(is_draft=False, publish_at__lte=now)

    def current(self) -> AnnouncementQuerySet:
        now = timezone.now()
        return self.published().filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def addressed_to(self, user: User | None) -> AnnouncementQuerySet:
        """Published announcements meant for the person: company-wide ones (no audience) and
        those for a unit the person belongs to, directly or below it. The one home of the
        audience rule: reading, pinning and confirming all build on it."""
        if user is None or not user.is_authenticated or not user.is_active or is_guest(user):
            # Announcements speak to the company's own people, never to guests.
            return self.none()
        audience = Announcement.audience_units.through.objects.filter(
            announcement_id=OuterRef("pk")
        )
        return self.published().filter(
            ~Exists(audience) | Q(pk__in=_announcements_for_unit_of(user))
        )

    def visible_to(self, user: User | None) -> AnnouncementQuerySet:
        """What the person is addressed by; authors also see their drafts and scheduled ones,
        administrators see everything."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_platform_admin(user):
            return self.all()
        return self.addressed_to(user) | self.filter(author=user)


def _announcements_for_unit_of(user: User) -> models.QuerySet:
    """Ids of announcements addressed to the person's unit or any unit above it.

    A unit is above the person's unit when its materialised path is a prefix of that unit's
    path. Expressed as a subquery (no extra round trip), so that the notification bell, which
    checks announcement visibility, stays one query."""

    if user.org_unit_id is None:
        return Announcement.objects.none().values("id")
    own_path = OrgUnit.objects.filter(pk=user.org_unit_id).values("path")[:1]
    through = Announcement.audience_units.through.objects.annotate(own_path=Subquery(own_path))
    # django-stubs cannot see annotations on an auto-created through model.
    return through.filter(own_path__startswith=F("orgunit__path")).values(  # type: ignore[misc]
        "announcement_id"
    )


class Announcement(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="announcements",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text"), max_length=20000)
    body_html = models.TextField(editable=False, default="")
    audience_units = models.ManyToManyField(
        "people.OrgUnit",
        verbose_name=_("for these units"),
        blank=True,
        related_name="announcements",
        help_text=_("Leave empty for the whole company. A unit includes all units below it."),
    )
    is_draft = models.BooleanField(_("draft"), default=True)
    publish_at = models.DateTimeField(_("publish at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    must_read = models.BooleanField(
        _("must read"),
        default=False,
        help_text=_("Readers confirm with “read and understood”."),
    )
    # Compliance notices: an administrator may allow the author to see who has not confirmed.
    compliance_list_allowed = models.BooleanField(
        _("named list of open confirmations allowed"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        permissions = [("publish_announcement", _("Can publish company announcements"))]
        indexes = [models.Index(fields=["is_draft", "-publish_at"], name="announcement_pub_idx")]

    def __str__(self) -> str:
        return self.title


class AnnouncementRead(models.Model):
    """A person has seen (dismissed) an announcement, and for must-reads confirmed it."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="announcement_reads"
    )
    read_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("announcement read")
        verbose_name_plural = _("announcement reads")
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="announcementread_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.announcement_id}"


class ComplianceListAccess(models.Model):
    """Every look at the named list of who has not confirmed a must-read is recorded."""

    announcement = models.ForeignKey(
        Announcement,
        on_delete=models.CASCADE,
        related_name="list_accesses",
        verbose_name=_("announcement"),
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("viewer"),
    )
    accessed_at = models.DateTimeField(default=timezone.now, verbose_name=_("accessed at"))
    via = models.CharField(max_length=10, default="web", verbose_name=_("via"))  # web | api | csv

    class Meta:
        verbose_name = _("look at the open confirmations list")
        verbose_name_plural = _("looks at the open confirmations list")
        ordering = ["-accessed_at"]

    def __str__(self) -> str:
        return f"{self.viewer_id} looked at {self.announcement_id}"
