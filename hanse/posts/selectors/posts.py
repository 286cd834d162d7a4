"""Reads of single posts: the post page with its comments, who reacted, mention suggestions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core import moderation
from hanse.core.errors import PermissionRefused
from hanse.people.mentions import MentionContext, mention_people
from hanse.people.models import User
from hanse.posts.models import Attachment, Comment, Post, PostRevision, Reaction, ReactionKind
from hanse.posts.rules import comment_flags, may_read_revisions
from hanse.posts.selectors.feed import FeedItem, decorate, post_queryset

if TYPE_CHECKING:
    from hanse.people.models import User

MAX_REACTORS = 500


def _active(viewer: Any) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_active)


@dataclass(slots=True)
class CommentItem:
    comment: Comment
    my_reactions: set[str] = field(default_factory=set)
    reaction_counts: dict[str, int] = field(default_factory=dict)
    can_edit: bool = False
    can_delete: bool = False
    replies: list[CommentItem] = field(default_factory=list)


@dataclass(slots=True)
class PostDetail:
    item: FeedItem
    comments: list[CommentItem]


@dataclass(slots=True)
class MentionSuggestions:
    people: list[User]
    communities: list[Community]


def get_post_for(*, viewer: User, post_id: int) -> Post:
    """The post with this id, or 404 when it does not exist for the viewer."""
    post = None
    if _active(viewer):
        post = (
            post_queryset()
            .filter(pk__in=Post.objects.visible_to(viewer).filter(pk=post_id).values("id"))
            .first()
        )
    if post is None:
        raise Http404(_("This post does not exist."))
    return post


def get_comment_for(*, viewer: User, comment_id: int) -> Comment:
    """The comment with this id, or 404 when the viewer may not read its post."""
    comment = None
    if _active(viewer):
        comment = (
            Comment.objects.visible_to(viewer)
            .select_related("post", "post__community", "author")
            .filter(pk=comment_id)
            .first()
        )
    if comment is None:
        raise Http404(_("This comment does not exist."))
    return comment


def post_detail(*, viewer: User, post_id: int) -> PostDetail:
    """A post with its comments and replies, their reactions and files; fixed query count."""
    post = get_post_for(viewer=viewer, post_id=post_id)
    item = decorate([post], viewer=viewer)[0]
    # Comments moderation hid are left out (their replies with them: hanse/core/moderation.py).
    comments = list(
        moderation.exclude_hidden(Comment.objects.filter(post=post), "comment", viewer)
        .select_related("author", "author__org_unit")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("id")
    )
    ids = [c.pk for c in comments]
    mine: dict[int, set[str]] = defaultdict(set)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        for comment_id, kind in Reaction.objects.filter(
            user=viewer, comment_id__in=ids
        ).values_list("comment_id", "kind"):
            mine[comment_id].add(kind)
        for row in (
            Reaction.objects.filter(comment_id__in=ids)
            .values("comment_id", "kind")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts[row["comment_id"]][row["kind"]] = row["n"]
    # A community post's pin flag already says whether the viewer moderates it: no query.
    moderated = item.can_pin if post.community_id is not None else None
    may = comment_flags(viewer, post, comments, post_moderated=moderated)
    top: list[CommentItem] = []
    by_id: dict[int, CommentItem] = {}
    for comment in comments:
        entry = CommentItem(
            comment=comment,
            my_reactions=mine.get(comment.pk, set()),
            reaction_counts=counts.get(comment.pk, {}),
            can_edit=may[comment.pk][0],
            can_delete=may[comment.pk][1],
        )
        by_id[comment.pk] = entry
        if comment.parent_id is None:
            top.append(entry)
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].replies.append(entry)
    return PostDetail(item=item, comments=top)


def reactors(
    *,
    viewer: User,
    post: Post | None = None,
    comment: Comment | None = None,
    kind: str | None = None,
) -> list[Reaction]:
    """Who reacted (and how) to a post or comment the viewer may read; newest first."""
    if (post is None) == (comment is None):
        raise Http404(_("This post does not exist."))
    if post is not None:
        get_post_for(viewer=viewer, post_id=post.pk)
        qs = Reaction.objects.filter(post=post)
    else:
        get_comment_for(viewer=viewer, comment_id=comment.pk)  # type: ignore[union-attr]  # set when post is None
        qs = Reaction.objects.filter(comment=comment)
    if kind:
        if kind not in ReactionKind.values:
            return []
        qs = qs.filter(kind=kind)
    return list(qs.select_related("user").order_by("-created_at", "-id")[:MAX_REACTORS])


def post_revisions(*, viewer: User, post: Post) -> list[PostRevision]:
    """Earlier versions of a post: for its author, the community's moderators and admins."""
    get_post_for(viewer=viewer, post_id=post.pk)
    if not may_read_revisions(viewer, post):
        raise PermissionRefused(_("Only moderators can read earlier versions of this post."))
    return list(post.revisions.select_related("edited_by").order_by("-created_at", "-id"))


def mention_suggestions(
    *, viewer: User, q: str, limit: int = 8, community: str = ""
) -> MentionSuggestions:
    """People (active) and communities the viewer may see whose name starts with `q`.

    People come in the order the author most likely means them (hanse/people/mentions.py:
    exact names, then colleagues from the same unit, people followed, chat partners and,
    with `community` (the slug of the community the text is written in), its members)."""
    prefix = (q or "").strip().lstrip("@")[:50]
    if not _active(viewer) or not prefix:
        return MentionSuggestions(people=[], communities=[])
    limit = max(1, min(int(limit), 20))
    people = mention_people(
        context=MentionContext(viewer=viewer, community_slug=(community or "")[:80]),
        prefix=prefix,
        limit=limit,
    )
    # visible_to: a secret community is suggested to its members only.
    communities = list(
        Community.objects.visible_to(viewer)
        .filter(Q(slug__istartswith=prefix) | Q(name__istartswith=prefix))
        .order_by("name", "id")[:limit]
    )
    return MentionSuggestions(people=people, communities=communities)
