"""/api/v1/ stream: the answers built from what the selectors read, and the lookups every
operation shares (what the caller may not read is 404)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse

from hanse.api.pagination import cursor_page, offset_page
from hanse.api.schemas import Id, PersonRef
from hanse.core import http
from hanse.people.models import User
from hanse.posts.api.schemas import (
    AttachmentOut,
    CommentOut,
    CommunityRef,
    FeedOut,
    LinkPreviewOut,
    PostOut,
    ReactionState,
    ReactorOut,
    ReactorPage,
    ReactorsQuery,
    SharedPostOut,
)
from hanse.posts.models import Attachment, Comment, Post, Reaction
from hanse.posts.selectors import posts as post_selectors
from hanse.posts.selectors.feed import FeedItem, FeedPage
from hanse.posts.selectors.posts import CommentItem


def person_ref(user: User) -> PersonRef:
    return PersonRef.of(user)


def community_ref(post: Post) -> CommunityRef | None:
    c = post.community
    if c is None:
        return None
    return CommunityRef(slug=c.slug, name=c.name, kind=c.kind)  # type: ignore[arg-type]  # choices


def attachment_out(a: Attachment) -> AttachmentOut:
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


def shared_out(post: Post, viewer: User) -> SharedPostOut | None:
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
        author=person_ref(shared.author),
        community=community_ref(shared),
        body_html=shared.body_html,
        created_at=shared.created_at,
    )


def post_out(item: FeedItem, viewer: User) -> PostOut:
    post = item.post
    preview = post.link_preview
    return PostOut(
        id=post.pk,
        author=person_ref(post.author),
        scope=post.scope,  # type: ignore[arg-type]  # choices field
        community=community_ref(post),
        body=post.body,
        body_html=post.body_html,
        created_at=post.created_at,
        edited_at=post.edited_at,
        pinned=post.pinned_at is not None,
        shared_post=shared_out(post, viewer),
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
        attachments=[attachment_out(a) for a in post.attachments.all()],
        comment_count=post.comment_count,
        reaction_count=post.reaction_count,
        reaction_counts=item.reaction_counts,
        my_reactions=sorted(item.my_reactions),  # type: ignore[arg-type]  # kinds are literals
        bookmarked=item.bookmarked,
        can_edit=item.can_edit,
        can_delete=item.can_delete,
        can_pin=item.can_pin,
    )


def feed_out(page: FeedPage, viewer: User) -> FeedOut:
    return FeedOut(**cursor_page((post_out(i, viewer) for i in page.items), page.next_before_id))


def comment_out(entry: CommentItem) -> CommentOut:
    c = entry.comment
    return CommentOut(
        id=c.pk,
        post_id=c.post_id,
        parent_id=c.parent_id,
        author=person_ref(c.author),
        body=c.body,
        body_html=c.body_html,
        created_at=c.created_at,
        edited_at=c.edited_at,
        attachments=[attachment_out(a) for a in c.attachments.all()],
        reaction_count=c.reaction_count,
        reaction_counts=entry.reaction_counts,
        my_reactions=sorted(entry.my_reactions),  # type: ignore[arg-type]  # kinds are literals
        can_edit=entry.can_edit,
        can_delete=entry.can_delete,
        replies=[comment_out(r) for r in entry.replies],
    )


def post_for(request: HttpRequest, post_id: Id) -> Post:
    return post_selectors.get_post_for(viewer=http.viewer(request), post_id=post_id)


def post_item(request: HttpRequest, post_id: Id) -> PostOut:
    viewer = http.viewer(request)
    detail = post_selectors.post_detail(viewer=viewer, post_id=post_id)
    return post_out(detail.item, viewer)


def find_comment(detail: post_selectors.PostDetail, comment_id: Id) -> CommentItem | None:
    for entry in detail.comments:
        if entry.comment.pk == comment_id:
            return entry
        for reply in entry.replies:
            if reply.comment.pk == comment_id:
                return reply
    return None


def reaction_state(kind: str, reacted: bool, count: int) -> ReactionState:
    return ReactionState(kind=kind, reacted=reacted, count=count)  # type: ignore[arg-type]  # validated


def reactors_out(rows: list[Reaction], query: ReactorsQuery) -> ReactorPage:
    return ReactorPage(
        **offset_page(
            rows,
            query,
            lambda r: ReactorOut(person=person_ref(r.user), kind=r.kind, created_at=r.created_at),
        )
    )


def comment_for(request: HttpRequest, comment_id: Id) -> Comment:
    return post_selectors.get_comment_for(viewer=http.viewer(request), comment_id=comment_id)


def comment_item(request: HttpRequest, comment: Comment) -> CommentOut:
    detail = post_selectors.post_detail(viewer=http.viewer(request), post_id=comment.post_id)
    entry = find_comment(detail, comment.pk)
    if entry is None:  # deleted in between
        raise Http404
    return comment_out(entry)
