"""A person's export of their data (GDPR Art. 15 and 20): a ZIP built in the task queue."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Archives live under exports/<random>/ in the default storage (hanse/privacy/tasks.py sweeps
# what no row points to).
EXPORTS_FOLDER = "exports"


def _export_path(instance: DataExport, filename: str) -> str:
    # A random folder: the name tells nothing and cannot be guessed; the file is served only
    # through the owner's download view (media outside avatars/ has no public URL).
    return f"{EXPORTS_FOLDER}/{secrets.token_urlsafe(24)}/{filename}"


class DataExport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to=_export_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One export in progress per person, guaranteed by the database: two requests at
            # the same moment leave one row, the second gets an IntegrityError.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["queued", "running"]),
                name="dataexport_one_in_progress",
            ),
        ]
        indexes = [
            # The hourly expiry: ready exports by their end of life.
            models.Index(fields=["status", "expires_at"], name="dataexport_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"data export {self.pk} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Erasure(models.Model):
    """One erasure of a person (GDPR Art. 17), run step by step by the task queue
    (hanse/privacy/erasure.py). While it runs, ``user`` points at the person: that is the mark
    "erasure in progress" (the account is already deactivated). The last step deletes the
    account, which clears ``user``; the row then keeps the policy, who asked, the counts and
    the dates, never the person's name or id (the audit log keeps the id, Art. 17(3)(b))."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, will resume")

    class Policy(models.TextChoices):
        PSEUDONYMISE = "pseudonymise", _("Pseudonymise: content stays as “former employee”")
        DELETE = "delete", _("Delete: the person's content is deleted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person"),
    )
    policy = models.CharField(_("policy"), max_length=16, choices=Policy.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    # The account that holds the content that stays ("former employee").
    pseudonym = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pseudonym"),
    )
    # The keys of the registered steps already done (hanse/core/personal_data.py): a rerun
    # after a crash skips them.
    steps_done = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["queued", "running", "failed"]),
                name="erasure_one_in_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"erasure {self.pk} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status != self.Status.DONE
