"""/api/v1/ stream: the feeds, hashtags, saved posts and mention suggestions."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query

from hanse.api.schemas import ERRORS
from hanse.communities.selectors import get_community_for
from hanse.core import http
from hanse.core.text import normalise_tag
from hanse.people.models import User
from hanse.posts.api.answers import feed_out
from hanse.posts.api.router import router
from hanse.posts.api.schemas import (
    FeedOut,
    FeedQuery,
    HomeFeedQuery,
    MentionCommunity,
    MentionPerson,
    MentionQuery,
    MentionsOut,
    NewCountOut,
    NewCountQuery,
    TagOut,
)
from hanse.posts.selectors import feed as feed_selectors
from hanse.posts.selectors import posts as post_selectors
from hanse.posts.services import tags as tag_services


@router.get("/feed", response={200: FeedOut, **ERRORS}, summary="Home feed")
def home_feed(request: HttpRequest, query: Query[HomeFeedQuery]) -> FeedOut:
    """Posts from the caller's communities, people and tags they follow, and their own;
    newest first. Page with `cursor` = the previous page's `next_cursor`."""
    viewer = http.viewer(request)
    page = feed_selectors.home_feed(
        viewer=viewer, before_id=query.id_position(), limit=query.limit, filter=query.filter
    )
    return feed_out(page, viewer)


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
    return feed_out(page, viewer)


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
    return feed_out(page, viewer)


@router.get("/people/{username}/posts", response={200: FeedOut, **ERRORS}, summary="Profile stream")
def profile_stream(request: HttpRequest, username: str, query: Query[FeedQuery]) -> FeedOut:
    """A person's posts that the caller may read."""
    viewer = http.viewer(request)
    person = get_object_or_404(User, username=username, is_active=True)
    page = feed_selectors.profile_stream(
        viewer=viewer, person=person, before_id=query.id_position(), limit=query.limit
    )
    return feed_out(page, viewer)


@router.get("/tags/{tag}/posts", response={200: FeedOut, **ERRORS}, summary="Tag stream")
def tag_stream(request: HttpRequest, tag: str, query: Query[FeedQuery]) -> FeedOut:
    """Posts with this hashtag that the caller may read."""
    viewer = http.viewer(request)
    page = feed_selectors.tag_stream(
        viewer=viewer, tag_name=tag, before_id=query.id_position(), limit=query.limit
    )
    return feed_out(page, viewer)


@router.get("/tags/{tag}", response={200: TagOut, **ERRORS}, summary="A hashtag")
def get_tag(request: HttpRequest, tag: str) -> TagOut:
    """A hashtag, normalised, and whether the caller follows it."""
    name = normalise_tag(tag)
    if not name:
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
    tag_services.tag_unfollow(user=http.viewer(request), tag_name=tag)
    return TagOut(name=normalise_tag(tag) or tag, following=False)


@router.get("/bookmarks", response={200: FeedOut, **ERRORS}, summary="Saved posts")
def bookmarks(request: HttpRequest, query: Query[FeedQuery]) -> FeedOut:
    """The caller's saved posts, newest post first."""
    viewer = http.viewer(request)
    page = feed_selectors.bookmarks_of(
        viewer=viewer, before_id=query.id_position(), limit=query.limit
    )
    return feed_out(page, viewer)


@router.get("/mentions", response={200: MentionsOut, **ERRORS}, summary="Mention suggestions")
def mention_suggestions(request: HttpRequest, query: Query[MentionQuery]) -> MentionsOut:
    """People and communities whose name starts with `q`, for @-autocomplete. A secret
    community is suggested to its members only."""
    found = post_selectors.mention_suggestions(
        viewer=http.viewer(request), q=query.q, limit=query.limit, community=query.community
    )
    return MentionsOut(
        people=[
            MentionPerson(username=p.username, display_name=p.display_name, job_title=p.job_title)
            for p in found.people
        ],
        communities=[MentionCommunity(slug=c.slug, name=c.name) for c in found.communities],
    )
