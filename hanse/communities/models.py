"""Communities: self-organised groups with open, private or secret visibility."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from hanse.core.rules import is_platform_admin
from hanse.people.guests import is_guest

if TYPE_CHECKING:
    from hanse.people.models import User


class CommunityQuerySet(models.QuerySet["Community"]):
    def visible_to(self, user: User | None) -> CommunityQuerySet:
        """The one home of "may this person know the community exists".

        Open and private communities are listed for every signed-in employee; a secret one
        only for its members. Platform administrators see all (they moderate).
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_platform_admin(user):
            return self.all()
        is_member = Membership.objects.filter(community=OuterRef("pk"), user=user)
        if is_guest(user):
            # Guests know only the communities they were invited into.
            return self.filter(Exists(is_member))
        return self.filter(~Q(kind=Community.Kind.SECRET) | Exists(is_member))

    def content_visible_to(self, user: User | None) -> CommunityQuerySet:
        """Communities whose content (posts, members, events) the person may read."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_platform_admin(user):
            return self.all()
        is_member = Membership.objects.filter(community=OuterRef("pk"), user=user)
        if is_guest(user):
            return self.filter(Exists(is_member))
        return self.filter(Q(kind=Community.Kind.OPEN) | Exists(is_member))


class Community(models.Model):
    class Kind(models.TextChoices):
        OPEN = "open", _("Open")
        PRIVATE = "private", _("Private")
        SECRET = "secret", _("Secret")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("founded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("founded"), auto_now_add=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        indexes = [models.Index(fields=["kind", "name"], name="community_kind_name_idx")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MODERATOR = "moderator", _("Moderator")
        MEMBER = "member", _("Member")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_unique"),
        ]
        # "My communities" reads by user; the unique constraint serves by community.
        indexes = [models.Index(fields=["user", "community"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community} ({self.role})"


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("community"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("person"),
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(status="pending"),
                name="joinrequest_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} -> {self.community} ({self.status})"


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("community")
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_invitations",
        verbose_name=_("invitee"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "invitee"],
                condition=Q(status="pending"),
                name="invitation_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitee} <- {self.community} ({self.status})"
