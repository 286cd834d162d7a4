"""What a person may do with posts, comments and announcements: the one place it is decided.

Services check these before writing, selectors use them for the flags a card or a comment
shows, views and the API before offering or refusing an action. Whether a person may *read*
a post is not here: that is ``Post.objects.visible_to`` (and ``Comment``/``Attachment``'s),
which every fetcher starts from. ``post_flags`` is the batch form for a page of posts: one
query for the whole page, whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import rules

from hanse.communities.rules import is_member, is_moderator, moderated_among
from hanse.core.rules import is_active_user, is_platform_admin
from hanse.people.guests import is_guest

if TYPE_CHECKING:
    from collections.abc import Iterable

    from hanse.communities.models import Community
    from hanse.posts.models import Announcement, Comment, Post

# The Django permission of the communications role (people.User's groups grant it).
PUBLISH_ANNOUNCEMENT = "posts.publish_announcement"


def moderates(user: Any, community: Community | None) -> bool:
    """Administrators everywhere; the owners and moderators of the post's community."""
    if is_platform_admin(user):
        return True
    return community is not None and bool(is_moderator(user, community))


# --- posts ---------------------------------------------------------------------------------


def may_post_in(user: Any, community: Community | None) -> bool:
    """Company-wide and on one's profile everybody but guests; in a community its members
    only."""
    if not is_active_user(user):
        return False
    if community is None:
        return not is_guest(user)
    return bool(is_member(user, community))


@rules.predicate
def may_edit_post(user: Any, post: Post) -> bool:
    """The author only: a moderator removes a post but never puts words in someone's mouth."""
    return is_active_user(user) and post.author_id == user.pk


@rules.predicate
def may_delete_post(user: Any, post: Post) -> bool:
    """The author, the community's moderators and administrators."""
    return is_active_user(user) and (post.author_id == user.pk or moderates(user, post.community))


@rules.predicate
def may_pin_post(user: Any, post: Post) -> bool:
    """Moderators (and administrators) pin posts of a community; other posts are not pinned."""
    return post.community_id is not None and moderates(user, post.community)


# Earlier versions of a post are for those who may delete it.
may_read_revisions = may_delete_post


@dataclass(frozen=True, slots=True)
class PostFlags:
    may_edit: bool = False
    may_delete: bool = False
    may_pin: bool = False


def post_flags(user: Any, posts: Iterable[Post]) -> dict[int, PostFlags]:
    """``may_edit_post``/``may_delete_post``/``may_pin_post`` for a page of posts: one query
    (the communities among them the person moderates), whatever the number of posts."""
    posts = list(posts)
    if not is_active_user(user):
        return {p.pk: PostFlags() for p in posts}
    moderated = moderated_among(user, {p.community_id for p in posts if p.community_id})
    admin = is_platform_admin(user)
    flags = {}
    for post in posts:
        own = post.author_id == user.pk
        mod = admin or post.community_id in moderated
        flags[post.pk] = PostFlags(
            may_edit=own, may_delete=own or mod, may_pin=post.community_id is not None and mod
        )
    return flags


# --- comments ------------------------------------------------------------------------------


@rules.predicate
def may_edit_comment(user: Any, comment: Comment) -> bool:
    return is_active_user(user) and comment.author_id == user.pk


@rules.predicate
def may_delete_comment(user: Any, comment: Comment) -> bool:
    """The author, the moderators of the post's community and administrators."""
    return is_active_user(user) and (
        comment.author_id == user.pk or moderates(user, comment.post.community)
    )


def comment_flags(
    user: Any, post: Post, comments: Iterable[Comment], *, post_moderated: bool | None = None
) -> dict[int, tuple[bool, bool]]:
    """(may edit, may delete) for the comments of one post; ``post_moderated`` passes on
    what the caller already knows (a post's ``may_pin``/``may_delete`` flags), else one
    query."""
    if not is_active_user(user):
        return {c.pk: (False, False) for c in comments}
    mod = moderates(user, post.community) if post_moderated is None else post_moderated
    return {c.pk: (c.author_id == user.pk, c.author_id == user.pk or mod) for c in comments}


# --- announcements -------------------------------------------------------------------------


@rules.predicate
def may_publish_announcement(user: Any) -> bool:
    """People with the communications role, and administrators."""
    return (
        is_active_user(user)
        and not is_guest(user)
        and (is_platform_admin(user) or bool(user.has_perm(PUBLISH_ANNOUNCEMENT)))
    )


@rules.predicate
def may_manage_announcement(user: Any, announcement: Announcement) -> bool:
    """Administrators; the author while they still have the communications role. They edit
    it, see its figures and, where allowed, who has not confirmed."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user):
        return True
    return announcement.author_id == user.pk and bool(may_publish_announcement(user))
