"""Posts and comments as moderatable types (hanse/core/moderation.py), registered from
``PostsConfig.ready()``. Their ``visible_to`` leaves out what moderation hid."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from hanse.core import moderation
from hanse.posts import extensions
from hanse.posts.models import Comment, Post


def _purge_post(post: Post) -> None:
    from hanse.posts.services.posts import post_purge  # at call time: loaded from ready()

    post_purge(post=post)


def _purge_comment(comment: Comment) -> None:
    from hanse.posts.services.comments import comment_purge  # at call time, as above

    comment_purge(comment=comment)


moderation.register(
    moderation.ModeratableType(
        key="post",
        label=pgettext_lazy("moderation", "post"),
        model=Post,
        visible_to=Post.objects.visible_to,
        author_id=lambda post: post.author_id,
        community_id=lambda post: post.community_id,
        url=lambda post: reverse("posts:detail", args=[post.pk]),
        excerpt=lambda post: post.body,
        purge=_purge_post,
    )
)
moderation.register(
    moderation.ModeratableType(
        key="comment",
        label=pgettext_lazy("moderation", "comment"),
        model=Comment,
        visible_to=Comment.objects.visible_to,
        author_id=lambda c: c.author_id,
        # A comment belongs to its post's community.
        community_id=lambda c: c.post.community_id,
        url=lambda c: reverse("posts:detail", args=[c.post_id]) + f"#comment-{c.pk}",
        excerpt=lambda c: c.body,
        purge=_purge_comment,
    )
)
# What the author and moderators see on a hidden post: per viewer, so an add-on filled on
# every request, never inside the cached card (hanse/posts/cards.py).
extensions.register(
    extensions.CardAddon(
        key="moderation_notice",
        place="top",
        load=lambda request, posts: moderation.notices(
            "post", request.user, [post.pk for post in posts]
        ),
    )
)
