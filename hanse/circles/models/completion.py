"""The end of a circle: each member's short retrospective (private to them unless they share
it with the circle) and, if they choose, a story published to the stream as their own post."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.circles.models.circles import CircleMember


class Retrospective(models.Model):
    member = models.OneToOneField(
        CircleMember,
        on_delete=models.CASCADE,
        related_name="retrospective",
        verbose_name=_("circle member"),
    )
    # Private to the member unless shared (with the circle only, never beyond it).
    gave_me = models.TextField(_("what my circle gave me"), max_length=2000, blank=True)
    next_steps = models.TextField(_("what I will carry on"), max_length=2000, blank=True)
    shared = models.BooleanField(_("shared with the circle"), default=False)
    # The story the member chose to publish to the stream (their own post), if any.
    story_post = models.ForeignKey(
        "posts.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("story in the stream"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("retrospective")
        verbose_name_plural = _("retrospectives")

    def __str__(self) -> str:
        return f"retrospective of {self.member_id}"
