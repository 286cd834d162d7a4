"""Multipliers ("Connectoren"): volunteers who help colleagues with new ways of working."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.people.guests import is_guest

if TYPE_CHECKING:
    from hanse.people.models import User


class MultiplierQuerySet(models.QuerySet["Multiplier"]):
    def visible_to(self, user: User | None) -> MultiplierQuerySet:
        """Approved multipliers for every employee; one's own volunteering too."""
        if user is None or not user.is_authenticated or not user.is_active or is_guest(user):
            # The multipliers' programme is the company's own; guests see none of it.
            return self.none()
        return self.filter(
            Q(status=Multiplier.Status.APPROVED, user__is_active=True) | Q(user=user)
        )


class Multiplier(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="multiplier",
        verbose_name=_("person"),
    )
    topics = models.CharField(_("topics I help with"), max_length=250)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = MultiplierQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "id"]
        verbose_name = _("multiplier")
        verbose_name_plural = _("multipliers")

    def __str__(self) -> str:
        return f"multiplier {self.user_id}"

    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.split(",") if t.strip()]
