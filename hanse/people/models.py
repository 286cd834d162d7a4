"""People: the user (who is also the profile), org units, locations, skills and follows."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [
    ("de", _("German")),
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("pl", _("Polish")),
    ("tr", _("Turkish")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("ar", _("Arabic")),
    ("nl", _("Dutch")),
    ("da", _("Danish")),
]
UI_LANGUAGE_CHOICES = [("de", _("German")), ("en", _("English"))]


class Location(models.Model):
    """A place people work at: the head office or a branch."""

    class Kind(models.TextChoices):
        HEAD_OFFICE = "head_office", _("Head office")
        BRANCH = "branch", _("Branch")
        OTHER = "other", _("Other site")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BRANCH)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class OrgUnit(models.Model):
    """A node of the organisation tree: the bank, a division, a department, a branch, a team.

    ``path`` is a materialised path ("0001.0004.0012.") so that "this unit and everything
    below it" is one indexed prefix query instead of a recursive walk.
    """

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        DIVISION = "division", _("Division")
        DEPARTMENT = "department", _("Department")
        BRANCH = "branch", _("Branch")
        TEAM = "team", _("Team")

    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    manager = models.ForeignKey(
        "people.User",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_units",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    path = models.CharField(
        max_length=255, db_index=True, editable=False, default="", verbose_name=_("path")
    )
    depth = models.PositiveSmallIntegerField(editable=False, default=0, verbose_name=_("depth"))

    class Meta:
        ordering = ["path"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """A skill or topic, shared between "skills" and "ask me about"."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class HanseUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # Log in with the username or the e-mail address, in any letter case.
        username = username or ""
        field = "email__iexact" if "@" in username else "username__iexact"
        return self.get(**{field: username})


class User(AbstractUser):
    """An employee. The profile lives on the user: one row, no join, always present."""

    email = models.EmailField(_("e-mail address"), unique=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("branch or location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    about = models.TextField(_("about me"), max_length=4000, blank=True)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), blank=True, related_name="people_with_skill"
    )
    ask_me_about = models.ManyToManyField(
        Skill, verbose_name=_("ask me about"), blank=True, related_name="people_to_ask"
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    avatar = models.ImageField(_("photo"), upload_to="avatars/%Y/%m/", blank=True)
    avatar_thumbnail = models.ImageField(upload_to="avatars/thumbs/%Y/%m/", blank=True)
    ui_language = models.CharField(
        _("language of the interface"),
        max_length=8,
        choices=UI_LANGUAGE_CHOICES,
        blank=True,
        help_text=_("Leave empty to follow the browser's language."),
    )
    # Presence (online/away) is shown only while both this and the site switch allow it.
    show_presence = models.BooleanField(
        _("show when I am online"),
        default=True,
        help_text=_("Colleagues see a dot next to your name while you have Hanse open."),
    )
    # The expert finder ("Wer weiß was?") may rank this person by what they wrote and the
    # reactions it got; off, only their declared skills and "ask me about" topics count.
    expert_from_activity = models.BooleanField(
        _("suggest me as an expert from what I write"),
        default=True,
        help_text=_(
            "“Wer weiß was?” can suggest you for a topic because of your posts and comments "
            "about it. Your skills and “ask me about” topics count either way."
        ),
    )
    # The pseudonymous account that holds an erased person's content (GDPR Art. 17,
    # hanse/privacy/erasure.py): shown as "Former employee", never signs in, has no profile.
    is_former = models.BooleanField(default=False, editable=False)
    # Guests from partner organisations (hanse/people/guests.py is the one home of what being
    # a guest means): they see only the communities and chat channels they were invited into.
    # On the row itself, so that every page that shows a name can mark them without a join.
    is_guest = models.BooleanField(
        _("guest"),
        default=False,
        help_text=_(
            "A guest from a partner organisation: sees only the communities and chat channels "
            "they are a member of."
        ),
    )
    guest_organisation = models.CharField(_("guest's organisation"), max_length=120, blank=True)
    guest_expires_at = models.DateTimeField(
        _("guest access until"),
        null=True,
        blank=True,
        help_text=_("After this moment the guest can no longer sign in."),
    )
    following = models.ManyToManyField(
        "self",
        through="Follow",
        through_fields=("follower", "followee"),
        symmetrical=False,
        related_name="followers",
    )

    objects: ClassVar[HanseUserManager] = HanseUserManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(Lower("last_name"), Lower("first_name"), name="user_name_idx"),
            # @mentions are resolved by username whatever its letter case.
            models.Index(Lower("username"), name="user_username_lower_idx"),
        ]
        permissions = [("found_community", _("Can found communities when founding is restricted"))]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.is_former:
            return str(_("Former employee"))
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.username

    @property
    def initials(self) -> str:
        if self.is_former:
            return "?"
        parts = [p for p in (self.first_name, self.last_name) if p]
        if not parts:
            return self.username[:2].upper()
        return "".join(p[0] for p in parts).upper()


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follow_edges")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_edges")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_unique"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followee")), name="follow_not_self"
            ),
        ]
        # The unique constraint serves "whom do I follow"; this one "who follows me".
        indexes = [models.Index(fields=["followee", "follower"], name="follow_followee_idx")]

    def __str__(self) -> str:
        return f"{self.follower_id} -> {self.followee_id}"
