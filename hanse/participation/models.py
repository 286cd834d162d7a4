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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.chat.models import ChannelMember, Message
from hanse.core.rules import is_active_user, is_platform_admin
from hanse.people.guests import is_guest
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
        """The one home of that rule. A poll in a post is visible exactly when its post is; a
        poll in a chat message to the channel's members only (a public channel's readers who
        have not joined see the message, not the poll: it asks the members), while the message
        stands (not deleted)."""
        in_post = Q(post__in=Post.objects.visible_to(user).values("id"))
        if not is_active_user(user):
            return self.filter(in_post)
        in_message = Q(
            message__in=Message.objects.visible_to(user)
            .filter(
                deleted_at__isnull=True,
                channel__in=ChannelMember.objects.filter(user=user).values("channel_id"),
            )
            .values("id")
        )
        return self.filter(in_post | in_message)


class Poll(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")

    class Results(models.TextChoices):
        ALWAYS = "always", _("Always")
        AFTER_VOTE = "after_vote", _("After voting")
        AFTER_CLOSE = "after_close", _("After the poll has closed")

    # A poll is part of a post or of a chat message: exactly one of the two.
    post = models.OneToOneField(
        Post,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="poll",
        verbose_name=_("post"),
    )
    message = models.OneToOneField(
        Message,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="poll",
        verbose_name=_("chat message"),
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
            models.CheckConstraint(
                condition=Q(post__isnull=False, message__isnull=True)
                | Q(post__isnull=True, message__isnull=False),
                name="poll_in_post_or_message",
            ),
        ]

    def __str__(self) -> str:
        if self.message_id:
            return f"poll {self.pk} of chat message {self.message_id}"
        return f"poll {self.pk} of post {self.post_id}"

    def get_absolute_url(self) -> str:
        """Where the poll is read: its post's page, or its message in the channel."""
        message = self.message if self.message_id else None
        if message is not None:
            return reverse("chat:channel", args=[message.channel_id]) + f"#m-{message.pk}"
        return reverse("posts:detail", args=[self.post_id])

    # What the poll's home says, whichever it is (a post or a chat message).
    @property
    def home(self) -> Post | Message:
        return self.post if self.post_id else self.message  # type: ignore[return-value]

    @property
    def author_id(self) -> int | None:
        return self.home.author_id

    @property
    def question(self) -> str:
        return self.home.body

    @property
    def community_id(self) -> int | None:
        return self.post.community_id if self.post_id else None  # type: ignore[union-attr]

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


# --- town halls ---------------------------------------------------------------------------

TOWNHALL_TITLE_CHARS = 200
TOWNHALL_QUESTION_CHARS = 1000
TOWNHALL_ANSWER_CHARS = 10000


def unit_prefixes(path: str) -> list[str]:
    """The materialised paths of a unit and all units above it ("0001.0004." -> "0001.",
    "0001.0004."): a person belongs to the audience of each of these units."""
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


class TownHallQuerySet(models.QuerySet["TownHall"]):
    def visible_to(self, user: User | None) -> TownHallQuerySet:
        """The one home of "may see this town hall": its audience (everyone, or the people in
        its units and the units below them), its hosts and moderators, and administrators."""
        if user is None or not is_active_user(user):
            return self.none()
        if is_platform_admin(user):
            return self.all()
        if is_guest(user):
            # Town halls speak to the company's own people; a guest host still sees theirs.
            return self.filter(
                pk__in=self.model.objects.filter(Q(hosts=user) | Q(moderators=user)).values("pk")
            )
        audience = Q(company_wide=True) | Q(hosts=user) | Q(moderators=user)
        unit_path = getattr(getattr(user, "org_unit", None), "path", "") or ""
        if unit_path:
            audience |= Q(units__path__in=unit_prefixes(unit_path))
        return self.filter(pk__in=self.model.objects.filter(audience).values("pk"))


class TownHall(models.Model):
    """A session in which employees ask questions of its hosts (the board, say), before and
    during it, by name or anonymously, and upvote each other's questions."""

    title = models.CharField(_("title"), max_length=TOWNHALL_TITLE_CHARS)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    company_wide = models.BooleanField(_("whole company"), default=True)
    units = models.ManyToManyField(
        "people.OrgUnit", blank=True, related_name="townhalls", verbose_name=_("org units")
    )
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="townhalls_hosted", verbose_name=_("hosts")
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="townhalls_moderated",
        verbose_name=_("moderators"),
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("calendar event"),
    )
    approval_required = models.BooleanField(_("questions need approval"), default=False)
    # One question at a time is being answered, one is pinned: a column each, so "one" is
    # the schema's guarantee rather than a service's.
    current_question = models.ForeignKey(
        "TownHallQuestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answering now"),
    )
    pinned_question = models.ForeignKey(
        "TownHallQuestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pinned question"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = TownHallQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("town hall")
        verbose_name_plural = _("town halls")
        permissions = [("host_townhall", _("Can create and host town halls"))]
        indexes = [models.Index(fields=["starts_at"], name="townhall_starts_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="townhall_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def phase(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if now < self.starts_at:
            return "upcoming"
        return "live" if now < self.ends_at else "past"


class TownHallQuestion(models.Model):
    """A question asked in a town hall. An anonymous question has no author: the row holds
    nothing that names the person who asked (docs/anonymity.md, "Town halls")."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Open")
        ANSWERED = "answered", _("Answered")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged")

    townhall = models.ForeignKey(
        TownHall, on_delete=models.CASCADE, related_name="questions", verbose_name=_("town hall")
    )
    body = models.TextField(_("question"), max_length=TOWNHALL_QUESTION_CHARS)
    # Null for an anonymous question, and for nothing else (the constraint below).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("asked by"),
    )
    anonymous = models.BooleanField(_("anonymous"), default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPROVED
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    # Kept with F() by the upvote services: the list never counts rows.
    vote_count = models.PositiveIntegerField(_("upvotes"), default=0)
    answer = models.TextField(_("answer"), blank=True, max_length=TOWNHALL_ANSWER_CHARS)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)

    class Meta:
        verbose_name = _("town hall question")
        verbose_name_plural = _("town hall questions")
        indexes = [
            # The question list: one town hall's questions by status, most votes first.
            models.Index(
                fields=["townhall", "status", "-vote_count", "created_at"],
                name="thquestion_list_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(author__isnull=True),
                name="thquestion_anonymous_has_no_author",
            )
        ]

    def __str__(self) -> str:
        return f"town hall question {self.pk}"


class TownHallUpvote(models.Model):
    """One person's upvote of a town-hall question. No timestamp: the order of upvotes is
    nobody's business, and an upvote says nothing about who asked."""

    question = models.ForeignKey(
        TownHallQuestion,
        on_delete=models.CASCADE,
        related_name="upvotes",
        verbose_name=_("question"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="townhall_upvotes",
        verbose_name=_("person"),
    )

    class Meta:
        verbose_name = _("town hall upvote")
        verbose_name_plural = _("town hall upvotes")
        constraints = [
            # One upvote per person, also when two requests arrive at the same moment.
            models.UniqueConstraint(fields=["question", "user"], name="thupvote_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} upvoted {self.question_id}"
