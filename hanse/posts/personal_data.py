"""What the stream stores about a person: their posts, revisions, comments, reactions,
bookmarks, followed tags, announcements, read confirmations and uploaded files."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.posts import events
from hanse.posts.models import (
    Announcement,
    AnnouncementRead,
    Attachment,
    Bookmark,
    Comment,
    ComplianceListAccess,
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


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Posts, comments and their files stay under the pseudonym or go (with the comments,
    reactions and files under them); company announcements and the record of who viewed a
    named list stay in both cases, under the pseudonym (they are the company's records)."""
    to = erasure.pseudonym
    counts = {
        "announcements": personal_data.reassign(
            Announcement.objects.filter(author=user), "author", to
        ),
        "compliance_list_views": personal_data.reassign(
            ComplianceListAccess.objects.filter(viewer=user), "viewer", to
        ),
    }
    if erasure.keeps_content:
        counts["posts"] = personal_data.reassign(Post.objects.filter(author=user), "author", to)
        counts["comments"] = personal_data.reassign(
            Comment.objects.filter(author=user), "author", to
        )
        counts["attachments"] = personal_data.reassign(
            Attachment.objects.filter(uploader=user), "uploader", to
        )
        counts["reactions"] = personal_data.reassign(Reaction.objects.filter(user=user), "user", to)
        personal_data.reassign(PostRevision.objects.filter(edited_by=user), "edited_by", to)
    else:
        post_ids = list(Post.objects.filter(author=user).values_list("pk", flat=True))
        counts["posts"] = len(post_ids)
        personal_data.delete_rows(Post.objects.filter(pk__in=post_ids))
        counts["comments"] = personal_data.delete_rows(Comment.objects.filter(author=user))
        counts["attachments"] = personal_data.delete_rows(Attachment.objects.filter(uploader=user))
        personal_data.delete_rows(PostRevision.objects.filter(edited_by=user))
        for post_id in post_ids:
            events.post_deleted_on_commit(post_id)
    return counts


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
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_("Bookmarks, followed hashtags and read confirmations go with the account."),
                pseudonymise=_(
                    "Posts, comments, attached files, reactions and earlier versions stay under "
                    "the pseudonym."
                ),
                delete=_(
                    "Posts (with the comments, reactions and files under them), comments, "
                    "attached files and earlier versions the person wrote are deleted."
                ),
                kept=_(
                    "Company announcements the person published and the record of who viewed a "
                    "named must-read list stay under the pseudonym: they are the company's "
                    "records."
                ),
            ),
            order=20,
        )
    )
