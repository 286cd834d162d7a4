"""Consent decisions: a proposal in a community, named responses, amendments, an outcome.

A proposal is seen by exactly those who may read its community's content
(``Community.objects.content_visible_to``). Responses are named on purpose: this is a
decision, not a poll. An amendment raises the proposal's version; responses keep the version
they were given to, so the page can say "given to an earlier version".
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core.rules import is_active_user

if TYPE_CHECKING:
    from datetime import datetime

    from hanse.people.models import User

TITLE_CHARS = 200
TEXT_CHARS = 10_000
REASON_CHARS = 2_000


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def visible_to(self, user: User | None) -> ProposalQuerySet:
        """The one home of "may see this proposal": its community's content rule."""
        if not is_active_user(user):
            return self.none()
        return self.filter(community__in=Community.objects.content_visible_to(user).values("id"))


class Proposal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open for responses")
        DECIDED = "decided", _("Decided")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        ADOPTED_WITH_CHANGES = "adopted_with_changes", _("Adopted with changes")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=TITLE_CHARS)
    text = models.TextField(_("proposal"), max_length=TEXT_CHARS)
    background = models.TextField(_("background"), max_length=TEXT_CHARS, blank=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("proposer"),
    )
    deadline = models.DateTimeField(_("deadline"))
    # Empty: all members of the community decide; else these people.
    deciders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("who decides")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=25, choices=Outcome.choices, blank=True)
    outcome_statement = models.TextField(_("outcome statement"), max_length=TEXT_CHARS, blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    deadline_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["community", "status"], name="proposal_comm_status_idx")]

    def __str__(self) -> str:
        return self.title

    def deadline_passed(self, now: datetime | None = None) -> bool:
        return self.deadline <= (now or timezone.now())


class Amendment(models.Model):
    """An earlier wording of a proposal: kept when the proposer amends it."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("proposal")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    previous_text = models.TextField(_("earlier text"), max_length=TEXT_CHARS)
    note = models.CharField(_("what changed"), max_length=REASON_CHARS)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["version"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "version"], name="amendment_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} v{self.version}"


class Response(models.Model):
    class Kind(models.TextChoices):
        CONSENT = "consent", _("Consent")
        CONCERN = "concern", _("Consent with a concern")
        OBJECTION = "objection", _("Objection")
        ABSTAIN = "abstain", _("Abstain")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="responses", verbose_name=_("proposal")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposal_responses",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("response"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("reason"), max_length=REASON_CHARS, blank=True)
    # The proposal's version this response was given to.
    version = models.PositiveSmallIntegerField(_("version"))
    responded_at = models.DateTimeField(_("responded at"), default=timezone.now)

    class Meta:
        ordering = ["responded_at", "id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="response_one_per_person"),
            models.CheckConstraint(
                condition=~models.Q(kind="objection") | ~models.Q(reason=""),
                name="response_objection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} on {self.proposal_id}"


def _proposal_file_path(instance: object, filename: str) -> str:
    # A random name, like post attachments: the path says nothing about the proposal.
    return f"decisions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def _proposal_thumb_path(instance: object, filename: str) -> str:
    return f"decisions/thumbs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.webp"


class ProposalAttachmentQuerySet(models.QuerySet["ProposalAttachment"]):
    def visible_to(self, user: User | None) -> ProposalAttachmentQuerySet:
        """The one home of "may this person download this file": its proposal is visible."""
        return self.filter(proposal__in=Proposal.objects.visible_to(user).values("id"))


class ProposalAttachment(models.Model):
    """A file attached to a proposal (background material); stored by hanse/core/uploads.py,
    served through the decisions' own permission-checked view."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("proposal")
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    kind = models.CharField(_("kind"), max_length=8)  # image | file
    file = models.FileField(_("file"), upload_to=_proposal_file_path, max_length=255)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=_proposal_thumb_path, max_length=255, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ProposalAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("file of a proposal")
        verbose_name_plural = _("files of proposals")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("decisions:file", args=[self.pk, self.original_name])
