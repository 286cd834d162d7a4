"""Friends forming a circle themselves: one person proposes it with 3 or 4 colleagues, a
weekly time, a place and a language; each invitee confirms or declines. Once everyone has
answered, the circle exists (with at least three people) or the proposal lapses.

A proposal is seen by the person who made it and the people invited to it, nobody else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.circles.models.circles import Circle, SignUp, slot_label

if TYPE_CHECKING:
    from hanse.people.models import User


class FriendCircleQuerySet(models.QuerySet["FriendCircle"]):
    def visible_to(self, user: User | None) -> FriendCircleQuerySet:
        """Its initiator and the colleagues invited to it; no administrator exception."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(Q(initiator=user) | Q(invites__user=user)).distinct()


class FriendCircle(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for answers")
        FORMED = "formed", _("Circle formed")
        LAPSED = "lapsed", _("Not enough people")

    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    name = models.CharField(_("name"), max_length=80)
    starts_on = models.DateField(_("first week starts"))
    weeks = models.PositiveSmallIntegerField(_("weeks"), default=12)
    slot = models.PositiveSmallIntegerField(_("meeting slot"))
    location = models.ForeignKey(
        "people.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("location"),
    )
    language = models.CharField(
        _("language"), max_length=4, choices=SignUp.Language.choices, default="de"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    circle = models.OneToOneField(
        Circle,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="friend_proposal",
        verbose_name=_("circle"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = FriendCircleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("circle proposed by friends")
        verbose_name_plural = _("circles proposed by friends")

    def __str__(self) -> str:
        return self.name

    @property
    def slot_label(self) -> str:
        return slot_label(self.slot)


class FriendInvite(models.Model):
    class Answer(models.TextChoices):
        PENDING = "pending", _("Not answered yet")
        ACCEPTED = "accepted", _("Confirmed")
        DECLINED = "declined", _("Declined")

    proposal = models.ForeignKey(
        FriendCircle, on_delete=models.CASCADE, related_name="invites", verbose_name=_("proposal")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    answer = models.CharField(
        _("answer"), max_length=8, choices=Answer.choices, default=Answer.PENDING
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("invitation to a circle")
        verbose_name_plural = _("invitations to a circle")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="circle_friend_invite_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} to {self.proposal_id}"
