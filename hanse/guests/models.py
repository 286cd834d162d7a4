"""Invitations of guests from partner organisations into a community and its channels.

Whether a person *is* a guest lives on the user (``hanse/people/guests.py``); this app holds
how they came in: who invited them, into what, until when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hanse.people.models import User


class Guest(User):
    """Guests, listed apart from the employees in admin (where their access is extended)."""

    class Meta:
        proxy = True
        verbose_name = _("guest")
        verbose_name_plural = _("guests")


class GuestInvitation(models.Model):
    """An e-mail invitation with a one-time link; only the SHA-256 of the link's token is
    stored, so the table cannot be used to sign up in someone else's name."""

    email = models.EmailField(_("e-mail address"))
    organisation = models.CharField(_("organisation"), max_length=120)
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        related_name="guest_invitations",
        verbose_name=_("community"),
    )
    channels = models.ManyToManyField(
        "chat.Channel", blank=True, related_name="guest_invitations", verbose_name=_("channels")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The link works until this moment.
    expires_at = models.DateTimeField(_("link valid until"))
    # The guest's access ends at this moment (copied to User.guest_expires_at on acceptance).
    access_until = models.DateTimeField(_("guest access until"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guest_invitations",
        verbose_name=_("guest"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("guest invitation")
        verbose_name_plural = _("guest invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.community_id}"
