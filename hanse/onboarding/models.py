"""A new person's first day: only what the data cannot tell (dismissed, congratulated).

Whether a step is done is never stored: the checklist reads it from the profile, the
memberships, the follows, the notification settings and the posts each time (selectors.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FirstDayChecklist(models.Model):
    """One row per person who dismissed the checklist or finished it; none for everyone else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="first_day_checklist",
        verbose_name=_("person"),
    )
    # Hidden by the person before every step was done.
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)
    # Every step done: the congratulation was shown once and the checklist is gone for good.
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("first-day checklist")
        verbose_name_plural = _("first-day checklists")

    def __str__(self) -> str:
        return f"first-day checklist of {self.user_id}"
