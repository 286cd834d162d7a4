"""Files and images on posts and comments: what they accept. Validating, storing, thumbnails
and removing are hanse/core/uploads.py's, shared with chat and later apps.

The flow for a post or comment with files:
``validated = attachments_validate(files)`` before the transaction (decoding and re-encoding
images is slow and must not hold a write lock), then ``attachments_store(validated, post=...,
uploader=...)`` inside it, and ``attachments_delete_files_on_commit(...)`` in the transaction
that deletes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from hanse.core import uploads
from hanse.posts.models import Attachment, Comment, Post

# Images, PDF, Office, OpenDocument and text files, at most ten per post or comment.
ATTACHMENTS = uploads.UploadPolicy(model="posts.Attachment", folder="attachments", max_files=10)


def attachments_validate(
    files: Sequence[UploadedFile], *, thumbnails: bool = True
) -> list[uploads.ValidatedFile]:
    """Check count, size and type of uploads for a post or comment; nothing is written."""
    return uploads.validate(files, ATTACHMENTS, thumbnails=thumbnails)


def attachments_store(
    validated: Sequence[uploads.ValidatedFile],
    *,
    post: Post | None = None,
    comment: Comment | None = None,
    uploader: Any,
) -> list[Attachment]:
    """Write validated files and their rows (call inside the transaction that creates the post
    or comment)."""
    if (post is None) == (comment is None):
        raise ValueError("An attachment belongs to exactly one post or one comment.")
    return uploads.store(
        validated,
        ATTACHMENTS,
        lambda item: Attachment(
            uploader=uploader, post=post, comment=comment, **uploads.row_fields(item)
        ),
    )


def attachments_delete_files(attachments: Iterable[Attachment]) -> None:
    """Remove the stored files (and thumbnails) of these attachments; call after commit,
    with attachments loaded before their rows were deleted. A file that another row still
    points to (the demo shares pictures among attachments) is kept."""
    attachments = list(attachments)
    uploads.delete_unreferenced(
        ATTACHMENTS.storage(),
        uploads.stored_names(attachments),
        exclude={"posts.Attachment": [a.pk for a in attachments if a.pk is not None]},
    )


def attachments_delete_files_on_commit(attachments: Iterable[Attachment]) -> None:
    """Note the files of these attachments now and remove them once the transaction commits
    (call inside the transaction that deletes their post or comment)."""
    uploads.delete_files_on_commit(attachments)
