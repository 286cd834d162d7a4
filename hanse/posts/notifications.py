"""The notification types of the stream: mentions, comments and replies, reactions, new posts
in followed communities, must-read announcements.

Registered from ``PostsConfig.ready()`` with the notification registry (the machinery lives in
hanse/notifications, which imports no app above it). Posts, comments and their communities
are checked with their own ``visible_to`` when a notification is created, listed or sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.core.rules import is_platform_admin
from hanse.notifications.registry import (
    NotificationType,
    RenderedText,
    actor_name,
    excerpt,
    register,
    url_or,
    who,
)
from hanse.posts.models import Announcement

if TYPE_CHECKING:
    from hanse.notifications.models import Notification
    from hanse.people.models import User


def _post_url(notification: Notification) -> str:
    if notification.comment_id is not None:
        return url_or(
            "posts:detail", notification.post_id, anchor=f"comment-{notification.comment_id}"
        )
    if notification.post_id is not None:
        return url_or("posts:detail", notification.post_id)
    return url_or("core:home")


def _community_name(notification: Notification) -> str:
    return notification.community.name if notification.community is not None else ""


def _post_excerpt(notification: Notification) -> str:
    if notification.post is None:
        return ""
    return excerpt(notification.post.body)


def _comment_excerpt(notification: Notification) -> str:
    if notification.comment is None:
        return ""
    return excerpt(notification.comment.body)


def _render_mention(n: Notification) -> RenderedText:
    if n.comment_id is not None:
        title = _g("%(name)s mentioned you in a comment") % {"name": actor_name(n.actor)}
        body = _comment_excerpt(n)
    else:
        title = _g("%(name)s mentioned you in a post") % {"name": actor_name(n.actor)}
        body = _post_excerpt(n)
    return RenderedText(title=title, body=body, url=_post_url(n))


def _render_reply_to_post(n: Notification) -> RenderedText:
    title = who(
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
    title = who(
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
        title = who(
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
        title = who(
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
        "name": actor_name(n.actor),
        "community": _community_name(n),
    }
    return RenderedText(title=title, body=_post_excerpt(n), url=_post_url(n))


def _render_announcement(n: Notification) -> RenderedText:
    title_of = str(n.data.get("title", ""))
    title = _g("Please read and confirm: “%(title)s”") % {"title": title_of}
    return RenderedText(
        title=title,
        body="",
        url=url_or("posts:announcement_detail", n.target_id, fallback="core:home"),
    )


def _announcements_visible(user: User) -> QuerySet[Any]:
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
