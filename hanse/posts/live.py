"""The stream's WebSocket topics and who may receive them (hanse/realtime/topics.py).

Registered from ``PostsConfig.ready()``: a post's topic follows ``Post.visible_to``, a
community's topic (the community's new posts) ``Community.content_visible_to``, and the home
feed expands into the topics of its sources (hanse.posts.selectors.feed._home_sources).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hanse.communities.models import Community, Membership
from hanse.posts.models import Post, TagFollow
from hanse.realtime import topics
from hanse.realtime.topics import MAX_FEED_SOURCES, TopicKind

if TYPE_CHECKING:
    from hanse.people.models import User


def _posts(user: User, ids: list[int]) -> dict[int, int | None]:
    # A post of a community is re-checked when the community's kind changes.
    return dict(Post.objects.visible_to(user).filter(pk__in=ids).values_list("pk", "community_id"))


def _communities(user: User, ids: list[int]) -> dict[int, int | None]:
    # Its holders are all in the topic's own group, which a kind change reaches too.
    return dict.fromkeys(
        Community.objects.content_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )


def feed_sources(user: User) -> list[str]:
    """The communities the person belongs to, the people they follow, the tags they follow."""
    found = [
        topics.community(cid)
        for cid in Membership.objects.filter(user=user)
        .order_by("community_id")
        .values_list("community_id", flat=True)[:MAX_FEED_SOURCES]
    ]
    found += [
        topics.author(uid)
        for uid in user.follow_edges.order_by("followee_id").values_list("followee_id", flat=True)[
            :MAX_FEED_SOURCES
        ]
    ]
    found += [
        topics.tag(name)
        for name in TagFollow.objects.filter(user=user)
        .order_by("tag__name")
        .values_list("tag__name", flat=True)[:MAX_FEED_SOURCES]
    ]
    return found


def register() -> None:
    topics.register(TopicKind(kind="post", grant=_posts))
    topics.register(TopicKind(kind="community", grant=_communities))
    topics.register_feed(feed_sources)
