"""The Connectoren programme around the role: the onboarding checklist, the programme's
community (its meetups are that community's events) and Connectoren stories."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OnboardingItem(models.Model):
    """One step of a new Connector's first weeks; coordinators edit the list."""

    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")

    def __str__(self) -> str:
        return self.title


class OnboardingTick(models.Model):
    """A step a Connector ticked as done. Coordinators see only counts per step."""

    item = models.ForeignKey(
        OnboardingItem, on_delete=models.CASCADE, related_name="ticks", verbose_name=_("step")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    done_at = models.DateTimeField(_("done at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticked onboarding step")
        verbose_name_plural = _("ticked onboarding steps")
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="circles_tick_once_per_person")
        ]

    def __str__(self) -> str:
        return f"tick {self.item_id}/{self.user_id}"


class Programme(models.Model):
    """The programme's one row: the Connectoren community, created on the first approval."""

    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("community"),
    )

    class Meta:
        verbose_name = _("Connectoren programme")
        verbose_name_plural = _("Connectoren programme")

    def __str__(self) -> str:
        return "Connectoren"


class ConnectorStory(models.Model):
    """A post a Connector marked as a story: helping someone, or an experiment. The post is
    an ordinary company-wide post; the story row only tags it."""

    class Kind(models.TextChoices):
        HELPED = "helped", _("I helped someone")
        EXPERIMENT = "experiment", _("An experiment")

    post = models.OneToOneField(
        "posts.Post",
        on_delete=models.CASCADE,
        related_name="connector_story",
        verbose_name=_("post"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Connectoren story")
        verbose_name_plural = _("Connectoren stories")

    def __str__(self) -> str:
        return f"story {self.post_id}"
