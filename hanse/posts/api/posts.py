"""/api/v1/: the stream. Everything goes through the services and selectors; what the caller
may not read is 404, exactly as on the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hanse.api.pagination import (
    CursorPage,
    CursorQuery,
    OffsetPage,
    OffsetQuery,
    cursor_page,
    offset_page,
)
from hanse.api.schemas import ERRORS, Cursor, Id, Message, PersonRef, limit_field
from hanse.communities.selectors import get_community_for
from hanse.core import http, idempotency
from hanse.people.models import User
from hanse.posts.models import Attachment, Comment, Post, Reaction
from hanse.posts.selectors import feed as feed_selectors
from hanse.posts.selectors import posts as post_selectors
from hanse.posts.selectors.feed import FeedItem, FeedPage
from hanse.posts.selectors.posts import CommentItem
from hanse.posts.services import bookmarks as bookmark_services
from hanse.posts.services import comments as comment_services
from hanse.posts.services import posts as post_services
from hanse.posts.services import reactions as reaction_services
from hanse.posts.services import tags as tag_services

router = Router(tags=["posts"])

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


# --- helpers -------------------------------------------------------------------------------


def _person(user: User) -> PersonRef:
    return PersonRef(username=user.username, display_name=user.display_name)


def _community_ref(post: Post) -> CommunityRef | None:
    c = post.community
    if c is None:
        return None
    return CommunityRef(slug=c.slug, name=c.name, kind=c.kind)  # type: ignore[arg-type]  # choices


def _attachment(a: Attachment) -> AttachmentOut:
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("posts:file", args=[a.pk, a.original_name])
    except NoReverseMatch:
        url = f"/files/{a.pk}/"
    return AttachmentOut(
        id=a.pk,
        kind=a.kind,  # type: ignore[arg-type]  # choices field
        name=a.original_name,
        content_type=a.content_type,
        size=a.size,
        width=a.width,
        height=a.height,
        url=url,
    )


def _shared(post: Post, viewer: User) -> SharedPostOut | None:
    shared = post.shared_post
    if shared is None:
        return None
    # The shared post shows only while the viewer may read it (it is open when shared, but
    # a community can turn private later).
    community = shared.community
    if community is not None and not viewer.has_perm("communities.view_content", community):
        return None
    return SharedPostOut(
        id=shared.pk,
        author=_person(shared.author),
        community=_community_ref(shared),
        body_html=shared.body_html,
        created_at=shared.created_at,
    )


def _post_out(item: FeedItem, viewer: User) -> PostOut:
    post = item.post
    preview = post.link_preview
    return PostOut(
        id=post.pk,
        author=_person(post.author),
        scope=post.scope,  # type: ignore[arg-type]  # choices field
        community=_community_ref(post),
        body=post.body,
        body_html=post.body_html,
        created_at=post.created_at,
        edited_at=post.edited_at,
        pinned=post.pinned_at is not None,
        shared_post=_shared(post, viewer),
        link_preview=(
            LinkPreviewOut(
                url=preview.final_url or preview.url,
                title=preview.title,
                description=preview.description,
                image_url=preview.image_url,
                site_name=preview.site_name,
            )
            if preview is not None and preview.status == preview.Status.OK
            else None
        ),
        attachments=[_attachment(a) for a in post.attachments.all()],
        comment_count=post.comment_count,
        reaction_count=post.reaction_count,
        reaction_counts=item.reaction_counts,
        my_reactions=sorted(item.my_reactions),  # type: ignore[arg-type]  # kinds are literals
        bookmarked=item.bookmarked,
        can_edit=item.can_edit,
        can_delete=item.can_delete,
        can_pin=item.can_pin,
    )


def _feed(page: FeedPage, viewer: User) -> FeedOut:
    return FeedOut(**cursor_page((_post_out(i, viewer) for i in page.items), page.next_before_id))


def _comment_out(entry: CommentItem) -> CommentOut:
    c = entry.comment
    return CommentOut(
        id=c.pk,
        post_id=c.post_id,
        parent_id=c.parent_id,
        author=_person(c.author),
        body=c.body,
        body_html=c.body_html,
        created_at=c.created_at,
        edited_at=c.edited_at,
        attachments=[_attachment(a) for a in c.attachments.all()],
        reaction_count=c.reaction_count,
        reaction_counts=entry.reaction_counts,
        my_reactions=sorted(entry.my_reactions),  # type: ignore[arg-type]  # kinds are literals
        can_edit=entry.can_edit,
        can_delete=entry.can_delete,
        replies=[_comment_out(r) for r in entry.replies],
    )


def _post(request: HttpRequest, post_id: Id) -> Post:
    return post_selectors.get_post_for(viewer=http.viewer(request), post_id=post_id)


def _item(request: HttpRequest, post_id: Id) -> PostOut:
    viewer = http.viewer(request)
    detail = post_selectors.post_detail(viewer=viewer, post_id=post_id)
    return _post_out(detail.item, viewer)


def _find_comment(detail: post_selectors.PostDetail, comment_id: Id) -> CommentItem | None:
    for entry in detail.comments:
        if entry.comment.pk == comment_id:
            return entry
        for reply in entry.replies:
            if reply.comment.pk == comment_id:
                return reply
    return None


# --- feeds ---------------------------------------------------------------------------------


@router.get("/feed", response={200: FeedOut, **ERRORS}, summary="Home feed")
def home_feed(request: HttpRequest, query: Query[HomeFeedQuery]) -> FeedOut:
    """Posts from the caller's communities, people and tags they follow, and their own;
    newest first. Page with `cursor` = the previous page's `next_cursor`."""
    viewer = http.viewer(request)
    page = feed_selectors.home_feed(
        viewer=viewer, before_id=query.id_position(), limit=query.limit, filter=query.filter
    )
    return _feed(page, viewer)


@router.get("/feed/new-count", response={200: NewCountOut, **ERRORS}, summary="New posts")
def feed_new_count(request: HttpRequest, query: Query[NewCountQuery]) -> NewCountOut:
    """How many home-feed posts arrived after `after_id` (for a "new posts" indicator)."""
    count = feed_selectors.newer_count(
        viewer=http.viewer(request), after_id=query.after_id, filter=query.filter
    )
    return NewCountOut(count=count)


@router.get("/stream", response={200: FeedOut, **ERRORS}, summary="Company-wide stream")
def company_stream(request: HttpRequest, query: Query[FeedQuery]) -> FeedOut:
    """Company-wide posts, newest first."""
    viewer = http.viewer(request)
    page = feed_selectors.company_stream(
        viewer=viewer, before_id=query.id_position(), limit=query.limit
    )
    return _feed(page, viewer)


@router.get(
    "/communities/{slug}/posts", response={200: FeedOut, **ERRORS}, summary="Community stream"
)
def community_stream(request: HttpRequest, slug: str, query: Query[FeedQuery]) -> FeedOut:
    """A community's posts (pinned ones first on the first page). Members only for private
    and secret communities; a secret community is 404 for outsiders."""
    viewer = http.viewer(request)
    community = get_community_for(viewer=viewer, slug=slug)
    page = feed_selectors.community_stream(
        viewer=viewer, community=community, before_id=query.id_position(), limit=query.limit
    )
    return _feed(page, viewer)


@router.get("/people/{username}/posts", response={200: FeedOut, **ERRORS}, summary="Profile stream")
def profile_stream(request: HttpRequest, username: str, query: Query[FeedQuery]) -> FeedOut:
    """A person's posts that the caller may read."""
    viewer = http.viewer(request)
    person = get_object_or_404(User, username=username, is_active=True)
    page = feed_selectors.profile_stream(
        viewer=viewer, person=person, before_id=query.id_position(), limit=query.limit
    )
    return _feed(page, viewer)


@router.get("/tags/{tag}/posts", response={200: FeedOut, **ERRORS}, summary="Tag stream")
def tag_stream(request: HttpRequest, tag: str, query: Query[FeedQuery]) -> FeedOut:
    """Posts with this hashtag that the caller may read."""
    viewer = http.viewer(request)
    page = feed_selectors.tag_stream(
        viewer=viewer, tag_name=tag, before_id=query.id_position(), limit=query.limit
    )
    return _feed(page, viewer)


@router.get("/tags/{tag}", response={200: TagOut, **ERRORS}, summary="A hashtag")
def get_tag(request: HttpRequest, tag: str) -> TagOut:
    """A hashtag, normalised, and whether the caller follows it."""
    from hanse.core.text import normalise_tag

    name = normalise_tag(tag)
    if not name:
        from django.http import Http404

        raise Http404
    following = feed_selectors.follows_tag(viewer=http.viewer(request), tag_name=name)
    return TagOut(name=name, following=following)


@router.put("/tags/{tag}/follow", response={200: TagOut, **ERRORS}, summary="Follow a hashtag")
def follow_tag(request: HttpRequest, tag: str) -> TagOut:
    """Follow a hashtag: its posts come into the caller's home feed."""
    found = tag_services.tag_follow(user=http.viewer(request), tag_name=tag)
    return TagOut(name=found.name, following=True)


@router.delete("/tags/{tag}/follow", response={200: TagOut, **ERRORS}, summary="Unfollow a hashtag")
def unfollow_tag(request: HttpRequest, tag: str) -> TagOut:
    """Stop following a hashtag."""
    from hanse.core.text import normalise_tag

    tag_services.tag_unfollow(user=http.viewer(request), tag_name=tag)
    return TagOut(name=normalise_tag(tag) or tag, following=False)


@router.get("/bookmarks", response={200: FeedOut, **ERRORS}, summary="Saved posts")
def bookmarks(request: HttpRequest, query: Query[FeedQuery]) -> FeedOut:
    """The caller's saved posts, newest post first."""
    viewer = http.viewer(request)
    page = feed_selectors.bookmarks_of(
        viewer=viewer, before_id=query.id_position(), limit=query.limit
    )
    return _feed(page, viewer)


@router.get("/mentions", response={200: MentionsOut, **ERRORS}, summary="Mention suggestions")
def mention_suggestions(request: HttpRequest, query: Query[MentionQuery]) -> MentionsOut:
    """People and communities whose name starts with `q`, for @-autocomplete. A secret
    community is suggested to its members only."""
    found = post_selectors.mention_suggestions(
        viewer=http.viewer(request), q=query.q, limit=query.limit
    )
    return MentionsOut(
        people=[
            MentionPerson(username=p.username, display_name=p.display_name, job_title=p.job_title)
            for p in found.people
        ],
        communities=[MentionCommunity(slug=c.slug, name=c.name) for c in found.communities],
    )


# --- posts ---------------------------------------------------------------------------------


@router.post("/posts", response={201: PostOut, **ERRORS}, summary="Write a post")
def create_post(request: HttpRequest, payload: PostIn) -> Status[PostOut]:
    """Publish a post (JSON body; Markdown with @mentions and #hashtags). A retry with the same
    `Idempotency-Key` header returns the first post instead of a second one."""
    viewer = http.viewer(request)
    community = None
    if payload.community:
        community = get_community_for(viewer=viewer, slug=payload.community)
    shared = None
    if payload.shared_post_id is not None:
        shared = _post(request, payload.shared_post_id)
    key = idempotency.from_request(request)
    post = post_services.post_create(
        author=viewer,
        body=payload.body,
        community=community,
        scope=payload.scope,
        shared_post=shared,
        idempotency_key=key,
    )
    if key is not None:
        # Perhaps the first request's post, which others may have reacted to since.
        return Status(201, _item(request, post.pk))
    # A new post: described from the objects in hand, not read back through the visibility
    # rule and the comment thread (which cost more than the write).
    return Status(201, _post_out(feed_selectors.new_post_item(post=post, viewer=viewer), viewer))


@router.get("/posts/{post_id}", response={200: PostOut, **ERRORS}, summary="Get a post")
def get_post(request: HttpRequest, post_id: Id) -> PostOut:
    """A post the caller may read; 404 otherwise."""
    return _item(request, post_id)


@router.patch("/posts/{post_id}", response={200: PostOut, **ERRORS}, summary="Edit a post")
def update_post(request: HttpRequest, post_id: Id, payload: PostPatch) -> PostOut:
    """Change the text (author only). The post is marked as edited; the earlier text is
    kept for moderators."""
    post_services.post_update(
        post=_post(request, post_id), by=http.viewer(request), body=payload.body
    )
    return _item(request, post_id)


@router.delete("/posts/{post_id}", response={204: None, **ERRORS}, summary="Delete a post")
def delete_post(request: HttpRequest, post_id: Id) -> Status[None]:
    """Delete a post with its comments, reactions and files (author, moderators, admins)."""
    post_services.post_delete(post=_post(request, post_id), by=http.viewer(request))
    return Status(204, None)


@router.put("/posts/{post_id}/pin", response={200: PostOut, **ERRORS}, summary="Pin a post")
def pin_post(request: HttpRequest, post_id: Id) -> PostOut:
    """Pin a post at the top of its community stream (moderators and owners)."""
    post_services.post_pin(post=_post(request, post_id), by=http.viewer(request))
    return _item(request, post_id)


@router.delete("/posts/{post_id}/pin", response={200: PostOut, **ERRORS}, summary="Unpin")
def unpin_post(request: HttpRequest, post_id: Id) -> PostOut:
    """Unpin a post (moderators and owners)."""
    post_services.post_unpin(post=_post(request, post_id), by=http.viewer(request))
    return _item(request, post_id)


@router.get(
    "/posts/{post_id}/revisions",
    response={200: RevisionPage, **ERRORS},
    summary="Earlier versions",
)
def revisions(request: HttpRequest, post_id: Id, query: Query[OffsetQuery]) -> RevisionPage:
    """Earlier versions of an edited post (author, community moderators, admins)."""
    rows = post_selectors.post_revisions(viewer=http.viewer(request), post=_post(request, post_id))
    return RevisionPage(
        **offset_page(
            rows,
            query,
            lambda r: RevisionOut(
                id=r.pk,
                body=r.body,
                edited_by=_person(r.edited_by) if r.edited_by else None,
                created_at=r.created_at,
            ),
        )
    )


@router.put("/posts/{post_id}/bookmark", response={200: Message, **ERRORS}, summary="Save a post")
def bookmark_post(request: HttpRequest, post_id: Id) -> Message:
    """Save a post for later."""
    bookmark_services.bookmark_add(user=http.viewer(request), post=_post(request, post_id))
    return Message(detail=_("The post is saved."))


@router.delete(
    "/posts/{post_id}/bookmark", response={200: Message, **ERRORS}, summary="Forget a post"
)
def unbookmark_post(request: HttpRequest, post_id: Id) -> Message:
    """Remove a post from the saved posts."""
    bookmark_services.bookmark_remove(user=http.viewer(request), post=_post(request, post_id))
    return Message(detail=_("The post is no longer saved."))


# --- reactions -----------------------------------------------------------------------------


def _reaction_state(kind: str, reacted: bool, count: int) -> ReactionState:
    return ReactionState(kind=kind, reacted=reacted, count=count)  # type: ignore[arg-type]  # validated


@router.put(
    "/posts/{post_id}/reactions/{kind}",
    response={200: ReactionState, **ERRORS},
    summary="React to a post",
)
def react_post(request: HttpRequest, post_id: Id, kind: ReactionLiteral) -> ReactionState:
    """Add the caller's reaction of this kind (idempotent)."""
    post = _post(request, post_id)
    reaction_services.reaction_add(user=http.viewer(request), kind=kind, post=post)
    post.refresh_from_db(fields=["reaction_count"])
    return _reaction_state(kind, True, post.reaction_count)


@router.delete(
    "/posts/{post_id}/reactions/{kind}",
    response={200: ReactionState, **ERRORS},
    summary="Take back a reaction to a post",
)
def unreact_post(request: HttpRequest, post_id: Id, kind: ReactionLiteral) -> ReactionState:
    """Remove the caller's reaction of this kind (idempotent)."""
    post = _post(request, post_id)
    reaction_services.reaction_remove(user=http.viewer(request), kind=kind, post=post)
    post.refresh_from_db(fields=["reaction_count"])
    return _reaction_state(kind, False, post.reaction_count)


def _reactors_out(rows: list[Reaction], query: ReactorsQuery) -> ReactorPage:
    return ReactorPage(
        **offset_page(
            rows,
            query,
            lambda r: ReactorOut(person=_person(r.user), kind=r.kind, created_at=r.created_at),
        )
    )


@router.get(
    "/posts/{post_id}/reactions",
    response={200: ReactorPage, **ERRORS},
    summary="Who reacted to a post",
)
def post_reactors(request: HttpRequest, post_id: Id, query: Query[ReactorsQuery]) -> ReactorPage:
    """Who reacted, and how; newest first."""
    rows = post_selectors.reactors(
        viewer=http.viewer(request), post=_post(request, post_id), kind=query.kind
    )
    return _reactors_out(rows, query)


# --- comments ------------------------------------------------------------------------------


def _comment(request: HttpRequest, comment_id: Id) -> Comment:
    return post_selectors.get_comment_for(viewer=http.viewer(request), comment_id=comment_id)


def _comment_item(request: HttpRequest, comment: Comment) -> CommentOut:
    detail = post_selectors.post_detail(viewer=http.viewer(request), post_id=comment.post_id)
    entry = _find_comment(detail, comment.pk)
    if entry is None:  # deleted in between
        from django.http import Http404

        raise Http404
    return _comment_out(entry)


@router.get(
    "/posts/{post_id}/comments",
    response={200: CommentPage, **ERRORS},
    summary="Comments of a post",
)
def list_comments(request: HttpRequest, post_id: Id, query: Query[CommentsQuery]) -> CommentPage:
    """Top-level comments, oldest first, each with its replies."""
    detail = post_selectors.post_detail(viewer=http.viewer(request), post_id=post_id)
    after = query.id_position() or 0
    rest = [c for c in detail.comments if c.comment.pk > after]
    page = rest[: query.limit]
    more = len(rest) > query.limit
    return CommentPage(
        **cursor_page((_comment_out(c) for c in page), page[-1].comment.pk if more else None)
    )


@router.post("/posts/{post_id}/comments", response={201: CommentOut, **ERRORS}, summary="Comment")
def create_comment(request: HttpRequest, post_id: Id, payload: CommentIn) -> Status[CommentOut]:
    """Comment on a post, or reply to one of its top-level comments (`parent_id`). A retry
    with the same `Idempotency-Key` header returns the first comment."""
    post = _post(request, post_id)
    parent = None
    if payload.parent_id is not None:
        parent = _comment(request, payload.parent_id)
    comment = comment_services.comment_create(
        post=post,
        author=http.viewer(request),
        body=payload.body,
        parent=parent,
        idempotency_key=idempotency.from_request(request),
    )
    return Status(201, _comment_item(request, comment))


@router.patch(
    "/comments/{comment_id}", response={200: CommentOut, **ERRORS}, summary="Edit a comment"
)
def update_comment(request: HttpRequest, comment_id: Id, payload: CommentPatch) -> CommentOut:
    """Change a comment's text (author only)."""
    comment = _comment(request, comment_id)
    comment_services.comment_update(comment=comment, by=http.viewer(request), body=payload.body)
    return _comment_item(request, comment)


@router.delete("/comments/{comment_id}", response={204: None, **ERRORS}, summary="Delete a comment")
def delete_comment(request: HttpRequest, comment_id: Id) -> Status[None]:
    """Delete a comment and its replies (author, community moderators, admins)."""
    comment_services.comment_delete(comment=_comment(request, comment_id), by=http.viewer(request))
    return Status(204, None)


@router.put(
    "/comments/{comment_id}/reactions/{kind}",
    response={200: ReactionState, **ERRORS},
    summary="React to a comment",
)
def react_comment(request: HttpRequest, comment_id: Id, kind: ReactionLiteral) -> ReactionState:
    """Add the caller's reaction of this kind to a comment (idempotent)."""
    comment = _comment(request, comment_id)
    reaction_services.reaction_add(user=http.viewer(request), kind=kind, comment=comment)
    comment.refresh_from_db(fields=["reaction_count"])
    return _reaction_state(kind, True, comment.reaction_count)


@router.delete(
    "/comments/{comment_id}/reactions/{kind}",
    response={200: ReactionState, **ERRORS},
    summary="Take back a reaction to a comment",
)
def unreact_comment(request: HttpRequest, comment_id: Id, kind: ReactionLiteral) -> ReactionState:
    """Remove the caller's reaction of this kind from a comment (idempotent)."""
    comment = _comment(request, comment_id)
    reaction_services.reaction_remove(user=http.viewer(request), kind=kind, comment=comment)
    comment.refresh_from_db(fields=["reaction_count"])
    return _reaction_state(kind, False, comment.reaction_count)


@router.get(
    "/comments/{comment_id}/reactions",
    response={200: ReactorPage, **ERRORS},
    summary="Who reacted to a comment",
)
def comment_reactors(
    request: HttpRequest, comment_id: Id, query: Query[ReactorsQuery]
) -> ReactorPage:
    """Who reacted to a comment, and how; newest first."""
    rows = post_selectors.reactors(
        viewer=http.viewer(request), comment=_comment(request, comment_id), kind=query.kind
    )
    return _reactors_out(rows, query)
