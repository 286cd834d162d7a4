"""Idea campaigns, ideas with supporters and a status history, and experiments.

An idea lives in a community (or company-wide) and is seen by exactly those who may read that
community's content (``Community.objects.content_visible_to``); a company-wide one by every
active employee. A campaign's ideas take the campaign's community. Experiments follow the
same rule through their own community column (copied from the idea they come from).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core import moderation
from hanse.core.rules import is_active_user
from hanse.people.guests import is_guest

if TYPE_CHECKING:
    from hanse.people.models import User

TITLE_CHARS = 200
TEXT_CHARS = 10_000
REASON_CHARS = 2_000


def _in_readable_community(user: User | None, prefix: str = "") -> Q:
    """Company-wide (no community) or a community whose content the person may read."""
    readable = Community.objects.content_visible_to(user).values("id")
    if is_guest(user):
        # Guests: their communities only, no company-wide campaigns.
        return Q(**{f"{prefix}community__in": readable})
    return Q(**{f"{prefix}community__isnull": True}) | Q(**{f"{prefix}community__in": readable})


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def visible_to(self, user: User | None) -> CampaignQuerySet:
        """The one home of "may see this campaign": its community's content rule."""
        if not is_active_user(user):
            return self.none()
        return self.filter(_in_readable_community(user))


class Campaign(models.Model):
    """A question put to a community or the company, open for ideas for a period."""

    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="idea_campaigns",
        verbose_name=_("community"),
    )
    question = models.CharField(_("question"), max_length=TITLE_CHARS)
    description = models.TextField(_("description"), max_length=TEXT_CHARS, blank=True)
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # Comma-separated, shown as choices on the idea form; optional.
    categories = models.CharField(_("categories"), max_length=500, blank=True)
    # Ideas waiting longer than this in "new" or "under review" are flagged on the board.
    review_days = models.PositiveSmallIntegerField(_("days until flagged"), default=14)
    # Empty: support as many ideas as one likes; else each person supports at most this many
    # ideas of the campaign (withdrawing gives one back).
    support_budget = models.PositiveSmallIntegerField(
        _("supports per person"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("opened by"),
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("reviewers")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("idea campaign")
        verbose_name_plural = _("idea campaigns")

    def __str__(self) -> str:
        return self.question

    def category_list(self) -> list[str]:
        return [c.strip() for c in self.categories.split(",") if c.strip()]

    def is_open(self, today: object | None = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or today <= self.ends_on)  # type: ignore[operator]  # dates compare


class IdeaQuerySet(models.QuerySet["Idea"]):
    def visible_to(self, user: User | None) -> IdeaQuerySet:
        """The one home of "may see this idea": its community's content rule (without what
        moderation hid: hanse/core/moderation.py)."""
        if not is_active_user(user):
            return self.none()
        return moderation.exclude_hidden(self.filter(_in_readable_community(user)), "idea", user)


class Idea(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        UNDER_REVIEW = "under_review", _("Under review")
        EXPERIMENT = "experiment", _("Experiment")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        PARKED = "parked", _("Parked")

    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ideas",
        verbose_name=_("campaign"),
    )
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ideas",
        verbose_name=_("community"),
    )
    title = models.CharField(_("title"), max_length=TITLE_CHARS)
    description = models.TextField(_("description"), max_length=TEXT_CHARS)
    category = models.CharField(_("category"), max_length=80, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ideas",
        verbose_name=_("author"),
    )
    # Colleagues who accepted the author's invitation (CoauthorInvitation): they edit the
    # idea with the author and are named on it. Rows from before invitations existed were
    # added without asking and count as accepted (migration 0003).
    coauthors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coauthored_ideas",
        verbose_name=_("co-authors"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # Kept with F() by the support service, so lists never count rows.
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_ideas",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            models.Index(fields=["community", "status"], name="idea_community_status_idx"),
            models.Index(fields=["campaign", "status"], name="idea_campaign_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title


def _idea_file_path(instance: object, filename: str) -> str:
    # A random name, like post attachments: the path says nothing about the idea or person.
    return f"ideas/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def _idea_thumb_path(instance: object, filename: str) -> str:
    return f"ideas/thumbs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.webp"


class IdeaAttachmentQuerySet(models.QuerySet["IdeaAttachment"]):
    def visible_to(self, user: User | None) -> IdeaAttachmentQuerySet:
        """The one home of "may this person download this file": its idea is visible."""
        return self.filter(idea__in=Idea.objects.visible_to(user).values("id"))


class IdeaAttachment(models.Model):
    """A file attached to an idea; validated and stored by hanse/core/uploads.py, served
    through the ideas' own permission-checked view."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("idea")
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    kind = models.CharField(_("kind"), max_length=8)  # image | file
    file = models.FileField(_("file"), upload_to=_idea_file_path, max_length=255)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=_idea_thumb_path, max_length=255, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = IdeaAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("file of an idea")
        verbose_name_plural = _("files of ideas")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("ideas:file", args=[self.pk, self.original_name])


class IdeaSupport(models.Model):
    """One person supports one idea once: the unique constraint is the guarantee, also when
    the same click arrives twice at the same moment."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="supports", verbose_name=_("idea")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="idea_supports",
        verbose_name=_("person"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="idea_support_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.idea_id}"


class CoauthorInvitation(models.Model):
    """The author named this person as a co-author; they have not said yes (yet). Accepting
    moves them into ``Idea.coauthors`` and removes this row; declining keeps the row with
    ``declined_at`` so the author sees the answer and the person is not asked again until
    the author takes the name off and puts it back."""

    idea = models.ForeignKey(
        Idea,
        on_delete=models.CASCADE,
        related_name="coauthor_invitations",
        verbose_name=_("idea"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="idea_coauthor_invitations",
        verbose_name=_("person"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("co-author invitation")
        verbose_name_plural = _("co-author invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "user"], name="idea_coauthor_invitation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} invited to {self.idea_id}"

    @property
    def pending(self) -> bool:
        return self.declined_at is None


class IdeaComment(models.Model):
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="comments", verbose_name=_("idea")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="idea_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=TEXT_CHARS)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment on an idea")
        verbose_name_plural = _("comments on ideas")

    def __str__(self) -> str:
        return f"comment {self.pk} on idea {self.idea_id}"


class StatusChange(models.Model):
    """Every status change of an idea with its written reason: the idea's history."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("idea")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Idea.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Idea.Status.choices)
    reason = models.TextField(_("reason"), max_length=REASON_CHARS)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} -> {self.to_status}"


class ExperimentQuerySet(models.QuerySet["Experiment"]):
    def visible_to(self, user: User | None) -> ExperimentQuerySet:
        """The one home of "may see this experiment": its community's content rule."""
        if not is_active_user(user):
            return self.none()
        return self.filter(_in_readable_community(user))


class Experiment(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    class Result(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        REFUTED = "refuted", _("Refuted")
        INCONCLUSIVE = "inconclusive", _("Inconclusive")

    class NextStep(models.TextChoices):
        ADOPT = "adopt", _("Adopt")
        ANOTHER = "another", _("Another experiment")
        STOP = "stop", _("Stop")

    idea = models.ForeignKey(
        Idea,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiments",
        verbose_name=_("idea"),
    )
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="experiments",
        verbose_name=_("community"),
    )
    title = models.CharField(_("title"), max_length=TITLE_CHARS)
    hypothesis = models.TextField(_("hypothesis"), max_length=REASON_CHARS)
    plan = models.TextField(_("plan"), max_length=TEXT_CHARS, blank=True)
    success_looks_like = models.TextField(
        _("what success looks like"), max_length=REASON_CHARS, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="owned_experiments",
        verbose_name=_("owner"),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="experiments", verbose_name=_("team")
    )
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    result = models.CharField(_("result"), max_length=15, choices=Result.choices, blank=True)
    lessons = models.TextField(_("lessons learned"), max_length=TEXT_CHARS, blank=True)
    next_step = models.CharField(
        _("next step"), max_length=10, choices=NextStep.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The story shared to the stream when it closed (one per experiment).
    story_post = models.ForeignKey(
        "posts.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("shared as a story"),
    )
    # Set when the owner was told the end date has come (the scheduler tells once per date;
    # moving the end date clears it).
    due_notified_at = models.DateTimeField(_("end date reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ExperimentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        constraints = [
            # A closed experiment always has its result and lessons (the service's rule,
            # kept by the database too).
            models.CheckConstraint(
                condition=Q(status="running") | (~Q(result="") & ~Q(lessons="")),
                name="experiment_closed_has_result",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ExperimentUpdate(models.Model):
    """A post in the experiment's own small stream, or a recorded change of its plan, dates
    or team (``kind`` "change", written by the edit service)."""

    class Kind(models.TextChoices):
        UPDATE = "update", _("Update")
        CHANGE = "change", _("Change")

    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="updates", verbose_name=_("experiment")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.UPDATE)
    body = models.TextField(_("update"), max_length=TEXT_CHARS)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("experiment update")
        verbose_name_plural = _("experiment updates")

    def __str__(self) -> str:
        return f"update {self.pk} of experiment {self.experiment_id}"
