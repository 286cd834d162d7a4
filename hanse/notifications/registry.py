"""The notification types: what each one says, where it goes by default, who may see it.

A type is a :class:`NotificationType` registered under a key. The key is stored on every
``Notification`` row, so a type can be added without a migration. Later features register
theirs from their own app, in ``AppConfig.ready()``::

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
what the person may see (``target_visible``, e.g. ``Event.objects.visible_to``); notifications
about posts, comments and communities are checked against ``Post.objects.visible_to``,
``Comment.objects.visible_to`` and ``Community.objects.content_visible_to`` (or
``visible_to``, see ``community_access``). Visibility is checked when a notification is
created and again whenever it is shown or sent: there is no second copy of any rule here.

``render`` runs in the language that is active; use :func:`render_for` to render in the
recipient's own language (e-mail, push).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.core.rules import is_platform_admin

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

    # --- defaults -------------------------------------------------------------------------

    def default_enabled(self, channel: str) -> bool:
        return bool(self.channels.get(channel, False))

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
        from hanse.communities.models import Community
        from hanse.posts.models import Comment, Post

        checks: list[QuerySet[Any]] = []
        if notification.comment_id is not None:
            checks.append(Comment.objects.visible_to(recipient).filter(pk=notification.comment_id))
        elif notification.post_id is not None:
            checks.append(Post.objects.visible_to(recipient).filter(pk=notification.post_id))
        # Post.objects.visible_to already checks the post's own community.
        covered = notification.post is not None and (
            notification.post.community_id == notification.community_id
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


def _checks_q(
    recipient: User,
    community_access: CommunityAccess,
    target_visible: Callable[[User], QuerySet[Any]] | None,
) -> Q:
    """Correlated EXISTS on the entities' own ``visible_to``: cheap per row (a primary-key
    probe each), so the bell can count with them and still read only its partial index."""
    from hanse.communities.models import Community
    from hanse.posts.models import Comment, Post

    q: Q = Q(comment__isnull=True) | Q(
        Exists(Comment.objects.visible_to(recipient).filter(pk=OuterRef("comment_id")))
    )
    q &= Q(post__isnull=True) | Q(
        Exists(Post.objects.visible_to(recipient).filter(pk=OuterRef("post_id")))
    )
    if community_access != "none":
        communities = (
            Community.objects.content_visible_to(recipient)
            if community_access == "content"
            else Community.objects.visible_to(recipient)
        )
        q &= Q(community__isnull=True) | Q(Exists(communities.filter(pk=OuterRef("community_id"))))
    if target_visible is not None:
        q &= Q(target_id__isnull=True) | Q(
            Exists(target_visible(recipient).filter(pk=OuterRef("target_id")))
        )
    return q


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


def visible_q(recipient: User) -> Q:
    """Rows of any registered type that the recipient may see now; one filter, no query.

    Types that share the same checks share one branch, so the SQL stays short."""
    if not recipient.is_active:
        return Q(pk__in=[])
    groups: dict[tuple[Any, Any], list[str]] = {}
    for ntype in _registry.values():
        groups.setdefault((ntype.community_access, ntype.target_visible), []).append(ntype.key)
    q = Q(pk__in=[])
    for (access, target_visible), keys in groups.items():
        q |= Q(type__in=keys) & _checks_q(recipient, access, target_visible)
    return q


def render_for(notification: Notification) -> RenderedText:
    """Render in the recipient's language (e-mail, push); pages use the active language."""
    language = getattr(notification.recipient, "ui_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        return get(notification.type).render(notification)


# --- helpers for the texts ----------------------------------------------------------------


def _url(name: str, *args: Any, fallback: str = "core:home", anchor: str = "") -> str:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        url = reverse(fallback)
    return f"{url}#{anchor}" if anchor else url


def _name(person: User | None) -> str:
    return person.display_name if person is not None else _g("Someone")


def _who(notification: Notification, one: str, many: Callable[[int], str], **extra: Any) -> str:
    """One sentence: ``one`` for a single actor, ``many(n)`` (an ngettext call, so the
    strings are extracted for translation) for "Anna Schmidt and 4 others"; the strings use
    %(name)s, %(n)s and the ``extra`` keys."""
    others = max(notification.count - 1, 0)
    values = {"name": _name(notification.actor), "n": others, **extra}
    if others == 0:
        return one % values
    return many(others) % values


def _excerpt(text: str) -> str:
    from hanse.core.text import plain_text_excerpt

    return plain_text_excerpt(text, EXCERPT_CHARS)


def _post_url(notification: Notification) -> str:
    if notification.comment_id is not None:
        return _url(
            "posts:detail", notification.post_id, anchor=f"comment-{notification.comment_id}"
        )
    if notification.post_id is not None:
        return _url("posts:detail", notification.post_id)
    return _url("core:home")


def _community_url(notification: Notification, name: str = "communities:detail") -> str:
    community = notification.community
    if community is None:
        return _url("core:home")
    return _url(name, community.slug, fallback="communities:directory")


def _community_name(notification: Notification) -> str:
    return notification.community.name if notification.community is not None else ""


def _post_excerpt(notification: Notification) -> str:
    if notification.post is None:
        return ""
    return _excerpt(notification.post.body)


def _comment_excerpt(notification: Notification) -> str:
    if notification.comment is None:
        return ""
    return _excerpt(notification.comment.body)


# --- the built-in types -------------------------------------------------------------------


def _render_mention(n: Notification) -> RenderedText:
    if n.comment_id is not None:
        title = _g("%(name)s mentioned you in a comment") % {"name": _name(n.actor)}
        body = _comment_excerpt(n)
    else:
        title = _g("%(name)s mentioned you in a post") % {"name": _name(n.actor)}
        body = _post_excerpt(n)
    return RenderedText(title=title, body=body, url=_post_url(n))


def _render_reply_to_post(n: Notification) -> RenderedText:
    title = _who(
        n,
        _g("%(name)s commented on your post “%(excerpt)s”"),
        lambda k: ngettext(
            "%(name)s and %(n)s other commented on your post “%(excerpt)s”",
            "%(name)s and %(n)s others commented on your post “%(excerpt)s”",
            k,
        ),
        excerpt=_post_excerpt(n),
    )
    return RenderedText(title=title, body=_comment_excerpt(n), url=_post_url(n))


def _render_reply_to_comment(n: Notification) -> RenderedText:
    title = _who(
        n,
        _g("%(name)s replied to your comment"),
        lambda k: ngettext(
            "%(name)s and %(n)s other replied to your comment",
            "%(name)s and %(n)s others replied to your comment",
            k,
        ),
    )
    return RenderedText(title=title, body=_comment_excerpt(n), url=_post_url(n))


def _render_reaction(n: Notification) -> RenderedText:
    if n.comment_id is not None:
        title = _who(
            n,
            _g("%(name)s reacted to your comment “%(excerpt)s”"),
            lambda k: ngettext(
                "%(name)s and %(n)s other reacted to your comment “%(excerpt)s”",
                "%(name)s and %(n)s others reacted to your comment “%(excerpt)s”",
                k,
            ),
            excerpt=_comment_excerpt(n),
        )
    else:
        title = _who(
            n,
            _g("%(name)s reacted to your post “%(excerpt)s”"),
            lambda k: ngettext(
                "%(name)s and %(n)s other reacted to your post “%(excerpt)s”",
                "%(name)s and %(n)s others reacted to your post “%(excerpt)s”",
                k,
            ),
            excerpt=_post_excerpt(n),
        )
    return RenderedText(title=title, body="", url=_post_url(n))


def _render_community_post(n: Notification) -> RenderedText:
    title = _g("%(name)s posted in %(community)s") % {
        "name": _name(n.actor),
        "community": _community_name(n),
    }
    return RenderedText(title=title, body=_post_excerpt(n), url=_post_url(n))


def _render_join_request(n: Notification) -> RenderedText:
    title = _who(
        n,
        _g("%(name)s asked to join %(community)s"),
        lambda k: ngettext(
            "%(name)s and %(n)s other asked to join %(community)s",
            "%(name)s and %(n)s others asked to join %(community)s",
            k,
        ),
        community=_community_name(n),
    )
    return RenderedText(title=title, body="", url=_community_url(n, "communities:requests"))


def _render_join_request_approved(n: Notification) -> RenderedText:
    title = _g("Welcome! Your request to join %(community)s was approved.") % {
        "community": _community_name(n)
    }
    return RenderedText(title=title, body="", url=_community_url(n))


def _render_join_request_declined(n: Notification) -> RenderedText:
    title = _g("Your request to join %(community)s was declined.") % {
        "community": _community_name(n)
    }
    return RenderedText(title=title, body="", url=_community_url(n))


def _render_invitation(n: Notification) -> RenderedText:
    title = _g("%(name)s invited you to join %(community)s") % {
        "name": _name(n.actor),
        "community": _community_name(n),
    }
    return RenderedText(title=title, body="", url=_url("communities:directory"))


def _render_announcement(n: Notification) -> RenderedText:
    title_of = str(n.data.get("title", ""))
    title = _g("Please read and confirm: “%(title)s”") % {"title": title_of}
    return RenderedText(
        title=title,
        body="",
        url=_url("posts:announcement_detail", n.target_id, fallback="core:home"),
    )


def _role_label(role: str) -> str:
    from hanse.communities.models import Membership

    return str(dict(Membership.Role.choices).get(role, role))


def _render_role_changed(n: Notification) -> RenderedText:
    title = _g("%(name)s changed your role in %(community)s to %(role)s") % {
        "name": _name(n.actor),
        "community": _community_name(n),
        "role": _role_label(str(n.data.get("role", ""))),
    }
    return RenderedText(title=title, body="", url=_community_url(n))


def _invitations_visible(user: User) -> QuerySet[Any]:
    """An invitation may name its community while it is open for the person, and afterwards
    only while the person may still know the community (declined, revoked or removed from a
    secret one: the notification is gone everywhere)."""
    from hanse.communities.models import Community, Invitation

    return Invitation.objects.filter(
        Q(invitee_id=user.pk, status=Invitation.Status.PENDING)
        | Q(community__in=Community.objects.visible_to(user))
    )


def _announcements_visible(user: User) -> QuerySet[Any]:
    from hanse.posts.models import Announcement

    return Announcement.objects.visible_to(user)


MENTION = register(
    NotificationType(
        key="mention",
        label=_("Mentions"),
        description=_("Someone mentions you in a post or a comment."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        render=_render_mention,
    )
)
REPLY_TO_POST = register(
    NotificationType(
        key="reply_to_post",
        label=_("Comments on my posts"),
        description=_("Someone comments on a post you wrote."),
        channels={"in_app": True, "email": "digest", "push": True},
        grouped=True,
        render=_render_reply_to_post,
    )
)
REPLY_TO_COMMENT = register(
    NotificationType(
        key="reply_to_comment",
        label=_("Replies to my comments"),
        description=_("Someone replies to a comment you wrote."),
        channels={"in_app": True, "email": "digest", "push": True},
        grouped=True,
        render=_render_reply_to_comment,
    )
)
REACTION = register(
    NotificationType(
        key="reaction",
        label=_("Reactions"),
        description=_("Someone reacts to your post or comment. Several reactions are combined."),
        channels={"in_app": True, "email": False, "push": False},
        grouped=True,
        render=_render_reaction,
    )
)
COMMUNITY_POST = register(
    NotificationType(
        key="community_post",
        label=_("New posts in communities"),
        description=_("A new post in a community you follow with “all posts”."),
        channels={"in_app": True, "email": False, "push": False},
        render=_render_community_post,
    )
)
JOIN_REQUEST = register(
    NotificationType(
        key="join_request",
        label=_("Requests to join"),
        description=_("Someone asks to join a community you moderate."),
        channels={"in_app": True, "email": "immediate", "push": False},
        important=True,
        grouped=True,
        render=_render_join_request,
    )
)
JOIN_REQUEST_APPROVED = register(
    NotificationType(
        key="join_request_approved",
        label=_("Request approved"),
        description=_("Your request to join a community was approved."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        mutable=False,
        render=_render_join_request_approved,
    )
)
JOIN_REQUEST_DECLINED = register(
    NotificationType(
        key="join_request_declined",
        label=_("Request declined"),
        description=_("Your request to join a community was declined."),
        channels={"in_app": True, "email": "digest", "push": False},
        community_access="listed",
        mutable=False,
        render=_render_join_request_declined,
    )
)
COMMUNITY_INVITATION = register(
    NotificationType(
        key="community_invitation",
        label=_("Invitations"),
        description=_("Someone invites you to join a community."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        # Not the community itself: a secret one is shown to the invitee before joining. The
        # invitation (the target) says how long.
        community_access="none",
        target_visible=_invitations_visible,
        mutable=False,
        render=_render_invitation,
    )
)
MUST_READ_ANNOUNCEMENT = register(
    NotificationType(
        key="must_read_announcement",
        label=_("Must-read announcements"),
        description=_("A company announcement you are asked to read and confirm."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        mutable=False,
        target_visible=_announcements_visible,
        # Announcement.objects.visible_to depends on the org unit (and admin status) only.
        visibility_key=lambda user: (user.org_unit_id, is_platform_admin(user)),
        render=_render_announcement,
    )
)
ROLE_CHANGED = register(
    NotificationType(
        key="role_changed",
        label=_("Role changes"),
        description=_("Your role in a community changes."),
        channels={"in_app": True, "email": "digest", "push": False},
        mutable=False,
        render=_render_role_changed,
    )
)
