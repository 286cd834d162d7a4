"""Writes for comments: one level of replies, Markdown, mentions, attachments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import idempotency, uploads
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.posts import events
from hanse.posts import interactions as post_interactions
from hanse.posts.models import Attachment, Comment, Mention, Post
from hanse.posts.rules import may_delete_comment, may_edit_comment
from hanse.posts.services.posts import (
    _earlier,
    check_body,
    delete_files_on_commit,
    render_text,
    require_active,
    store_files,
    store_mentions,
    validate_files,
)

if TYPE_CHECKING:
    from hanse.people.models import User


def comment_create(
    *,
    post: Post,
    author: User,
    body: str,
    parent: Comment | None = None,
    files: Sequence[UploadedFile] = (),
    idempotency_key: str | None = None,
) -> Comment:
    """Comment on a post the author can read, or reply to a top-level comment of it; a retry
    with the same ``idempotency_key`` returns the first comment."""
    require_active(author)
    if not Post.objects.visible_to(author).filter(pk=post.pk).exists():
        raise ServiceError(_("This post does not exist."), code="not_found", status=404)
    if parent is not None and (parent.post_id != post.pk or parent.parent_id is not None):
        raise ServiceError(
            _("Replies go to a top-level comment of the same post."), code="invalid_parent"
        )
    text = check_body(body, allow_empty=bool(files))
    rendered = render_text(text, author=author, community=post.community)
    validated = validate_files(files)
    # A failure after the files were stored removes them (hanse/core/uploads.py).
    with uploads.removed_on_error(), transaction.atomic():
        earlier = idempotency.claim(user=author, scope="posts.comment", key=idempotency_key)
        if earlier is not None:
            return _earlier(Comment, earlier, _("This comment does not exist."))
        comment = Comment.objects.create(
            post=post, author=author, parent=parent, body=text, body_html=rendered.html
        )
        store_mentions(rendered, comment=comment)
        store_files(validated, uploader=author, comment=comment)
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        idempotency.record(
            user=author, scope="posts.comment", key=idempotency_key, object_id=comment.pk
        )
        events.comment_created_on_commit(comment.pk)
        post_interactions.commented(
            author_id=author.pk,
            post_author_id=post.author_id,
            parent_author_id=parent.author_id if parent is not None else None,
        )
        post_interactions.mentioned(author_id=author.pk, people=rendered.people)
    return comment


def comment_update(*, comment: Comment, by: User, body: str) -> Comment:
    """Change a comment's text (author only); it is marked as edited."""
    require_active(by)
    if not may_edit_comment(by, comment):
        raise PermissionRefused(_("Only the author can edit this comment."))
    text = check_body(body, allow_empty=comment.attachments.exists())
    if text == comment.body:
        return comment
    rendered = render_text(text, author=by, community=comment.post.community)
    with transaction.atomic():
        comment.body = text
        comment.body_html = rendered.html
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        Mention.objects.filter(comment=comment).delete()
        store_mentions(rendered, comment=comment)
    return comment


def comment_delete(*, comment: Comment, by: User) -> None:
    """Delete a comment and its replies (author, community moderators, admins)."""
    require_active(by)
    if not may_delete_comment(by, comment):
        raise PermissionRefused(_("You may not delete this comment."))
    comment_purge(comment=comment)


def comment_purge(*, comment: Comment) -> None:
    """comment_delete without the permission check: for the system (retention of removed
    content). Everything comment_delete removes goes."""
    with transaction.atomic():
        removed = 1 + Comment.objects.filter(parent=comment).count()
        files = list(
            Attachment.objects.filter(Q(comment=comment) | Q(comment__parent=comment)).only(
                "id", "file", "thumbnail"
            )
        )
        post_id = comment.post_id
        comment.delete()
        Post.objects.filter(pk=post_id).update(
            comment_count=Greatest(F("comment_count") - removed, 0)
        )
        delete_files_on_commit(files)
