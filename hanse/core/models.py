"""Site-wide settings that administrators change at run time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SiteConfiguration(models.Model):
    """One row: the settings an administrator changes in Django admin without a restart."""

    class CommunityFounding(models.TextChoices):
        EVERYONE = "everyone", _("Every employee")
        RESTRICTED = "restricted", _("Only people with the permission to found communities")

    community_founding = models.CharField(
        _("who may found communities"),
        max_length=20,
        choices=CommunityFounding.choices,
        default=CommunityFounding.EVERYONE,
    )
    # Presence can be read as monitoring; the staff council may ask to switch it off for all.
    presence_enabled = models.BooleanField(
        _("show who is online"),
        default=True,
        help_text=_(
            "Show a dot for people who are online in chat and on profiles. Each person can "
            "hide their own status. Switch it off for everyone if it is felt as monitoring."
        ),
    )

    class Meta:
        verbose_name = _("site configuration")
        verbose_name_plural = _("site configuration")

    def __str__(self) -> str:
        return str(_("Site configuration"))

    @classmethod
    def get(cls) -> SiteConfiguration:
        config, _created = cls.objects.get_or_create(pk=1)
        return config


class IdempotencyKey(models.Model):
    """A create request a person (or their client) named with a key: a retry with the same
    key returns what the first one made (hanse/core/idempotency.py). Kept for a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    scope = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("key"), max_length=100)
    # Null only inside the transaction that claimed the key and is creating the object.
    object_id = models.BigIntegerField(_("object"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope", "key"], name="idempotencykey_user_scope_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class RetentionState(models.Model):
    """Per retention policy (hanse/core/retention.py): the last preview, the administrator's
    confirmation and the last run. Deletion runs only while ``confirmed_days`` equals the
    period in force: a changed period needs a new confirmation (hanse/core/retention_runs.py)."""

    key = models.CharField(_("kind"), max_length=40, unique=True)
    previewed_at = models.DateTimeField(_("previewed at"), null=True, blank=True)
    preview_days = models.PositiveIntegerField(_("period at the preview"), default=0)
    preview_cutoff = models.DateTimeField(_("cut-off at the preview"), null=True, blank=True)
    preview_count = models.PositiveBigIntegerField(_("would be deleted"), default=0)
    confirmed_days = models.PositiveIntegerField(_("confirmed period"), null=True, blank=True)
    # An id, not a foreign key, like the audit log: the record outlives the person.
    confirmed_by_id = models.BigIntegerField(_("confirmed by"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_deleted = models.PositiveBigIntegerField(_("deleted at the last run"), default=0)
    last_error = models.TextField(_("last refusal"), blank=True)

    class Meta:
        verbose_name = _("retention state")
        verbose_name_plural = _("retention states")

    def __str__(self) -> str:
        return self.key
