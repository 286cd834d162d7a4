"""What the stream stores about a person: their posts, revisions, comments, reactions,
bookmarks, followed tags, announcements, read confirmations and uploaded files."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.posts.models import (
    Announcement,
    AnnouncementRead,
    Attachment,
    Bookmark,
    Comment,
    Post,
    PostRevision,
    Reaction,
    TagFollow,
)

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    posts = Post.objects.filter(author=user).order_by("created_at")
    tags: dict[int, list[str]] = {}
    for post_id, name in posts.filter(tags__isnull=False).values_list("pk", "tags__name"):
        tags.setdefault(post_id, []).append(name)
    for record in rows(
        posts,
        "id",
        "scope",
        "community__name",
        "body",
        "created_at",
        "edited_at",
        "shared_post_id",
        kind="post",
    ):
        record["tags"] = sorted(tags.get(record["id"], []))
        records.append(record)
    records += rows(
        PostRevision.objects.filter(edited_by=user).order_by("created_at"),
        "post_id",
        "body",
        "created_at",
        kind="post_revision",
    )
    records += rows(
        Comment.objects.filter(author=user).order_by("created_at"),
        "id",
        "post_id",
        "parent_id",
        "body",
        "created_at",
        "edited_at",
        kind="comment",
    )
    records += rows(
        Reaction.objects.filter(user=user).order_by("created_at"),
        "post_id",
        "comment_id",
        "kind",
        "created_at",
        kind="reaction",
    )
    records += rows(
        Bookmark.objects.filter(user=user).order_by("created_at"),
        "post_id",
        "created_at",
        kind="bookmark",
    )
    records += rows(
        TagFollow.objects.filter(user=user).order_by("created_at"),
        "tag__name",
        "created_at",
        kind="followed_tag",
    )
    records += rows(
        Announcement.objects.filter(author=user).order_by("created_at"),
        "id",
        "title",
        "body",
        "created_at",
        "updated_at",
        kind="announcement",
    )
    records += rows(
        AnnouncementRead.objects.filter(user=user),
        "announcement_id",
        "read_at",
        "confirmed_at",
        kind="announcement_read",
    )
    attachments = Attachment.objects.filter(uploader=user).order_by("created_at")
    records += rows(
        attachments,
        "id",
        "post_id",
        "comment_id",
        "original_name",
        "content_type",
        "size",
        "created_at",
        kind="attachment",
    )
    return personal_data.Export(records, personal_data.files_of(attachments, "posts"))


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="posts",
            label=_("Posts, comments and reactions"),
            description=_(
                "Your posts (with earlier versions you wrote), comments, reactions, bookmarks, "
                "followed hashtags, announcements, read confirmations and attached files."
            ),
            export=_export,
            order=20,
        )
    )
