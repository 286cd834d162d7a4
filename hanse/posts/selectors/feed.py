"""The feeds: home, community, profile, tag, company and bookmarks; keyset pages by post id.

Every feed returns a FeedPage built the same way and in a fixed number of queries whatever
the page size: one for the page's ids, one for the posts with everything they show
(select_related), one each for attachments, my reactions, reaction counts, my bookmarks and
the communities I moderate among the page's ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import Count, Prefetch, Q, QuerySet

from hanse.communities.models import Community, Membership
from hanse.core import moderation
from hanse.core.text import normalise_tag
from hanse.posts.models import Attachment, Bookmark, Post, Reaction, TagFollow
from hanse.posts.rules import post_flags

if TYPE_CHECKING:
    from hanse.people.models import User

FeedFilter = Literal["all", "communities", "following"]
FEED_FILTERS: tuple[str, ...] = ("all", "communities", "following")
MAX_LIMIT = 100
# The "new posts" indicator counts up to this many ("99+" beyond).
NEWER_COUNT_CAP = 100


@dataclass(slots=True)
class FeedItem:
    """A post as a feed shows it, with what the viewer may do and has done."""

    post: Post
    my_reactions: set[str] = field(default_factory=set)
    reaction_counts: dict[str, int] = field(default_factory=dict)
    bookmarked: bool = False
    can_edit: bool = False
    can_delete: bool = False
    can_pin: bool = False
    pinned: bool = False


@dataclass(slots=True)
class FeedPage:
    items: list[FeedItem]
    next_before_id: int | None


def _active(viewer: Any) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_active)


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def post_queryset() -> QuerySet[Post]:
    """The one base queryset of a post as pages show it."""
    return with_display(Post.objects.all())


def with_display(qs: QuerySet[Post]) -> QuerySet[Post]:
    """Everything a post card shows, joined or prefetched (two queries in all)."""
    return qs.select_related(
        "author",
        "author__org_unit",
        "community",
        "shared_post",
        "shared_post__author",
        "shared_post__community",
        "link_preview",
    ).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
    )


def decorate(posts: Sequence[Post], *, viewer: User, pinned: Iterable[int] = ()) -> list[FeedItem]:
    """FeedItems for posts already loaded: three queries whatever the number of posts."""
    if not posts:
        return []
    ids = [p.pk for p in posts]
    # The shared post of a share is shown inside it; its own reactions are not shown.
    # One query for the counts per kind and which of them are mine.
    mine: dict[int, set[str]] = defaultdict(set)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Reaction.objects.filter(post_id__in=ids)
        .values("post_id", "kind")
        .annotate(n=Count("id"), mine=Count("id", filter=Q(user_id=viewer.pk)))
        .order_by()
    ):
        counts[row["post_id"]][row["kind"]] = row["n"]
        if row["mine"]:
            mine[row["post_id"]].add(row["kind"])
    saved = set(
        Bookmark.objects.filter(user=viewer, post_id__in=ids).values_list("post_id", flat=True)
    )
    flags = post_flags(viewer, posts)
    pinned_ids = set(pinned)
    items = []
    for post in posts:
        may = flags[post.pk]
        items.append(
            FeedItem(
                post=post,
                my_reactions=mine.get(post.pk, set()),
                reaction_counts=counts.get(post.pk, {}),
                bookmarked=post.pk in saved,
                can_edit=may.may_edit,
                can_delete=may.may_delete,
                can_pin=may.may_pin,
                pinned=post.pk in pinned_ids,
            )
        )
    return items


def new_post_item(*, post: Post, viewer: User) -> FeedItem:
    """The FeedItem of a post its author has just written, from the objects the service
    returned: nobody has reacted to it or saved it yet, so only what the author may do is
    asked (no query for a post outside a community). Not for a post returned again by an
    idempotent retry: it may have reactions by now (read it with ``decorate``)."""
    may = post_flags(viewer, [post])[post.pk]
    return FeedItem(
        post=post, can_edit=may.may_edit, can_delete=may.may_delete, can_pin=may.may_pin
    )


def _posts_page(
    qs: QuerySet[Post], *, before_id: int | None, limit: int
) -> tuple[list[Post], int | None]:
    """One keyset page of posts (limit + 1 rows read to know whether another page follows)."""
    if before_id is not None:
        qs = qs.filter(id__lt=before_id)
    # Ids first (see home_feed): the page query then joins only the rows it shows.
    ids = list(qs.order_by("-id").values_list("id", flat=True)[: limit + 1])
    posts = list(with_display(Post.objects.filter(pk__in=ids)).order_by("-id")) if ids else []
    more = len(posts) > limit
    posts = posts[:limit]
    return posts, (posts[-1].pk if more and posts else None)


def _page(qs: QuerySet[Post], *, viewer: User, before_id: int | None, limit: int) -> FeedPage:
    posts, next_before_id = _posts_page(qs, before_id=before_id, limit=_limit(limit))
    return FeedPage(items=decorate(posts, viewer=viewer), next_before_id=next_before_id)


# --- the home feed -------------------------------------------------------------------------


def _home_sources(
    viewer: User, filter: str, *, below: int | None, above: int | None, each: int
) -> list[QuerySet[Any]]:
    """One id subquery per source, each on its own index and limited to `each` rows.

    - my communities: post_community_id_idx (community, -id) per community I am in; a member
      reads every post of their community, so no further visibility test is needed;
    - people I follow (and my own posts): post_author_id_idx (author, -id), then the one
      visibility rule, so a followed author's post in a community I cannot read never shows;
    - tags I follow: the tag M2M's (tag_id, post_id) index, then the visibility rule.
    """
    visible = Post.objects.visible_to(viewer)

    def bounded(qs: QuerySet[Any]) -> QuerySet[Any]:
        if below is not None:
            qs = qs.filter(id__lt=below)
        if above is not None:
            qs = qs.filter(id__gt=above)
        return qs.order_by("-id").values_list("id", flat=True)[:each]

    sources: list[QuerySet[Any]] = []
    if filter in ("all", "communities"):
        mine = Membership.objects.filter(user=viewer).values("community_id")
        sources.append(bounded(Post.objects.filter(community_id__in=mine)))
    if filter in ("all", "following"):
        followees = viewer.follow_edges.values("followee_id")
        sources.append(bounded(visible.filter(author_id__in=followees)))
    if filter == "all":
        sources.append(bounded(Post.objects.filter(author=viewer)))
        tags = TagFollow.objects.filter(user=viewer).values("tag_id")
        sources.append(bounded(visible.filter(tags__in=tags)))
    return sources


def _home_ids(
    viewer: User, filter: str, *, below: int | None, above: int | None, each: int
) -> QuerySet[Any] | None:
    """Ids of home-feed posts: the union of the sources' bounded id lists.

    Written as `id IN (source 1) OR id IN (source 2) ...` rather than SQL UNION because SQLite
    refuses LIMIT inside a compound select; each IN list is still the `each` newest ids read
    from one index, so the outer query sorts at most (sources x each) primary keys.
    """
    sources = _home_sources(viewer, filter, below=below, above=above, each=each)
    if not sources:
        return None
    condition = Q()
    for source in sources:
        condition |= Q(pk__in=source)
    # "My communities" skips visible_to (a member reads them all): what moderation hid is
    # left out here (hanse/core/moderation.py).
    candidates = moderation.exclude_hidden(Post.objects.filter(condition), "post", viewer)
    return candidates.order_by("-id").values_list("id", flat=True)


# PostgreSQL reads each source key (one community, one followed person, one tag) from its own
# index with a LATERAL subquery: "the n newest posts of community 7 below id X" is a short
# backward scan of post_community_id_idx, whereas `community_id IN (...) ORDER BY id DESC`
# walks the primary key backwards through posts of every other community. Visibility is not
# decided here: the candidates go through Post.objects.visible_to afterwards.
_PG_HOME_SQL = """
WITH comm AS (SELECT community_id AS k FROM communities_membership WHERE user_id = %(user)s),
     auth AS (SELECT followee_id AS k FROM people_follow WHERE follower_id = %(user)s
              {self_union}),
     tg AS (SELECT tag_id AS k FROM posts_tagfollow WHERE user_id = %(user)s)
SELECT id FROM (
    {parts}
) AS candidates ORDER BY id DESC LIMIT %(total)s
"""
_PG_PARTS = {
    "communities": """SELECT x.id FROM comm CROSS JOIN LATERAL (
        SELECT p.id FROM posts_post p WHERE p.community_id = comm.k {bound}
        ORDER BY p.id DESC LIMIT %(each)s) AS x""",
    "authors": """SELECT x.id FROM auth CROSS JOIN LATERAL (
        SELECT p.id FROM posts_post p WHERE p.author_id = auth.k {bound}
        ORDER BY p.id DESC LIMIT %(each)s) AS x""",
    "tags": """SELECT x.id FROM tg CROSS JOIN LATERAL (
        SELECT t.post_id AS id FROM posts_post_tags t WHERE t.tag_id = tg.k {tag_bound}
        ORDER BY t.post_id DESC LIMIT %(each)s) AS x""",
}


def _pg_candidates(viewer: User, filter: str, *, below: int | None, each: int) -> list[int]:
    from django.db import connection

    names = {
        "all": ("communities", "authors", "tags"),
        "communities": ("communities",),
        "following": ("authors",),
    }[filter]
    bound = "AND p.id < %(below)s" if below is not None else ""
    tag_bound = "AND t.post_id < %(below)s" if below is not None else ""
    parts = "\n    UNION\n    ".join(
        _PG_PARTS[name].format(bound=bound, tag_bound=tag_bound) for name in names
    )
    params = {"user": viewer.pk, "each": each, "below": below, "total": each * 3}
    with connection.cursor() as cursor:
        # "All" includes my own posts, like the other databases' path.
        self_union = "UNION SELECT %(user)s" if filter == "all" else ""
        cursor.execute(_PG_HOME_SQL.format(parts=parts, self_union=self_union), params)
        return [row[0] for row in cursor.fetchall()]


def _home_page_ids(viewer: User, filter: str, *, before_id: int | None, want: int) -> list[int]:
    """The newest `want` visible home-feed ids below `before_id`."""
    from django.db import connection

    if connection.vendor != "postgresql":
        ids_qs = _home_ids(viewer, filter, below=before_id, above=None, each=want)
        return [] if ids_qs is None else list(ids_qs[:want])
    found: list[int] = []
    below = before_id
    # Candidates may include posts the viewer cannot read (a followed person's post in a
    # community the viewer is not in); such pages are rare, and a few rounds fill them.
    for _round in range(5):
        candidates = _pg_candidates(viewer, filter, below=below, each=want)
        if not candidates:
            break
        visible = Post.objects.visible_to(viewer).filter(pk__in=candidates)
        found.extend(visible.order_by("-id").values_list("id", flat=True))
        if len(found) >= want or len(candidates) < want:
            break
        below = min(candidates)
    return sorted(set(found), reverse=True)[:want]


def home_feed(
    *,
    viewer: User,
    before_id: int | None = None,
    limit: int = 20,
    filter: str = "all",
) -> FeedPage:
    """Posts from my communities, people I follow, tags I follow and by me; newest first."""
    if not _active(viewer):
        return FeedPage(items=[], next_before_id=None)
    if filter not in FEED_FILTERS:
        filter = "all"
    limit = _limit(limit)
    # The ids first, as a short list: joined into the page query as a subquery, PostgreSQL
    # plans the nine joins before the id filter once more than join_collapse_limit relations
    # take part, and reads every post.
    ids = _home_page_ids(viewer, filter, before_id=before_id, want=limit + 1)
    if not ids:
        return FeedPage(items=[], next_before_id=None)
    posts = list(post_queryset().filter(pk__in=ids).order_by("-id"))
    more = len(posts) > limit
    posts = posts[:limit]
    return FeedPage(
        items=decorate(posts, viewer=viewer), next_before_id=posts[-1].pk if more else None
    )


def newer_count(*, viewer: User, after_id: int, filter: str = "all") -> int:
    """How many home-feed posts are newer than `after_id` (at most NEWER_COUNT_CAP)."""
    if not _active(viewer):
        return 0
    if filter not in FEED_FILTERS:
        filter = "all"
    ids_qs = _home_ids(viewer, filter, below=None, above=after_id, each=NEWER_COUNT_CAP)
    if ids_qs is None:
        return 0
    return len(list(ids_qs[:NEWER_COUNT_CAP]))


# --- the other streams ---------------------------------------------------------------------


def community_stream(
    *, viewer: User, community: Community, before_id: int | None = None, limit: int = 20
) -> FeedPage:
    """A community's posts for someone who may read them; pinned ones first on page one."""
    if not _active(viewer):
        return FeedPage(items=[], next_before_id=None)
    visible = Post.objects.visible_to(viewer).filter(community=community)
    limit = _limit(limit)
    posts, next_before_id = _posts_page(
        visible.filter(pinned_at__isnull=True), before_id=before_id, limit=limit
    )
    pinned: list[Post] = []
    if before_id is None:
        # post_pinned_idx (community, -pinned_at) where pinned_at is set.
        pinned = list(with_display(visible.filter(pinned_at__isnull=False)).order_by("-pinned_at"))
    items = decorate(pinned + posts, viewer=viewer, pinned=[p.pk for p in pinned])
    return FeedPage(items=items, next_before_id=next_before_id)


def profile_stream(
    *, viewer: User, person: User, before_id: int | None = None, limit: int = 20
) -> FeedPage:
    """A person's posts that the viewer may read (profile, company-wide and community)."""
    if not _active(viewer):
        return FeedPage(items=[], next_before_id=None)
    qs = Post.objects.visible_to(viewer).filter(author=person)
    return _page(qs, viewer=viewer, before_id=before_id, limit=limit)


def tag_stream(
    *, viewer: User, tag_name: str, before_id: int | None = None, limit: int = 20
) -> FeedPage:
    """Posts with a hashtag that the viewer may read."""
    name = normalise_tag(tag_name) if isinstance(tag_name, str) else None
    if not _active(viewer) or not name:
        return FeedPage(items=[], next_before_id=None)
    qs = Post.objects.visible_to(viewer).filter(tags__name=name)
    return _page(qs, viewer=viewer, before_id=before_id, limit=limit)


def company_stream(*, viewer: User, before_id: int | None = None, limit: int = 20) -> FeedPage:
    """Company-wide posts (post_scope_id_idx)."""
    if not _active(viewer):
        return FeedPage(items=[], next_before_id=None)
    qs = Post.objects.visible_to(viewer).filter(scope=Post.Scope.COMPANY)
    return _page(qs, viewer=viewer, before_id=before_id, limit=limit)


def bookmarks_of(*, viewer: User, before_id: int | None = None, limit: int = 20) -> FeedPage:
    """The viewer's saved posts that they may still read, newest post first."""
    if not _active(viewer):
        return FeedPage(items=[], next_before_id=None)
    saved = Bookmark.objects.filter(user=viewer).values("post_id")
    qs = Post.objects.visible_to(viewer).filter(pk__in=saved)
    return _page(qs, viewer=viewer, before_id=before_id, limit=limit)


def follows_tag(*, viewer: User, tag_name: str) -> bool:
    """Whether the viewer follows this hashtag (for the tag page's button)."""
    name = normalise_tag(tag_name) if isinstance(tag_name, str) else None
    if not _active(viewer) or not name:
        return False
    return TagFollow.objects.filter(user=viewer, tag__name=name).exists()
