"""Posts, comments, announcements and hashtags as searchable types (hanse/core/searchable.py).

A post or comment is read by whoever may read its community (the ``community`` scope kind of
hanse/communities/search.py), or by everyone when it has none; ``visible_to`` decides last.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hanse.core import searchable
from hanse.posts.models import Announcement, Comment, Post, Tag

TITLE_CHARS = 80
# The scope kind of community content (hanse/communities/search.py registers it).
COMMUNITY = "community"
# Saves that only move counters or pins leave the index alone.
_COUNTERS = frozenset({"comment_count", "reaction_count", "pinned_at", "pinned_by"})


_MARKUP = re.compile(r"[*_`#>~\[\]]+|\s+")


def _title(body: str) -> str:
    """The opening words, without Markdown marks: a cheap headline (reindexing parses no
    Markdown; the snippet shows the text itself)."""
    cleaned = _MARKUP.sub(" ", body[: TITLE_CHARS * 3]).strip()
    if len(cleaned) <= TITLE_CHARS:
        return cleaned
    return cleaned[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"


def _unit_id(author: Any) -> int | None:
    return getattr(author, "org_unit_id", None) if author is not None else None


def _post_document(post: Post) -> searchable.Document:
    return searchable.Document(
        object_id=post.pk,
        title=_title(post.body),
        body=post.body,
        author_id=post.author_id,
        community_id=post.community_id,
        unit_id=_unit_id(post.author),
        created_at=post.created_at,
        scope=searchable.scope(COMMUNITY, post.community_id),
        tags=tuple(t.name for t in post.tags.all()),
    )


def _comment_document(comment: Comment) -> searchable.Document:
    community_id = comment.post.community_id
    return searchable.Document(
        object_id=comment.pk,
        title=_title(comment.body),
        body=comment.body,
        author_id=comment.author_id,
        community_id=community_id,
        unit_id=_unit_id(comment.author),
        created_at=comment.created_at,
        scope=searchable.scope(COMMUNITY, community_id),
    )


def _announcement_document(announcement: Announcement) -> searchable.Document:
    return searchable.Document(
        object_id=announcement.pk,
        title=announcement.title,
        body=announcement.body,
        author_id=announcement.author_id,
        unit_id=_unit_id(announcement.author),
        created_at=announcement.publish_at,
    )


def _tag_document(tag: Tag) -> searchable.Document:
    return searchable.Document(object_id=tag.pk, title=tag.name, created_at=tag.created_at)


def _tags_visible(user: Any) -> QuerySet[Tag]:
    """A tag is known to whoever may read one of its posts (a tag used only in a secret
    community stays unknown outside it)."""
    readable = Post.objects.visible_to(user).filter(tags=OuterRef("pk"))
    return Tag.objects.filter(Exists(readable))


def _comments_of(post: Post) -> Any:
    return Comment.objects.filter(post_id=post.pk).values_list("pk", flat=True)


def register() -> None:
    searchable.register(
        searchable.SearchableType(
            key="post",
            label=pgettext_lazy("a kind of search result", "Post"),
            label_plural=_("Posts"),
            model=Post,
            queryset=lambda: Post.objects.select_related("author", "community").prefetch_related(
                "tags"
            ),
            to_document=_post_document,
            visible_to=Post.objects.visible_to,
            url=lambda post: reverse("posts:detail", args=[post.pk]),
            order=10,
            titled=False,
            ignore_fields=_COUNTERS,
        )
    )
    searchable.register(
        searchable.SearchableType(
            key="comment",
            label=pgettext_lazy("a kind of search result", "Comment"),
            label_plural=_("Comments"),
            model=Comment,
            queryset=lambda: Comment.objects.select_related("author", "post"),
            to_document=_comment_document,
            visible_to=Comment.objects.visible_to,
            url=lambda c: reverse("posts:detail", args=[c.post_id]) + f"#comment-{c.pk}",
            order=20,
            titled=False,
            ignore_fields=frozenset({"reaction_count"}),
            # A post moved to another community takes its comments along.
            related=((Post, _comments_of),),
        )
    )
    searchable.register(
        searchable.SearchableType(
            key="announcement",
            label=_("Announcement"),
            label_plural=_("Announcements"),
            model=Announcement,
            queryset=lambda: Announcement.objects.select_related("author"),
            to_document=_announcement_document,
            visible_to=Announcement.objects.visible_to,
            url=lambda a: reverse("posts:announcement_detail", args=[a.pk]),
            order=30,
        )
    )
    searchable.register(
        searchable.SearchableType(
            key="hashtag",
            label=_("Hashtag"),
            label_plural=_("Hashtags"),
            model=Tag,
            queryset=lambda: Tag.objects.all(),
            to_document=_tag_document,
            visible_to=_tags_visible,
            url=lambda tag: reverse("posts:tag", args=[tag.name]),
            in_results=False,
            order=90,
            dated=False,
        )
    )


register()
