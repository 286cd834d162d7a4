"""The notification types: what each one says, where it goes by default, who may see it.

A type is a :class:`NotificationType` registered under a key. The key is stored on every
``Notification`` row, so a type can be added without a migration. This module is the
machinery only: each app declares its own types in ``<app>/notifications.py``, imported from
its ``AppConfig.ready()`` (posts, communities, chat, events)::

    from hanse.notifications.registry import NotificationType, RenderedText, register

    register(NotificationType(
        key="event_reminder",
        label=_("Event reminders"),
        description=_("An event you said yes to starts soon."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        render=_render_event_reminder,            # (notification) -> RenderedText
        target_visible=_event_visible,            # (recipient) -> queryset of Event
    ))

and then call ``hanse.notifications.services.notify(type_key="event_reminder", target=event,
recipients=..., actor=...)``. For a generic ``target`` the type names the queryset that says
what the person may see (``target_visible``, e.g. ``Event.objects.visible_to``). The post and
comment columns are checked by what the stream registers for them (:class:`Subject`,
hanse/posts/notifications.py: ``Post.objects.visible_to``, ``Comment.objects.visible_to``),
the community column against ``Community.objects.content_visible_to`` (or ``visible_to``,
see ``community_access``). Visibility is checked when a notification is created and again
whenever it is shown or sent: there is no second copy of any rule here.

``render`` runs in the language that is active; use :func:`render_for` to render in the
recipient's own language (e-mail, push).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core.text import plain_text_excerpt

if TYPE_CHECKING:
    from hanse.notifications.models import Notification
    from hanse.people.models import User

EmailDefault = Literal["immediate", "digest", False]
CommunityAccess = Literal["content", "listed", "none"]
EXCERPT_CHARS = 80


@dataclass(frozen=True)
class RenderedText:
    """What a notification says: a title (one sentence), an optional body, where it leads."""

    title: str
    body: str
    url: str


def _default_channels() -> dict[str, Any]:
    return {"in_app": True, "email": "digest", "push": False}


# --- presets: the settings page's one-click choices --------------------------------------


@dataclass(frozen=True)
class Preset:
    """A one-click choice of every type's channels. Which channels a preset turns on is said
    by each type (``NotificationType.preset_enabled``), so a type an app adds later takes
    part in every preset without a line here."""

    key: str
    label: str | Promise
    description: str | Promise


EVERYTHING = "everything"
BALANCED = "balanced"
ESSENTIALS = "essentials"
PRESETS: tuple[Preset, ...] = (
    Preset(
        EVERYTHING,
        _("Keep me posted on everything"),
        _("Everything in the app, by e-mail and as a push message (where push is on)."),
    ),
    Preset(
        BALANCED,
        _("Balanced"),
        _(
            "The recommended setting: everything in the app, what matters by e-mail and "
            "push, the rest in your digest."
        ),
    ),
    Preset(
        ESSENTIALS,
        _("Only what matters"),
        _(
            "Everything stays in the app; e-mail and push only for mentions, invitations, "
            "changed events and must-read announcements."
        ),
    ),
)
DEFAULT_PRESET = BALANCED


def preset(key: str) -> Preset:
    for found in PRESETS:
        if found.key == key:
            return found
    raise LookupError(f"Unknown notification preset {key!r}.")


@dataclass(frozen=True)
class NotificationType:
    key: str
    label: str | Promise
    description: str | Promise
    render: Callable[[Notification], RenderedText]
    # in_app: bool; email: "immediate" | "digest" | False; push: bool.
    channels: dict[str, Any] = field(default_factory=_default_channels)
    # Important types are e-mailed right away when the person turns e-mail on for them.
    important: bool = False
    # Collapsed per group_key while unread ("Anna and 4 others ...").
    grouped: bool = False
    # What the recipient must be allowed about the notification's community:
    # "content" (read its posts), "listed" (know it exists) or "none" (not checked here; e.g.
    # an invitation to a secret community, which its ``target_visible`` decides).
    community_access: CommunityAccess = "content"
    # Whether muting a community silences this type (not for news about one's own membership).
    mutable: bool = True
    # For a generic target: the queryset of such targets the person may see.
    target_visible: Callable[[User], QuerySet[Any]] | None = None
    # People with the same key see the same (e.g. announcements: the org unit); creating
    # notifications for many people then checks one person per key. None: check each.
    visibility_key: Callable[[User], Any] | None = None
    # About a private conversation (chat): there is no administrator exception for those, so
    # the Django admin lists none of these notifications (hanse/notifications/admin.py).
    private_conversation: bool = False
    # What a preset turns on for this type where the rule of ``preset_enabled`` does not fit,
    # e.g. ``{"essentials": {"push": True}}``: preset key -> channel -> on.
    presets: dict[str, dict[str, bool]] = field(default_factory=dict)

    # --- defaults -------------------------------------------------------------------------

    def default_enabled(self, channel: str) -> bool:
        return bool(self.channels.get(channel, False))

    def preset_enabled(self, preset_key: str, channel: str) -> bool:
        """Whether ``channel`` is on for this type under a preset: the type's own word
        (``presets``) first; else everything is on for "everything", the type's defaults
        for "balanced", and for "essentials" the bell always, e-mail and push only where the
        type is important and sends them by default."""
        own = self.presets.get(preset_key, {})
        if channel in own:
            return own[channel]
        if preset_key == EVERYTHING:
            return True
        if preset_key == ESSENTIALS:
            return channel == "in_app" or (self.important and self.default_enabled(channel))
        return self.default_enabled(channel)

    @property
    def email_mode(self) -> Literal["immediate", "digest"]:
        """How e-mail goes out when it is on: the type's default, else by importance."""
        mode = self.channels.get("email")
        if mode in ("immediate", "digest"):
            return mode
        return "immediate" if self.important else "digest"

    # --- visibility -----------------------------------------------------------------------

    def visibility_checks(self, recipient: User, notification: Notification) -> list[QuerySet[Any]]:
        """Querysets that must each contain the notification's object for it to be seen."""
        present = [s for s in _subjects.values() if s.value(notification) is not None]
        implied = {column for s in present for column in s.implies}
        checks: list[QuerySet[Any]] = [
            subject.visible(recipient).filter(pk=subject.value(notification))
            for subject in present
            if subject.field not in implied
        ]
        # A subject whose visible_to checks the notification's community already (a post of
        # that community) needs no second check of it.
        covered = any(
            s.community_of is not None and s.community_of(notification) == notification.community_id
            for s in present
        )
        if (
            notification.community_id is not None
            and self.community_access != "none"
            and not (covered and self.community_access == "content")
        ):
            communities = (
                Community.objects.content_visible_to(recipient)
                if self.community_access == "content"
                else Community.objects.visible_to(recipient)
            )
            checks.append(communities.filter(pk=notification.community_id))
        if notification.target_id is not None and self.target_visible is not None:
            checks.append(self.target_visible(recipient).filter(pk=notification.target_id))
        return checks

    def can_see(self, recipient: User, notification: Notification) -> bool:
        """May the recipient see what this notification is about (now)?"""
        if not recipient.is_active:
            return False
        return all(qs.exists() for qs in self.visibility_checks(recipient, notification))

    def visible_q(self, recipient: User) -> Q:
        """The same check as a filter on Notification rows (for lists, counts and senders)."""
        return Q(type=self.key) & _checks_q(recipient, self.community_access, self.target_visible)


@dataclass(frozen=True)
class Subject:
    """A column of ``Notification`` that names content of an app above this one (the
    stream's ``post`` and ``comment``), and how to check that the recipient still sees it.

    The app registers its subjects next to its types (hanse/posts/notifications.py), so the
    machinery checks every column with the entity's own ``visible_to`` without importing it.
    """

    field: str  # the foreign key on Notification, e.g. "post"
    visible: Callable[[User], QuerySet[Any]]  # e.g. Post.objects.visible_to
    # Fields whose check this one implies when set (a visible comment's post is visible).
    implies: tuple[str, ...] = ()
    # The community whose content access ``visible`` already checks for this notification.
    community_of: Callable[[Notification], int | None] | None = None
    # ``visible`` depends on the person only through the admin flag and membership of the
    # notification's community: notify() then checks one person per (admin, member) pair.
    community_scoped: bool = True

    def value(self, notification: Notification) -> Any:
        return getattr(notification, f"{self.field}_id")


_subjects: dict[str, Subject] = {}


def register_subject(subject: Subject) -> Subject:
    """Say how a Notification column is checked; registering a field twice is an error."""
    if subject.field in _subjects and _subjects[subject.field] is not subject:
        raise ValueError(f"Notification subject {subject.field!r} is already registered.")
    _subjects[subject.field] = subject
    return subject


def subjects() -> list[Subject]:
    return list(_subjects.values())


def _checks_q(
    recipient: User,
    community_access: CommunityAccess,
    target_visible: Callable[[User], QuerySet[Any]] | None,
) -> Q:
    """Correlated EXISTS on the entities' own ``visible_to``: cheap per row (a primary-key
    probe each), so the bell can count with them and still read only its partial index."""
    return (
        _subjects_q(recipient)
        & _community_q(recipient, community_access)
        & _target_q(recipient, target_visible)
    )


def _subjects_q(recipient: User) -> Q:
    """Every subject column set on the row names something the recipient sees."""
    q = Q()
    for subject in _subjects.values():
        q &= Q(**{f"{subject.field}__isnull": True}) | Q(
            Exists(subject.visible(recipient).filter(pk=OuterRef(f"{subject.field}_id")))
        )
    return q


def _community_q(recipient: User, community_access: CommunityAccess) -> Q:
    if community_access == "none":
        return Q()
    communities = (
        Community.objects.content_visible_to(recipient)
        if community_access == "content"
        else Community.objects.visible_to(recipient)
    )
    return Q(community__isnull=True) | Q(Exists(communities.filter(pk=OuterRef("community_id"))))


def _target_q(recipient: User, target_visible: Callable[[User], QuerySet[Any]] | None) -> Q:
    if target_visible is None:
        return Q()
    return Q(target_id__isnull=True) | Q(
        Exists(target_visible(recipient).filter(pk=OuterRef("target_id")))
    )


_registry: dict[str, NotificationType] = {}


def register(ntype: NotificationType) -> NotificationType:
    """Add a type; registering the same key twice is a programming error."""
    if ntype.key in _registry and _registry[ntype.key] is not ntype:
        raise ValueError(f"Notification type {ntype.key!r} is already registered.")
    _registry[ntype.key] = ntype
    return ntype


def get(key: str) -> NotificationType:
    try:
        return _registry[key]
    except KeyError:
        raise LookupError(f"Unknown notification type {key!r}.") from None


def all_types() -> list[NotificationType]:
    return list(_registry.values())


def private_conversation_keys() -> list[str]:
    """The types about private conversations, which administrators never see."""
    return [key for key, ntype in _registry.items() if ntype.private_conversation]


def visible_q(recipient: User, only_types: Collection[str] | None = None) -> Q:
    """Rows of any registered type that the recipient may see now; one filter, no query.

    Types that share the same checks share one branch, branches with the same community
    access share that check, and the post and comment checks come once for all, so the SQL
    stays short. ``only_types``: only rows of these types are wanted (the bell passes the types
    of the person's unread rows), so only their branches are built; building them all is
    most of what the filter costs."""
    if not recipient.is_active:
        return Q(pk__in=[])
    wanted = [
        ntype
        for key, ntype in _registry.items()
        if only_types is None or key in only_types  # a type no longer registered matches no branch
    ]
    if not wanted:
        return Q(pk__in=[])
    # The subject checks are the same for every type, so they are ANDed once instead of
    # once per branch: the same rows, a bell query a fraction of the size (it was over
    # 100 kB of SQL with twenty branches, and building it cost more than running it).
    groups: dict[CommunityAccess, dict[Any, list[str]]] = {}
    for ntype in wanted:
        by_target = groups.setdefault(ntype.community_access, {})
        by_target.setdefault(ntype.target_visible, []).append(ntype.key)
    branches = Q(pk__in=[])
    for access, by_target in groups.items():
        types = Q(pk__in=[])
        for target_visible, keys in by_target.items():
            types |= Q(type__in=keys) & _target_q(recipient, target_visible)
        branches |= _community_q(recipient, access) & types
    return _subjects_q(recipient) & branches


def render_for(notification: Notification) -> RenderedText:
    """Render in the recipient's language (e-mail, push); pages use the active language."""
    language = getattr(notification.recipient, "ui_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        return get(notification.type).render(notification)


# --- helpers for the types' texts ------------------------------------------------------


def url_or(name: str, *args: Any, fallback: str = "home:index", anchor: str = "") -> str:
    """The URL of ``name`` (with ``#anchor``), or of ``fallback`` when it does not resolve."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        url = reverse(fallback)
    return f"{url}#{anchor}" if anchor else url


def actor_name(person: User | None) -> str:
    return person.display_name if person is not None else _g("Someone")


def who(notification: Notification, one: str, many: Callable[[int], str], **extra: Any) -> str:
    """One sentence: ``one`` for a single actor, ``many(n)`` (an ngettext call, so the
    strings are extracted for translation) for "Anna Schmidt and 4 others"; the strings use
    %(name)s, %(n)s and the ``extra`` keys."""
    others = max(notification.count - 1, 0)
    values = {"name": actor_name(notification.actor), "n": others, **extra}
    if others == 0:
        return one % values
    return many(others) % values


def excerpt(text: str) -> str:
    return plain_text_excerpt(text, EXCERPT_CHARS)
