"""Polls in posts: named and truly anonymous.

Who voted and what was chosen are two different things here. ``PollVoter`` says *who* voted
(one row per person and poll, the database's guarantee of one vote each, also under
concurrency). *What* was chosen is stored

- for a named poll: ``PollVote`` rows (person, option, optional free text), so the author can
  export who chose what and a person can change their vote until the poll closes;
- for an anonymous poll: only the counters ``PollOption.anonymous_count``, raised by one per
  chosen option in the same transaction that inserts the voter row. There is no ballot row,
  so there is no id, position, timestamp or key that could line a choice up with a voter
  (docs/anonymity.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.posts.models import Post

if TYPE_CHECKING:
    from datetime import datetime

    from hanse.people.models import User

MAX_OPTIONS = 20
MIN_OPTIONS = 2
OPTION_CHARS = 200
OTHER_CHARS = 200


class PollQuerySet(models.QuerySet["Poll"]):
    def visible_to(self, user: User | None) -> PollQuerySet:
        """A poll is visible exactly when its post is (the one home of that rule)."""
        return self.filter(post__in=Post.objects.visible_to(user).values("id"))


class Poll(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")

    class Results(models.TextChoices):
        ALWAYS = "always", _("Always")
        AFTER_VOTE = "after_vote", _("After voting")
        AFTER_CLOSE = "after_close", _("After the poll has closed")

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, related_name="poll", verbose_name=_("post")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    max_choices = models.PositiveSmallIntegerField(_("maximum choices"), default=1)
    allow_other = models.BooleanField(_("“Other” with free text"), default=False)
    # Set when the poll is created and never changed (services refuse it): ballots of an
    # anonymous poll carry no name, so it can never become a named one.
    anonymous = models.BooleanField(_("anonymous"), default=False, editable=False)
    results = models.CharField(
        _("results visible"), max_length=12, choices=Results.choices, default=Results.ALWAYS
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Kept with F() by the vote service, so the card never counts rows.
    voter_count = models.PositiveIntegerField(_("voters"), default=0)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    objects = PollQuerySet.as_manager()

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_choices__gte=1), name="poll_max_choices_positive"
            ),
            # An anonymous poll stores counters only: free text would be a ballot row.
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(allow_other=False),
                name="poll_anonymous_without_other",
            ),
        ]

    def __str__(self) -> str:
        return f"poll {self.pk} of post {self.post_id}"

    def is_closed(self, now: datetime | None = None) -> bool:
        return self.closes_at is not None and self.closes_at <= (now or timezone.now())


class PollOption(models.Model):
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="options", verbose_name=_("poll")
    )
    label = models.CharField(_("answer"), max_length=OPTION_CHARS)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # The ballots of an anonymous poll: how often this option was chosen, nothing else.
    anonymous_count = models.PositiveIntegerField(_("anonymous votes"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")

    def __str__(self) -> str:
        return self.label


class PollVoter(models.Model):
    """That a person has voted in a poll (not what they chose). No timestamp, on purpose."""

    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="voters", verbose_name=_("poll")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="poll_participations",
        verbose_name=_("person"),
    )

    class Meta:
        verbose_name = _("poll participant")
        verbose_name_plural = _("poll participants")
        constraints = [
            # The database, not the service, guarantees one vote per person: two requests
            # at the same moment leave one row, the second gets an IntegrityError.
            models.UniqueConstraint(fields=["poll", "user"], name="pollvoter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} voted in {self.poll_id}"


class PollVote(models.Model):
    """One choice of a named poll: an option, or "other" with its free text (option empty)."""

    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="votes", verbose_name=_("poll")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="poll_votes",
        verbose_name=_("person"),
    )
    option = models.ForeignKey(
        PollOption,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="votes",
        verbose_name=_("answer"),
    )
    other_text = models.CharField(_("other answer"), max_length=OTHER_CHARS, blank=True)
    voted_at = models.DateTimeField(_("voted at"), default=timezone.now)

    class Meta:
        verbose_name = _("poll vote")
        verbose_name_plural = _("poll votes")
        constraints = [
            models.UniqueConstraint(
                fields=["option", "user"],
                condition=Q(option__isnull=False),
                name="pollvote_option_unique",
            ),
            models.UniqueConstraint(
                fields=["poll", "user"],
                condition=Q(option__isnull=True),
                name="pollvote_other_unique",
            ),
        ]
        indexes = [models.Index(fields=["poll", "user"], name="pollvote_poll_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} chose {self.option_id or 'other'} in {self.poll_id}"


# --- questions and answers ----------------------------------------------------------------


class QuestionQuerySet(models.QuerySet["Question"]):
    def visible_to(self, user: User | None) -> QuestionQuerySet:
        """A question is visible exactly when its post is."""
        return self.filter(post__in=Post.objects.visible_to(user).values("id"))


class Question(models.Model):
    """A community post marked as a question. Its answers are the post's top-level comments;
    one of them can be accepted (by the asker or a moderator), which solves the question."""

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, related_name="question", verbose_name=_("post")
    )
    # The post's community, kept here for the per-community lists' index.
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("community"),
    )
    accepted_answer = models.ForeignKey(
        "posts.Comment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted answer"),
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["community", "solved_at", "-id"], name="question_comm_idx"),
            models.Index(fields=["solved_at", "-id"], name="question_solved_idx"),
        ]

    def __str__(self) -> str:
        return f"question {self.pk} (post {self.post_id})"


class AnswerVote(models.Model):
    """One person's upvote of an answer (a comment of a question)."""

    answer = models.ForeignKey(
        "posts.Comment",
        on_delete=models.CASCADE,
        related_name="answer_votes",
        verbose_name=_("answer"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="answer_votes",
        verbose_name=_("person"),
    )

    class Meta:
        verbose_name = _("upvote")
        verbose_name_plural = _("upvotes")
        constraints = [
            models.UniqueConstraint(fields=["answer", "user"], name="answervote_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} upvoted {self.answer_id}"


# --- praise -------------------------------------------------------------------------------


class PraiseValue(models.Model):
    """One of the organisation's values that praise is given for (configured in the admin)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("value")
        verbose_name_plural = _("values")

    def __str__(self) -> str:
        return self.name


class PraiseQuerySet(models.QuerySet["Praise"]):
    def visible_to(self, user: User | None) -> PraiseQuerySet:
        """Praise is visible exactly when its post is (company-wide, or in a community)."""
        return self.filter(post__in=Post.objects.visible_to(user).values("id"))


class Praise(models.Model):
    """Thanks to a colleague for one of the values, shown as a post in the stream and on the
    recipient's profile (unless they hide it there)."""

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, related_name="praise", verbose_name=_("post")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="praise_given",
        verbose_name=_("from"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="praise_received",
        verbose_name=_("for"),
    )
    value = models.ForeignKey(
        PraiseValue, on_delete=models.PROTECT, related_name="praise", verbose_name=_("value")
    )
    hidden_on_profile = models.BooleanField(_("hidden on the profile"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = PraiseQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("praise")
        verbose_name_plural = _("praise")
        indexes = [models.Index(fields=["recipient", "-id"], name="praise_recipient_idx")]

    def __str__(self) -> str:
        return f"{self.author_id} thanks {self.recipient_id} for {self.value_id}"
