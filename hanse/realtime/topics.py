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

The transport knows topics, not domains. A topic's name is built by one function per kind
(``chat(id)``, ``post(id)``, ``community(id)``, ``author(id)``, ``tag(name)``, ``COMPANY``,
``FEED``), used wherever a topic is spelled. Who may receive a numbered kind is decided by
the app that owns it: it registers a :class:`TopicKind` from its ``AppConfig.ready()``
(``chat``: hanse/chat/apps.py; ``post``, ``community`` and the feed's sources: hanse/posts,
whose stream they carry), so this module imports no domain app. ``author`` is the transport's
own: it needs only the person.

Events carry ids only (and, for chat, HTML that any reader of the channel may see); the
browser fetches per-viewer parts through the permission-checked HTTP endpoints.

Re-checking. A grant is not forever: whenever something a topic's visibility derives from
changes (a membership, a role, a community's kind, a channel membership, the person's account),
the services send ``live.recheck`` (hanse/realtime/publish.py) and every connection concerned
runs ``recheck`` over all the topics it holds and leaves exactly those no longer allowed. This
module is the one place that knows what a topic derives from: ``grants`` returns, with each
topic granted, the extra groups (``community_group``) a connection joins so that a change of
that community reaches it even when it holds only a post or chat topic of the community.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hanse.core.text import normalise_tag
from hanse.people.guests import is_guest
from hanse.people.models import User as UserModel
from hanse.realtime.groups import community_group

if TYPE_CHECKING:
    from hanse.people.models import User

MAX_TOPIC_CHARS = 120
MAX_FEED_SOURCES = 500

# --- names -------------------------------------------------------------------------------

COMPANY = "company"
FEED = "feed"
# Topics a guest never receives (hanse/people/guests.py): what they carry is company-wide.
GUEST_CLOSED_KINDS = frozenset({COMPANY, "tag", "author"})


def chat(channel_id: int) -> str:
    return f"chat:{int(channel_id)}"


def post(post_id: int) -> str:
    return f"post:{int(post_id)}"


def community(community_id: int) -> str:
    return f"community:{int(community_id)}"


def author(user_id: int) -> str:
    return f"author:{int(user_id)}"


def tag(name: str) -> str:
    """The topic of a hashtag; ``name`` as stored (normalised)."""
    return f"tag:{name}"


# --- who may receive what: registered by the apps ----------------------------------------


@dataclass(frozen=True)
class TopicKind:
    """A numbered kind of topic (``<kind>:<id>``) and who may receive it.

    ``grant(user, ids)`` answers, in one query, which of ``ids`` the (active) person may
    receive, each with the community it derives from (its kind changing must re-check the
    holders: ``community_group``), or None when it derives from none, or when its holders are
    reached otherwise (a community's own topic: its topic group)."""

    kind: str
    grant: Callable[[User, list[int]], dict[int, int | None]]


_kinds: dict[str, TopicKind] = {}
_feed: list[Callable[[User], list[str]]] = []


def register(kind: TopicKind) -> TopicKind:
    """Add a numbered kind of topic; registering the same kind twice is a programming error."""
    if kind.kind in _kinds and _kinds[kind.kind] is not kind:
        raise ValueError(f"Topic kind {kind.kind!r} is already registered.")
    _kinds[kind.kind] = kind
    return kind


def register_feed(sources: Callable[[User], list[str]]) -> None:
    """Name the function that lists the topics carrying a person's home feed (``FEED``)."""
    if sources not in _feed:
        _feed.append(sources)


def _authors(user: User, ids: list[int]) -> dict[int, int | None]:
    """Every signed-in employee may follow what any active person posts for everyone."""
    return dict.fromkeys(
        UserModel.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True)
    )


register(TopicKind(kind="author", grant=_authors))


def _int(raw: str) -> int | None:
    if not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)


def kinds() -> set[str]:
    """Every kind of topic: the registered numbered kinds, ``tag``, ``company`` and ``feed``."""
    return set(_kinds) | {"tag", COMPANY, FEED}


def name(kind: str, key: int | str | None = None) -> str:
    """The topic of ``kind`` (with its id, or a tag's name): the one spelling pages and scripts
    get (``{% topic %}``, hanse/realtime/templatetags/live_topics.py). An unknown kind is a
    programming error, raised at once rather than subscribed to in vain."""
    if kind in (COMPANY, FEED) and key is None:
        return kind
    if kind == "tag" and key is not None and (tag_name := normalise_tag(str(key))):
        return tag(tag_name)
    if kind in _kinds and key is not None:
        return f"{kind}:{int(key)}"
    raise ValueError(f"Unknown topic {kind!r} (with {key!r}).")


def normalise(topic: str) -> str | None:
    """The canonical spelling of a topic, or None when it is not a topic at all."""
    if not isinstance(topic, str) or not topic or len(topic) > MAX_TOPIC_CHARS:
        return None
    kind, sep, rest = topic.partition(":")
    if kind in {COMPANY, FEED} and not sep:
        return kind
    if kind in _kinds:
        number = _int(rest)
        return f"{kind}:{number}" if number is not None else None
    if kind == "tag":
        name = normalise_tag(rest)
        return tag(name) if name else None
    return None


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def grants(user: User, wanted: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The topics of ``wanted`` (normalised) that ``user`` may receive, each with the groups
    whose ``live.recheck`` must reach a connection holding it (a post or chat topic of a
    community: that community's ``community_group``, for a change of its kind). One query per
    kind of topic, whatever their number."""
    if not _active(user):
        return {}
    by_kind: dict[str, dict[int, str]] = {}
    granted: dict[str, tuple[str, ...]] = {}
    guest = is_guest(user)
    for topic in wanted:
        kind, _sep, rest = topic.partition(":")
        if guest and kind in GUEST_CLOSED_KINDS:
            # These carry company-wide and open-community posts: nothing for a guest.
            continue
        if kind in {COMPANY, FEED, "tag"}:
            granted[topic] = ()
            continue
        number = _int(rest)
        if number is not None and kind in _kinds:
            by_kind.setdefault(kind, {})[number] = topic
    for kind, topics in by_kind.items():
        for pk, community_id in _kinds[kind].grant(user, list(topics)).items():
            granted[topics[pk]] = (community_group(community_id),) if community_id else ()
    return granted


def may_subscribe(user: User, topic: str) -> bool:
    """True when ``user`` may receive the events of ``topic`` (already normalised)."""
    return topic in grants(user, [topic])


@dataclass(frozen=True)
class Recheck:
    """What a connection may still hold, read again from the database."""

    user: User | None  # None: the account is gone or deactivated
    granted: dict[str, tuple[str, ...]]  # the held topics (and old feed sources) still allowed
    feed_sources: list[str] | None  # the feed's sources now, when the connection holds "feed"


def current_user(user_id: int) -> User | None:
    """The person as the database knows them now (None: gone or deactivated). A connection
    lives for hours; its grants are decided on today's unit, roles and permissions, not on
    the ones it was opened with."""
    return UserModel.objects.select_related("org_unit").filter(pk=user_id, is_active=True).first()


def recheck(
    user_id: int, held: Iterable[str], old_sources: Iterable[str], *, feed: bool
) -> Recheck:
    """Read the person again and decide every topic a connection holds, and its feed's
    sources, anew: after a membership, role, kind or account change."""
    user = UserModel.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return Recheck(user=None, granted={}, feed_sources=None)
    sources = feed_sources(user) if feed else None
    # A source that is still a source is allowed by how feed_sources finds it (the person's
    # own memberships and follows); only the others are asked again.
    asked = set(held) | (set(old_sources) - set(sources or ()))
    return Recheck(user=user, granted=grants(user, asked), feed_sources=sources)


def feed_sources(user: User) -> list[str]:
    """The topics that carry new posts of the person's home feed (at most MAX_FEED_SOURCES):
    oneself, and what the registered feed lists (hanse/posts/live.py)."""
    found = [author(user.pk)]
    for sources in _feed:
        found += sources(user)
    if is_guest(user):
        found = [s for s in found if s.partition(":")[0] not in GUEST_CLOSED_KINDS]
    return found[:MAX_FEED_SOURCES]
