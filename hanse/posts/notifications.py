"""The stream's plug into the notification machinery: its types (mentions, comments and
replies, reactions, new posts in followed communities, must-read announcements), how the post
and comment columns of a notification are checked, and the hooks that pick the recipients.

Registered from ``PostsConfig.ready()`` with the notification registry (the machinery lives in
hanse/notifications, which imports no app above it). Posts, comments and their communities
are checked with their own ``visible_to`` when a notification is created, listed or sent
(:class:`~hanse.notifications.registry.Subject`). The hooks (``on_*``) run in the tasks of
hanse/posts/tasks.py, after the write committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.communities.models import Membership
from hanse.core.rules import is_platform_admin
from hanse.notifications.models import CommunityNotificationSetting
from hanse.notifications.registry import (
    NotificationType,
    RenderedText,
    Subject,
    actor_name,
    excerpt,
    register,
    register_subject,
    url_or,
    who,
)
from hanse.notifications.services import notify
from hanse.people.models import User
from hanse.posts.models import Announcement, Comment, Mention, Post, Reaction

if TYPE_CHECKING:
    from hanse.notifications.models import Notification


def _post_url(notification: Notification) -> str:
    if notification.comment_id is not None:
        return url_or(
            "posts:detail", notification.post_id, anchor=f"comment-{notification.comment_id}"
        )
    if notification.post_id is not None:
        return url_or("posts:detail", notification.post_id)
    return url_or("home:index")


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
        url=url_or("posts:announcement_detail", n.target_id, fallback="home:index"),
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


# --- the post and comment columns of a notification ---------------------------------------


def _post_community(notification: Notification) -> int | None:
    # Post.objects.visible_to checks the content access of the post's own community.
    post = notification.post
    return post.community_id if post is not None else None


# Comment.objects.visible_to and Post.objects.visible_to depend on the person only through
# the admin flag and membership of the post's community (hanse/posts/models/posts.py).
COMMENT_SUBJECT = register_subject(
    Subject(
        field="comment",
        visible=lambda user: Comment.objects.visible_to(user),
        # A comment is visible only while its post is.
        implies=("post",),
        community_of=_post_community,
    )
)
POST_SUBJECT = register_subject(
    Subject(
        field="post",
        visible=lambda user: Post.objects.visible_to(user),
        community_of=_post_community,
    )
)


# --- the hooks (run by hanse/posts/tasks.py after the write committed) ----------------------


def _mentioned_people(*, post: Post | None = None, comment: Comment | None = None) -> list[User]:
    mentions = Mention.objects.filter(user__isnull=False)
    mentions = (
        mentions.filter(comment=comment)
        if comment is not None
        else mentions.filter(post=post, comment__isnull=True)
    )
    return list(User.objects.filter(pk__in=mentions.values("user_id"), is_active=True))


def on_post_created(post: Post) -> list[Notification]:
    """Mentions, and "all posts" followers of the post's community."""
    mentioned = _mentioned_people(post=post)
    made = notify(type_key="mention", recipients=mentioned, actor=post.author, post=post)
    if post.community_id is not None:
        members = Membership.objects.filter(community_id=post.community_id).values("user_id")
        followers = User.objects.filter(
            is_active=True,
            pk__in=members,
            community_notification_settings__community_id=post.community_id,
            community_notification_settings__level=CommunityNotificationSetting.Level.ALL_POSTS,
        ).exclude(pk__in=[person.pk for person in mentioned])
        made += notify(
            type_key="community_post", recipients=followers, actor=post.author, post=post
        )
    return made


def on_comment_created(comment: Comment) -> list[Notification]:
    """Mentions in the comment, then the author of the comment replied to, then the post's."""
    post = comment.post
    mentioned = _mentioned_people(comment=comment)
    told = {person.pk for person in mentioned}
    made = notify(type_key="mention", recipients=mentioned, actor=comment.author, comment=comment)
    if comment.parent_id is not None:
        parent = comment.parent
        assert parent is not None  # noqa: S101  # parent_id is set
        if parent.author_id not in told:
            made += notify(
                type_key="reply_to_comment",
                recipients=[parent.author],
                actor=comment.author,
                comment=comment,
                group_key=f"reply_to_comment:{parent.pk}",
            )
            told.add(parent.author_id)
    if post.author_id not in told:
        made += notify(
            type_key="reply_to_post",
            recipients=[post.author],
            actor=comment.author,
            comment=comment,
            group_key=f"reply_to_post:{post.pk}",
        )
    return made


def on_reaction_added(reaction: Reaction) -> list[Notification]:
    """Tell the author of the post or comment; reactions to the same thing collapse."""
    if reaction.comment_id is not None:
        comment = reaction.comment
        assert comment is not None  # noqa: S101  # comment_id is set
        return notify(
            type_key="reaction",
            recipients=[comment.author],
            actor=reaction.user,
            comment=comment,
            group_key=f"reaction:comment:{comment.pk}",
        )
    post = reaction.post
    assert post is not None  # noqa: S101  # a reaction has a post or a comment
    return notify(
        type_key="reaction",
        recipients=[post.author],
        actor=reaction.user,
        post=post,
        group_key=f"reaction:post:{post.pk}",
    )


def on_announcement_published(announcement: Announcement) -> list[Notification]:
    """Ask everyone the must-read announcement is for to read it (others see it pinned)."""
    if not announcement.must_read or announcement.is_draft:
        return []
    return notify(
        type_key="must_read_announcement",
        recipients=User.objects.filter(is_active=True),
        actor=announcement.author,
        target=announcement,
        data={"title": announcement.title},
    )
