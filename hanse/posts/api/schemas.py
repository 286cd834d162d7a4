"""/api/v1/ stream: what the operations take and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from hanse.api.pagination import CursorPage, CursorQuery, OffsetPage, OffsetQuery
from hanse.api.schemas import Cursor, Id, PersonRef, limit_field

ReactionLiteral = Literal["like", "celebrate", "insightful", "support", "curious"]
ScopeLiteral = Literal["company", "community", "profile"]
FilterLiteral = Literal["all", "communities", "following"]


# --- schemas -------------------------------------------------------------------------------


class CommunityRef(Schema):
    slug: str
    name: str
    kind: Literal["open", "private", "secret"]


class AttachmentOut(Schema):
    id: int
    kind: Literal["image", "file"]
    name: str = Field(description="The original file name.")
    content_type: str = Field(description="The type sniffed from the content.")
    size: int = Field(description="Size in bytes.")
    width: int | None = None
    height: int | None = None
    url: str = Field(description="Download address; served only after a permission check.")


class LinkPreviewOut(Schema):
    url: str
    title: str
    description: str
    image_url: str
    site_name: str


class SharedPostOut(Schema):
    id: int
    author: PersonRef
    community: CommunityRef | None
    body_html: str
    created_at: datetime


class PostOut(Schema):
    id: int
    author: PersonRef
    scope: ScopeLiteral = Field(
        description="company: the company-wide stream; community: in `community`; "
        "profile: on the author's profile."
    )
    community: CommunityRef | None
    body: str = Field(description="The Markdown source.")
    body_html: str = Field(description="The sanitised HTML rendering of `body`.")
    created_at: datetime
    edited_at: datetime | None = Field(description="When the post was last edited, if ever.")
    pinned: bool = Field(description="Pinned at the top of its community stream.")
    shared_post: SharedPostOut | None = Field(
        description="The post this one shares, when it is a share and still readable."
    )
    link_preview: LinkPreviewOut | None
    attachments: list[AttachmentOut]
    comment_count: int
    reaction_count: int
    reaction_counts: dict[str, int] = Field(description="Reactions per kind.")
    my_reactions: list[ReactionLiteral] = Field(description="The caller's reactions.")
    bookmarked: bool
    can_edit: bool
    can_delete: bool
    can_pin: bool


class FeedOut(CursorPage[PostOut]):
    """A page of a stream of posts, newest first."""


class FeedQuery(CursorQuery):
    """Paging of a stream of posts (newest first)."""


class HomeFeedQuery(FeedQuery):
    filter: FilterLiteral = Field(
        "all",
        description="all; communities: only my communities; following: only people I follow.",
    )


class NewCountQuery(Schema):
    after_id: Cursor = Field(description="The newest post id the caller has seen.")
    filter: FilterLiteral = "all"


class NewCountOut(Schema):
    count: int = Field(description="Newer posts in the home feed (at most 100).")


class PostIn(Schema):
    body: str = Field("", description="Markdown, at most 20,000 characters.")
    community: str | None = Field(
        None, description="The slug of the community to post in (members only)."
    )
    scope: ScopeLiteral | None = Field(
        None, description="Defaults to community with a community, else company."
    )
    shared_post_id: Id | None = Field(
        None, description="Share this post (not from a private or secret community)."
    )


class PostPatch(Schema):
    body: str = Field(description="The new Markdown text; the old one is kept as a revision.")


class RevisionOut(Schema):
    id: int
    body: str
    edited_by: PersonRef | None
    created_at: datetime


class CommentOut(Schema):
    id: int
    post_id: int
    parent_id: int | None
    author: PersonRef
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    attachments: list[AttachmentOut]
    reaction_count: int
    reaction_counts: dict[str, int]
    my_reactions: list[ReactionLiteral]
    can_edit: bool
    can_delete: bool
    replies: list[CommentOut] = Field(description="Replies (one level).")


class CommentPage(CursorPage[CommentOut]):
    """A page of a post's top-level comments, oldest first, each with its replies."""


class CommentsQuery(CursorQuery):
    """Paging of a post's comments (oldest first)."""

    limit: int = limit_field(50, 200)


class CommentIn(Schema):
    body: str = Field(description="Markdown, at most 20,000 characters.")
    parent_id: Id | None = Field(None, description="Reply to this top-level comment.")


class CommentPatch(Schema):
    body: str


class ReactionState(Schema):
    kind: ReactionLiteral
    reacted: bool = Field(description="Whether the caller's reaction now exists.")
    count: int = Field(description="All reactions on the target after the change.")


class ReactorOut(Schema):
    person: PersonRef
    kind: ReactionLiteral
    created_at: datetime


class ReactorPage(OffsetPage[ReactorOut]):
    """A page of who reacted, newest first."""


class RevisionPage(OffsetPage[RevisionOut]):
    """A page of a post's earlier versions."""


class ReactorsQuery(OffsetQuery):
    kind: ReactionLiteral | None = Field(None, description="Only reactions of this kind.")


class TagOut(Schema):
    name: str
    following: bool


class MentionQuery(Schema):
    q: str = Field(max_length=50, description="The start of a name, username or slug.")
    limit: int = limit_field(8, 20)
    community: str = Field(
        "",
        max_length=80,
        description="Slug of the community the text is written in: its members rank higher.",
    )


class MentionPerson(Schema):
    username: str
    display_name: str
    job_title: str


class MentionCommunity(Schema):
    slug: str
    name: str


class MentionsOut(Schema):
    people: list[MentionPerson]
    communities: list[MentionCommunity]
