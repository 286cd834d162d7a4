"""/api/v1/ stream: posts, their pins, revisions, bookmarks and reactions. Everything goes
through the services and selectors; what the caller may not read is 404, as on the pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status

from hanse.api.pagination import OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, Id, Message
from hanse.communities.selectors import get_community_for
from hanse.core import http, idempotency, ratelimit
from hanse.posts.api.answers import (
    person_ref,
    post_for,
    post_item,
    post_out,
    reaction_state,
    reactors_out,
)
from hanse.posts.api.router import router
from hanse.posts.api.schemas import (
    PostIn,
    PostOut,
    PostPatch,
    ReactionLiteral,
    ReactionState,
    ReactorPage,
    ReactorsQuery,
    RevisionOut,
    RevisionPage,
)
from hanse.posts.selectors import feed as feed_selectors
from hanse.posts.selectors import posts as post_selectors
from hanse.posts.services import bookmarks as bookmark_services
from hanse.posts.services import posts as post_services
from hanse.posts.services import reactions as reaction_services


@router.post("/posts", response={201: PostOut, **ERRORS}, summary="Write a post")
def create_post(request: HttpRequest, payload: PostIn) -> Status[PostOut]:
    """Publish a post (JSON body; Markdown with @mentions and #hashtags). A retry with the same
    `Idempotency-Key` header returns the first post instead of a second one."""
    viewer = http.viewer(request)
    ratelimit.require("post", viewer.pk)  # 429 with Retry-After (RATE_LIMITS)
    community = None
    if payload.community:
        community = get_community_for(viewer=viewer, slug=payload.community)
    shared = None
    if payload.shared_post_id is not None:
        shared = post_for(request, payload.shared_post_id)
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
        return Status(201, post_item(request, post.pk))
    # A new post: described from the objects in hand, not read back through the visibility
    # rule and the comment thread (which cost more than the write).
    return Status(201, post_out(feed_selectors.new_post_item(post=post, viewer=viewer), viewer))


@router.get("/posts/{post_id}", response={200: PostOut, **ERRORS}, summary="Get a post")
def get_post(request: HttpRequest, post_id: Id) -> PostOut:
    """A post the caller may read; 404 otherwise."""
    return post_item(request, post_id)


@router.patch("/posts/{post_id}", response={200: PostOut, **ERRORS}, summary="Edit a post")
def update_post(request: HttpRequest, post_id: Id, payload: PostPatch) -> PostOut:
    """Change the text (author only). The post is marked as edited; the earlier text is
    kept for moderators."""
    post_services.post_update(
        post=post_for(request, post_id), by=http.viewer(request), body=payload.body
    )
    return post_item(request, post_id)


@router.delete("/posts/{post_id}", response={204: None, **ERRORS}, summary="Delete a post")
def delete_post(request: HttpRequest, post_id: Id) -> Status[None]:
    """Delete a post with its comments, reactions and files (author, moderators, admins)."""
    post_services.post_delete(post=post_for(request, post_id), by=http.viewer(request))
    return Status(204, None)


@router.put("/posts/{post_id}/pin", response={200: PostOut, **ERRORS}, summary="Pin a post")
def pin_post(request: HttpRequest, post_id: Id) -> PostOut:
    """Pin a post at the top of its community stream (moderators and owners)."""
    post_services.post_pin(post=post_for(request, post_id), by=http.viewer(request))
    return post_item(request, post_id)


@router.delete("/posts/{post_id}/pin", response={200: PostOut, **ERRORS}, summary="Unpin")
def unpin_post(request: HttpRequest, post_id: Id) -> PostOut:
    """Unpin a post (moderators and owners)."""
    post_services.post_unpin(post=post_for(request, post_id), by=http.viewer(request))
    return post_item(request, post_id)


@router.get(
    "/posts/{post_id}/revisions",
    response={200: RevisionPage, **ERRORS},
    summary="Earlier versions",
)
def revisions(request: HttpRequest, post_id: Id, query: Query[OffsetQuery]) -> RevisionPage:
    """Earlier versions of an edited post (author, community moderators, admins)."""
    rows = post_selectors.post_revisions(
        viewer=http.viewer(request), post=post_for(request, post_id)
    )
    return RevisionPage(
        **offset_page(
            rows,
            query,
            lambda r: RevisionOut(
                id=r.pk,
                body=r.body,
                edited_by=person_ref(r.edited_by) if r.edited_by else None,
                created_at=r.created_at,
            ),
        )
    )


@router.put("/posts/{post_id}/bookmark", response={200: Message, **ERRORS}, summary="Save a post")
def bookmark_post(request: HttpRequest, post_id: Id) -> Message:
    """Save a post for later."""
    bookmark_services.bookmark_add(user=http.viewer(request), post=post_for(request, post_id))
    return Message(detail=_("The post is saved."))


@router.delete(
    "/posts/{post_id}/bookmark", response={200: Message, **ERRORS}, summary="Forget a post"
)
def unbookmark_post(request: HttpRequest, post_id: Id) -> Message:
    """Remove a post from the saved posts."""
    bookmark_services.bookmark_remove(user=http.viewer(request), post=post_for(request, post_id))
    return Message(detail=_("The post is no longer saved."))


@router.put(
    "/posts/{post_id}/reactions/{kind}",
    response={200: ReactionState, **ERRORS},
    summary="React to a post",
)
def react_post(request: HttpRequest, post_id: Id, kind: ReactionLiteral) -> ReactionState:
    """Add the caller's reaction of this kind (idempotent)."""
    post = post_for(request, post_id)
    reaction_services.reaction_add(user=http.viewer(request), kind=kind, post=post)
    post.refresh_from_db(fields=["reaction_count"])
    return reaction_state(kind, True, post.reaction_count)


@router.delete(
    "/posts/{post_id}/reactions/{kind}",
    response={200: ReactionState, **ERRORS},
    summary="Take back a reaction to a post",
)
def unreact_post(request: HttpRequest, post_id: Id, kind: ReactionLiteral) -> ReactionState:
    """Remove the caller's reaction of this kind (idempotent)."""
    post = post_for(request, post_id)
    reaction_services.reaction_remove(user=http.viewer(request), kind=kind, post=post)
    post.refresh_from_db(fields=["reaction_count"])
    return reaction_state(kind, False, post.reaction_count)


@router.get(
    "/posts/{post_id}/reactions",
    response={200: ReactorPage, **ERRORS},
    summary="Who reacted to a post",
)
def post_reactors(request: HttpRequest, post_id: Id, query: Query[ReactorsQuery]) -> ReactorPage:
    """Who reacted, and how; newest first."""
    rows = post_selectors.reactors(
        viewer=http.viewer(request), post=post_for(request, post_id), kind=query.kind
    )
    return reactors_out(rows, query)
