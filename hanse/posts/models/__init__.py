"""The stream: posts, comments, reactions, tags, bookmarks, files, link previews, announcements."""

from hanse.posts.models.announcements import (
    Announcement,
    AnnouncementRead,
    ComplianceListAccess,
)
from hanse.posts.models.files import Attachment
from hanse.posts.models.posts import (
    Bookmark,
    Comment,
    LinkPreview,
    Mention,
    Post,
    PostQuerySet,
    PostRevision,
    Reaction,
    ReactionKind,
    Tag,
    TagFollow,
)

__all__ = [
    "Announcement",
    "AnnouncementRead",
    "Attachment",
    "Bookmark",
    "Comment",
    "ComplianceListAccess",
    "LinkPreview",
    "Mention",
    "Post",
    "PostQuerySet",
    "PostRevision",
    "Reaction",
    "ReactionKind",
    "Tag",
    "TagFollow",
]
