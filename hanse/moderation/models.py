"""Reports, hidden and removed content, the moderators' decisions and suspensions.

Content is named by its moderatable type's key and id (hanse/core/moderation.py), not by a
foreign key: moderation sits below the content apps and knows them only through the registry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REASON_CHARS = 2_000


class Report(models.Model):
    class Category(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        HARASSMENT = "harassment", _("Harassment or insult")
        DISCRIMINATION = "discrimination", _("Discrimination")
        CONFIDENTIAL = "confidential", _("Confidential or customer data")
        INAPPROPRIATE = "inappropriate", _("Inappropriate content")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    class Outcome(models.TextChoices):
        HIDDEN = "hidden", _("Hidden")
        REMOVED = "removed", _("Removed")
        DISMISSED = "dismissed", _("No violation found")

    kind = models.CharField(_("kind"), max_length=32)
    object_id = models.PositiveBigIntegerField(_("object id"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reporter"),
    )
    # Copied when reported: the queue filters by them without asking every content app.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("community"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    text = models.TextField(_("reason"), max_length=REASON_CHARS, blank=True)
    # What the content said when it was reported (it may be edited or deleted later).
    excerpt = models.TextField(_("excerpt"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        permissions = [("moderate_platform", _("Can moderate all content (platform moderator)"))]
        indexes = [
            models.Index(fields=["kind", "object_id"], name="moderation_rep_object_idx"),
            models.Index(fields=["status", "community"], name="moderation_rep_queue_idx"),
        ]
        constraints = [
            # One open report per person and content.
            models.UniqueConstraint(
                fields=["kind", "object_id", "reporter"],
                condition=Q(status="open"),
                name="moderation_report_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} ({self.category})"


class Hiding(models.Model):
    """Content moderation took out of sight: one row per hidden or removed object. Every
    type's ``visible_to`` leaves these out (hanse/moderation/policy.py); restoring deletes
    the row (the decisions stay in :class:`Decision` and the audit log)."""

    class State(models.TextChoices):
        HIDDEN = "hidden", _("Hidden")
        REMOVED = "removed", _("Removed")

    kind = models.CharField(_("kind"), max_length=32)
    object_id = models.PositiveBigIntegerField(_("object id"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("community"),
    )
    reason = models.TextField(_("reason"), max_length=REASON_CHARS)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderator"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("hidden content")
        verbose_name_plural = _("hidden content")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="moderation_hiding_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.state}"


class Decision(models.Model):
    """One thing a moderator did: the history of a person and of a piece of content."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        REMOVE = "remove", _("Removed")
        RESTORE = "restore", _("Restored")
        DISMISS = "dismiss", _("Dismissed")
        WARN = "warn", _("Warned")
        SUSPEND = "suspend", _("Suspended")
        LIFT = "lift", _("Suspension lifted")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    kind = models.CharField(_("kind"), max_length=32, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    # Whom it concerns: the content's author, or the person warned or suspended.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    reason = models.TextField(_("reason"), max_length=REASON_CHARS, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderator"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        indexes = [
            models.Index(fields=["kind", "object_id"], name="moderation_dec_object_idx"),
            models.Index(fields=["subject", "id"], name="moderation_dec_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.kind}:{self.object_id}"


class Suspension(models.Model):
    """A person may not sign in (nor use an API token) until ``ends_at``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.TextField(_("reason"), max_length=REASON_CHARS)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderator"),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        indexes = [models.Index(fields=["user", "ends_at"], name="moderation_susp_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} until {self.ends_at:%Y-%m-%d %H:%M}"
