"""The feed selectors: sources, keyset pages, pinned posts and a fixed query count."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hanse.communities.models import Community
from hanse.people.models import User
from hanse.posts.models import Post
from hanse.posts.selectors import feed
from hanse.posts.services.bookmarks import bookmark_add
from hanse.posts.services.posts import post_pin
from hanse.posts.services.reactions import reaction_add
from hanse.posts.services.tags import tag_follow

pytestmark = pytest.mark.usefixtures("no_previews")


def ids(page: feed.FeedPage) -> list[int]:
    return [item.post.pk for item in page.items]


@pytest.fixture
def busy(
    cast: Any,
    make_user: Callable[..., User],
    make_post: Callable[..., Post],
    png_upload: Callable[..., Any],
) -> Callable[[int], list[Post]]:
    """N posts for the member's home feed, each with an image, a share, reactions and a
    bookmark, from all sources."""

    def make(n: int) -> list[Post]:
        colleague = make_user()
        from hanse.people.models import Follow

        Follow.objects.get_or_create(follower=cast.member, followee=colleague)
        tag_follow(user=cast.member, tag_name="kredit")
        origin = make_post(cast.owner, "Original", community=cast.open)
        posts = []
        for i in range(n):
            source = i % 3
            if source == 0:
                post = make_post(
                    cast.owner, f"Im Kreis {i}", community=cast.open, files=[png_upload()]
                )
            elif source == 1:
                post = make_post(colleague, f"Von Kollegin {i}", shared_post=origin)
            else:
                post = make_post(cast.outsider, f"Zum Thema #kredit {i}")
            reaction_add(user=cast.member, kind="like", post=post)
            reaction_add(user=cast.owner, kind="celebrate", post=post)
            bookmark_add(user=cast.member, post=post)
            posts.append(post)
        return posts

    return make


@pytest.mark.parametrize("size", [5, 20, 50])
def test_home_feed_query_count_is_fixed(
    size: int,
    cast: Any,
    busy: Callable[[int], list[Post]],
    django_assert_max_num_queries: Any,
) -> None:
    """A home feed page costs at most 12 queries whatever its size, with everything shown."""
    busy(size)
    viewer = User.objects.get(pk=cast.member.pk)
    with django_assert_max_num_queries(12):
        page = feed.home_feed(viewer=viewer, limit=size)
        for item in page.items:
            post = item.post
            _ = (
                post.author.org_unit,
                post.community,
                post.link_preview,
                list(post.attachments.all()),
            )
            if post.shared_post is not None:
                _ = (post.shared_post.author, post.shared_post.community)
    assert len(page.items) == size
    assert all(item.bookmarked and "like" in item.my_reactions for item in page.items)
    assert all(item.reaction_counts == {"like": 1, "celebrate": 1} for item in page.items)


@pytest.mark.parametrize(
    "selector",
    ["community", "profile", "tag", "company", "bookmarks", "following", "communities"],
)
@pytest.mark.parametrize("size", [5, 50])
def test_other_feeds_query_count_is_fixed(
    selector: str,
    size: int,
    cast: Any,
    busy: Callable[[int], list[Post]],
    django_assert_max_num_queries: Any,
) -> None:
    """Every feed selector runs a fixed, small number of queries per page."""
    posts = busy(size * 3)
    post_pin(post=posts[0], by=cast.moderator)
    viewer = User.objects.get(pk=cast.member.pk)
    calls = {
        "community": lambda: feed.community_stream(viewer=viewer, community=cast.open, limit=size),
        "profile": lambda: feed.profile_stream(viewer=viewer, person=cast.owner, limit=size),
        "tag": lambda: feed.tag_stream(viewer=viewer, tag_name="kredit", limit=size),
        "company": lambda: feed.company_stream(viewer=viewer, limit=size),
        "bookmarks": lambda: feed.bookmarks_of(viewer=viewer, limit=size),
        "following": lambda: feed.home_feed(viewer=viewer, limit=size, filter="following"),
        "communities": lambda: feed.home_feed(viewer=viewer, limit=size, filter="communities"),
    }
    with django_assert_max_num_queries(12):
        page = calls[selector]()
        for item in page.items:
            _ = (item.post.author.org_unit, item.post.community, list(item.post.attachments.all()))
    assert len(page.items) >= size


def test_home_feed_sources_and_order(
    cast: Any,
    make_user: Callable[..., User],
    make_post: Callable[..., Post],
    follow: Callable[..., Any],
    make_community: Callable[..., Community],
) -> None:
    """The home feed holds my communities, people and tags I follow and my own posts."""
    stranger = make_user()
    followed = make_user()
    follow(cast.outsider, followed)
    tag_follow(user=cast.outsider, tag_name="nachhaltigkeit")
    mine = make_community(owner=cast.outsider)
    in_my_community = make_post(cast.outsider, "hier", community=mine)
    by_followed = make_post(followed, "von jemandem, dem ich folge")
    tagged = make_post(stranger, "Heute zum Thema #Nachhaltigkeit")
    own = make_post(cast.outsider, "von mir")
    unrelated = make_post(stranger, "geht mich nichts an")
    page = feed.home_feed(viewer=cast.outsider)
    assert ids(page) == [own.pk, tagged.pk, by_followed.pk, in_my_community.pk]
    assert unrelated.pk not in ids(page)
    assert ids(feed.home_feed(viewer=cast.outsider, filter="following")) == [by_followed.pk]
    assert ids(feed.home_feed(viewer=cast.outsider, filter="communities")) == [in_my_community.pk]
    assert ids(feed.home_feed(viewer=cast.outsider, filter="bogus")) == ids(page)


def test_home_feed_keyset_pages(cast: Any, make_post: Callable[..., Post]) -> None:
    """Pages follow each other by id without gaps or repeats; the last has no next page."""
    posts = [make_post(cast.member, f"Nr. {i}", community=cast.open) for i in range(7)]
    expected = [p.pk for p in reversed(posts)]
    seen: list[int] = []
    before = None
    for _ in range(4):
        page = feed.home_feed(viewer=cast.member, before_id=before, limit=3)
        seen += ids(page)
        before = page.next_before_id
        if before is None:
            break
    assert seen == expected
    assert before is None


def test_post_from_two_sources_shows_once(
    cast: Any, make_post: Callable[..., Post], follow: Callable[..., Any]
) -> None:
    """A post that comes from a community, a followed author and a followed tag shows once."""
    follow(cast.member, cast.owner)
    tag_follow(user=cast.member, tag_name="doppelt")
    post = make_post(cast.owner, "#doppelt", community=cast.open)
    assert ids(feed.home_feed(viewer=cast.member)) == [post.pk]


def test_newer_count(cast: Any, make_post: Callable[..., Post]) -> None:
    """The indicator counts home-feed posts newer than the one seen last."""
    first = make_post(cast.member, "eins", community=cast.open)
    make_post(cast.owner, "zwei", community=cast.open)
    make_post(cast.owner, "drei", community=cast.secret)
    make_post(cast.outsider, "nicht für mich")
    assert feed.newer_count(viewer=cast.member, after_id=first.pk) == 2
    assert feed.newer_count(viewer=cast.member, after_id=first.pk, filter="following") == 0
    assert feed.newer_count(viewer=cast.outsider, after_id=first.pk) == 1


def test_community_stream_pins_first_on_first_page(
    cast: Any, make_post: Callable[..., Post]
) -> None:
    """Pinned posts lead the first page only, and are not repeated below."""
    old = make_post(cast.member, "alt und wichtig", community=cast.open)
    newer = [make_post(cast.member, f"neu {i}", community=cast.open) for i in range(3)]
    post_pin(post=old, by=cast.moderator)
    page = feed.community_stream(viewer=cast.outsider, community=cast.open, limit=2)
    assert ids(page) == [old.pk, newer[2].pk, newer[1].pk]
    assert page.items[0].pinned and not page.items[1].pinned
    rest = feed.community_stream(
        viewer=cast.outsider, community=cast.open, before_id=page.next_before_id, limit=2
    )
    assert ids(rest) == [newer[0].pk]
    assert rest.next_before_id is None


def test_permission_flags(cast: Any, make_post: Callable[..., Post]) -> None:
    """can_edit for the author, can_delete/can_pin for moderators and admins."""
    make_post(cast.member, "Hallo", community=cast.open)

    def flags(viewer: User) -> tuple[bool, bool, bool]:
        item = feed.community_stream(viewer=viewer, community=cast.open).items[0]
        return item.can_edit, item.can_delete, item.can_pin

    assert flags(cast.member) == (True, True, False)
    assert flags(cast.moderator) == (False, True, True)
    assert flags(cast.owner) == (False, True, True)
    assert flags(cast.admin) == (False, True, True)
    assert flags(cast.outsider) == (False, False, False)


def test_anonymous_gets_empty_pages(
    cast: Any, make_post: Callable[..., Post], django_assert_num_queries: Any
) -> None:
    """Nobody signed in sees nothing, without touching the database."""
    from django.contrib.auth.models import AnonymousUser

    make_post(cast.member, "Hallo")
    anon = AnonymousUser()
    with django_assert_num_queries(0):
        assert feed.home_feed(viewer=anon).items == []  # type: ignore[arg-type]
        assert feed.company_stream(viewer=anon).items == []  # type: ignore[arg-type]
        assert feed.tag_stream(viewer=anon, tag_name="x").items == []  # type: ignore[arg-type]


def test_home_feed_query_plan_uses_indexes(cast: Any, make_post: Callable[..., Post]) -> None:
    """On SQLite the home feed's id query reads posts through the community and author
    indexes (no full scan of the posts table)."""
    from django.db import connection

    make_post(cast.member, "Hallo", community=cast.open)
    qs = feed._home_ids(cast.member, "all", below=None, above=None, each=21)
    assert qs is not None
    sql, params = qs.query.sql_with_params()
    if connection.vendor != "sqlite":
        pytest.skip("The plan check reads SQLite's EXPLAIN QUERY PLAN output.")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    # The community source reads (community_id, id): SQLite picks the FK index, whose rowid
    # is the id, or post_community_id_idx; both are that pair.
    assert "(community_id=?" in plan
    assert "post_author_id_idx" in plan
    assert "SCAN" not in plan


@pytest.mark.parametrize("replies", [1, 10])
def test_post_detail_query_count_is_fixed(
    replies: int, cast: Any, make_post: Callable[..., Post], django_assert_max_num_queries: Any
) -> None:
    """A post with its comments, replies, reactions and files: a fixed number of queries."""
    from hanse.posts.selectors.posts import post_detail
    from hanse.posts.services.comments import comment_create

    post = make_post(cast.member, "Frage", community=cast.open)
    for i in range(replies):
        top = comment_create(post=post, author=cast.owner, body=f"Kommentar {i}")
        comment_create(post=post, author=cast.member, body="Antwort", parent=top)
        reaction_add(user=cast.member, kind="like", comment=top)
    # post (+ visibility), attachments, decorate (3), comments, their files, reactions (2).
    with django_assert_max_num_queries(10):
        detail = post_detail(viewer=cast.member, post_id=post.pk)
        for entry in detail.comments:
            _ = (entry.comment.author.org_unit, list(entry.comment.attachments.all()))
            for reply in entry.replies:
                _ = (reply.comment.author, list(reply.comment.attachments.all()))
    assert len(detail.comments) == replies
    assert all(len(e.replies) == 1 and e.my_reactions == {"like"} for e in detail.comments)
