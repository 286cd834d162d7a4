"""/api/v1/ stream: comments, replies and their reactions."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Status

from hanse.api.pagination import cursor_page
from hanse.api.schemas import ERRORS, Id
from hanse.core import http, idempotency, ratelimit
from hanse.posts.api.answers import (
    comment_for,
    comment_item,
    comment_out,
    post_for,
    reaction_state,
    reactors_out,
)
from hanse.posts.api.router import router
from hanse.posts.api.schemas import (
    CommentIn,
    CommentOut,
    CommentPage,
    CommentPatch,
    CommentsQuery,
    ReactionLiteral,
    ReactionState,
    ReactorPage,
    ReactorsQuery,
)
from hanse.posts.selectors import posts as post_selectors
from hanse.posts.services import comments as comment_services
from hanse.posts.services import reactions as reaction_services


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
        **cursor_page((comment_out(c) for c in page), page[-1].comment.pk if more else None)
    )


@router.post("/posts/{post_id}/comments", response={201: CommentOut, **ERRORS}, summary="Comment")
def create_comment(request: HttpRequest, post_id: Id, payload: CommentIn) -> Status[CommentOut]:
    """Comment on a post, or reply to one of its top-level comments (`parent_id`). A retry
    with the same `Idempotency-Key` header returns the first comment."""
    ratelimit.require("comment", http.viewer(request).pk)  # 429 with Retry-After (RATE_LIMITS)
    post = post_for(request, post_id)
    parent = None
    if payload.parent_id is not None:
        parent = comment_for(request, payload.parent_id)
    comment = comment_services.comment_create(
        post=post,
        author=http.viewer(request),
        body=payload.body,
        parent=parent,
        idempotency_key=idempotency.from_request(request),
    )
    return Status(201, comment_item(request, comment))


@router.patch(
    "/comments/{comment_id}", response={200: CommentOut, **ERRORS}, summary="Edit a comment"
)
def update_comment(request: HttpRequest, comment_id: Id, payload: CommentPatch) -> CommentOut:
    """Change a comment's text (author only)."""
    comment = comment_for(request, comment_id)
    comment_services.comment_update(comment=comment, by=http.viewer(request), body=payload.body)
    return comment_item(request, comment)


@router.delete("/comments/{comment_id}", response={204: None, **ERRORS}, summary="Delete a comment")
def delete_comment(request: HttpRequest, comment_id: Id) -> Status[None]:
    """Delete a comment and its replies (author, community moderators, admins)."""
    comment_services.comment_delete(
        comment=comment_for(request, comment_id), by=http.viewer(request)
    )
    return Status(204, None)


@router.put(
    "/comments/{comment_id}/reactions/{kind}",
    response={200: ReactionState, **ERRORS},
    summary="React to a comment",
)
def react_comment(request: HttpRequest, comment_id: Id, kind: ReactionLiteral) -> ReactionState:
    """Add the caller's reaction of this kind to a comment (idempotent)."""
    comment = comment_for(request, comment_id)
    reaction_services.reaction_add(user=http.viewer(request), kind=kind, comment=comment)
    comment.refresh_from_db(fields=["reaction_count"])
    return reaction_state(kind, True, comment.reaction_count)


@router.delete(
    "/comments/{comment_id}/reactions/{kind}",
    response={200: ReactionState, **ERRORS},
    summary="Take back a reaction to a comment",
)
def unreact_comment(request: HttpRequest, comment_id: Id, kind: ReactionLiteral) -> ReactionState:
    """Remove the caller's reaction of this kind from a comment (idempotent)."""
    comment = comment_for(request, comment_id)
    reaction_services.reaction_remove(user=http.viewer(request), kind=kind, comment=comment)
    comment.refresh_from_db(fields=["reaction_count"])
    return reaction_state(kind, False, comment.reaction_count)


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
        viewer=http.viewer(request), comment=comment_for(request, comment_id), kind=query.kind
    )
    return reactors_out(rows, query)
