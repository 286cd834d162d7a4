"""Circle rounds, sign-ups, circles, their members' goals, relationships and check-ins.

Confidentiality is the promise of a circle: goals, relationship lists, check-ins and the chat
are readable by the circle's members only (and goals, relationships and check-ins by their
owner only, unless shared). There is no administrator or coordinator exception: a
coordinator sees who is in which circle and whether it meets, never what is said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from hanse.people.models import User

# Meeting slots: a weekday (1 = Monday) and the hour a one-hour meeting starts, stored as
# weekday * 100 + hour (112 = Monday 12:00). Matching turns a person's slots into a bit mask.
WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
]
HOURS = [8, 10, 12, 14, 16]
SLOTS = [day * 100 + hour for day, _label in WEEKDAYS for hour in HOURS]


def slot_label(slot: int) -> str:
    day = dict(WEEKDAYS).get(slot // 100, "?")
    return f"{day} {slot % 100:02d}:00"


class CircleRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Sign-up open")
        MATCHING = "matching", _("Matching")
        CONFIRMED = "confirmed", _("Circles formed")
        FINISHED = "finished", _("Finished")

    name = models.CharField(_("name"), max_length=120)
    signup_closes = models.DateField(_("sign-up closes"))
    starts_on = models.DateField(_("first week starts"))
    weeks = models.PositiveSmallIntegerField(_("weeks"), default=12)
    min_size = models.PositiveSmallIntegerField(_("smallest circle"), default=4)
    max_size = models.PositiveSmallIntegerField(_("largest circle"), default=5)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # The matching's proposal the coordinator reviews: {"circles": [[sign-up ids]],
    # "unplaced": [ids], "objective": {...}}. Names and wishes are never stored in it.
    proposal = models.JSONField(_("proposal"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("circle round")
        verbose_name_plural = _("circle rounds")
        permissions = [("coordinate_circles", _("Coordinate circles and multipliers"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_size__gte=2) & Q(max_size__gte=models.F("min_size")),
                name="circle_round_sizes",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SignUp(models.Model):
    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_SITE = "on_site", _("On site")
        EITHER = "either", _("On site or online")

    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")
        BOTH = "both", _("German or English")

    round = models.ForeignKey(
        CircleRound, on_delete=models.CASCADE, related_name="signups", verbose_name=_("round")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="circle_signups",
        verbose_name=_("person"),
    )
    # Private to the person: never shown to the coordinator or anyone else.
    goal = models.TextField(_("goal"), max_length=1000, blank=True)
    slots = models.JSONField(_("meeting slots"), default=list)
    mode = models.CharField(_("where"), max_length=10, choices=Mode.choices, default=Mode.ONLINE)
    location = models.ForeignKey(
        "people.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("location"),
    )
    language = models.CharField(
        _("language"), max_length=4, choices=Language.choices, default=Language.GERMAN
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("circle sign-up")
        verbose_name_plural = _("circle sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="circle_signup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.round_id}"


class SignUpWish(models.Model):
    """A wish to be with (or not with) a colleague. Never shown to anyone, not even the
    person it is about; matching reads it, the admin does not list it."""

    class Kind(models.TextChoices):
        WITH = "with", _("would like to be with")
        WITHOUT = "without", _("would rather not be with")

    signup = models.ForeignKey(
        SignUp, on_delete=models.CASCADE, related_name="wishes", verbose_name=_("sign-up")
    )
    other = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("colleague"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)

    class Meta:
        verbose_name = _("sign-up wish")
        verbose_name_plural = _("sign-up wishes")
        constraints = [
            models.UniqueConstraint(fields=["signup", "other"], name="circle_wish_unique")
        ]

    def __str__(self) -> str:
        return f"wish {self.pk}"


class CircleQuerySet(models.QuerySet["Circle"]):
    def visible_to(self, user: User | None) -> CircleQuerySet:
        """The one home of "may this person enter the circle space": its members only. No
        administrator or coordinator exception (they see the roster through
        ``roster_visible_to``, never the space)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(members__user=user)


class Circle(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    round = models.ForeignKey(
        CircleRound,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="circles",
        verbose_name=_("round"),
    )
    name = models.CharField(_("name"), max_length=80)
    starts_on = models.DateField(_("first week starts"))
    weeks = models.PositiveSmallIntegerField(_("weeks"), default=12)
    slot = models.PositiveSmallIntegerField(_("meeting slot"))
    online = models.BooleanField(_("online"), default=True)
    location = models.ForeignKey(
        "people.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("location"),
    )
    # The weekly meeting (events) and the chat (chat): both visible to members only.
    event = models.OneToOneField(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="circle",
        verbose_name=_("weekly meeting"),
    )
    channel = models.OneToOneField(
        "chat.Channel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="circle",
        verbose_name=_("chat channel"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # An online meeting's address, set by the circle's members (https only); members only.
    meeting_url = models.URLField(_("online meeting link"), max_length=500, blank=True)

    objects = CircleQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        verbose_name = _("circle")
        verbose_name_plural = _("circles")

    def __str__(self) -> str:
        return self.name


class CircleMember(models.Model):
    circle = models.ForeignKey(
        Circle, on_delete=models.CASCADE, related_name="members", verbose_name=_("circle")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="circle_memberships",
        verbose_name=_("person"),
    )
    # Private to the member unless goal_shared.
    goal = models.TextField(_("goal"), max_length=1000, blank=True)
    goal_shared = models.BooleanField(_("goal shared with the circle"), default=False)
    # Whether the profile may say "takes part in a WOL circle" (never which one).
    show_on_profile = models.BooleanField(_("show participation on profile"), default=False)
    position = models.PositiveSmallIntegerField(_("order of facilitation"), default=0)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("circle member")
        verbose_name_plural = _("circle members")
        constraints = [
            models.UniqueConstraint(fields=["circle", "user"], name="circle_member_unique")
        ]
        indexes = [models.Index(fields=["user", "circle"], name="circle_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.circle_id}"


class WeekAgenda(models.Model):
    """The agenda and exercises of one week, edited by the organisation in the admin."""

    week = models.PositiveSmallIntegerField(_("week"), unique=True)
    title = models.CharField(_("title"), max_length=120)
    agenda = models.TextField(_("agenda"), max_length=4000)
    exercises = models.TextField(_("exercises"), max_length=4000, blank=True)
    guide_url = models.URLField(_("link to the guide"), max_length=500, blank=True)

    class Meta:
        ordering = ["week"]
        verbose_name = _("week agenda")
        verbose_name_plural = _("week agendas")

    def __str__(self) -> str:
        return f"{self.week}: {self.title}"


class Relationship(models.Model):
    """Someone (inside Hanse or not) who relates to a member's goal, with notes on the
    contributions made. Private to the member unless shared with the circle."""

    member = models.ForeignKey(
        CircleMember,
        on_delete=models.CASCADE,
        related_name="relationships",
        verbose_name=_("member"),
    )
    name = models.CharField(_("name"), max_length=120)
    notes = models.TextField(_("contributions and notes"), max_length=2000, blank=True)
    shared = models.BooleanField(_("shared with the circle"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")

    def __str__(self) -> str:
        return f"relationship {self.pk}"


class CheckIn(models.Model):
    """A member's weekly check-in: private to the member."""

    member = models.ForeignKey(
        CircleMember, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("member")
    )
    week = models.PositiveSmallIntegerField(_("week"))
    attended = models.BooleanField(_("attended the meeting"), default=True)
    did = models.TextField(_("what I did"), max_length=2000, blank=True)
    will_try = models.TextField(_("what I will try"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["week"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(fields=["member", "week"], name="circle_checkin_unique")
        ]

    def __str__(self) -> str:
        return f"check-in {self.pk}"
