"""Who may subscribe to which topic. Every rule defers to the entity's own visibility queryset.

Topics and what is published to them:

``chat:<channel_id>``
    chat events of one channel (published by hanse.chat.events); ``Channel.readable_by``.
``post:<post_id>``
    new comments and reaction changes of one post; ``Post.visible_to``.
``community:<community_id>``
    new posts in a community; ``Community.content_visible_to``.
``author:<user_id>``
    new posts of a person that every signed-in employee may read (company-wide, profile and
    open-community posts; ``Post.visible_to`` restricts none of them). Posts in private and
    secret communities are never published here, so the topic reveals nothing.
``company``
    new company-wide posts; the home feed shows them to everyone.
``tag:<tag>``
    new posts with a hashtag, only those readable by every employee (no community, or an open
    one). Posts in private and secret communities reach their community's topic only.
``feed``
    the person's home feed. The consumer expands it into the sources of the feed (see
    hanse.posts.selectors.feed._home_sources): ``community:<id>`` of each membership,
    ``author:<id>`` of each person followed and of oneself, ``tag:<tag>`` of each tag followed.

Events carry ids only (and, for chat, HTML that any reader of the channel may see); the
browser fetches per-viewer parts through the permission-checked HTTP endpoints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hanse.core.text import normalise_tag

if TYPE_CHECKING:
    from hanse.people.models import User

MAX_TOPIC_CHARS = 120


def _int(raw: str) -> int | None:
    if not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)


def normalise(topic: str) -> str | None:
    """The canonical spelling of a topic, or None when it is not a topic at all."""
    if not isinstance(topic, str) or not topic or len(topic) > MAX_TOPIC_CHARS:
        return None
    kind, sep, rest = topic.partition(":")
    if kind in {"company", "feed"} and not sep:
        return kind
    if kind in {"chat", "post", "community", "author"}:
        number = _int(rest)
        return f"{kind}:{number}" if number is not None else None
    if kind == "tag":
        name = normalise_tag(rest)
        return f"tag:{name}" if name else None
    return None


def may_subscribe(user: User, topic: str) -> bool:
    """True when ``user`` may receive the events of ``topic`` (already normalised)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    kind, _sep, rest = topic.partition(":")
    if kind in {"company", "feed", "tag"}:
        return True
    number = _int(rest)
    if number is None:
        return False
    if kind == "chat":
        from hanse.chat.models import Channel

        return Channel.objects.readable_by(user).filter(pk=number).exists()
    if kind == "post":
        from hanse.posts.models import Post

        return Post.objects.visible_to(user).filter(pk=number).exists()
    if kind == "community":
        from hanse.communities.models import Community

        return Community.objects.content_visible_to(user).filter(pk=number).exists()
    if kind == "author":
        from hanse.people.models import User as UserModel

        return UserModel.objects.filter(pk=number, is_active=True).exists()
    return False


MAX_FEED_SOURCES = 500


def feed_sources(user: User) -> list[str]:
    """The topics that carry new posts of the person's home feed (at most MAX_FEED_SOURCES)."""
    from hanse.communities.models import Membership
    from hanse.posts.models import TagFollow

    found = [f"author:{user.pk}"]
    found += [
        f"community:{cid}"
        for cid in Membership.objects.filter(user=user)
        .order_by("community_id")
        .values_list("community_id", flat=True)[:MAX_FEED_SOURCES]
    ]
    found += [
        f"author:{uid}"
        for uid in user.follow_edges.order_by("followee_id").values_list("followee_id", flat=True)[
            :MAX_FEED_SOURCES
        ]
    ]
    found += [
        f"tag:{name}"
        for name in TagFollow.objects.filter(user=user)
        .order_by("tag__name")
        .values_list("tag__name", flat=True)[:MAX_FEED_SOURCES]
    ]
    return found[:MAX_FEED_SOURCES]
