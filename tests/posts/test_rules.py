"""posts/rules.py: who may edit, delete and pin posts and comments, as a table, and the
batch form the feed uses agreeing with the single predicates in one query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hanse.posts import rules
from hanse.posts.models import Post
from hanse.posts.selectors.feed import decorate
from hanse.posts.services.comments import comment_create
from tests.posts.conftest import Cast

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "owner", "moderator", "member", "outsider", "admin", "author")
# (may edit, may delete, may pin) per actor for a post by someone else in a community.
COMMUNITY_POST = {
    "anonymous": (False, False, False),
    "owner": (False, True, True),
    "moderator": (False, True, True),
    "member": (False, False, False),
    "outsider": (False, False, False),
    "admin": (False, True, True),
    "author": (True, True, False),
}
# A company-wide post has no moderators but the administrators, and is never pinned.
COMPANY_POST = {
    "anonymous": (False, False, False),
    "owner": (False, False, False),
    "moderator": (False, False, False),
    "member": (False, False, False),
    "outsider": (False, False, False),
    "admin": (False, True, False),
    "author": (True, True, False),
}


@pytest.fixture
def author(make_user: Callable[..., Any], cast: Cast) -> Any:
    from hanse.communities.models import Membership

    person = make_user("paula")
    for community in (cast.open, cast.private, cast.secret):
        Membership.objects.create(community=community, user=person)
    return person


def _actor(cast: Cast, author: Any, name: str) -> Any:
    return author if name == "author" else cast.viewer(name)


@pytest.mark.parametrize("kind", ["open", "private", "secret", "company"])
@pytest.mark.parametrize("actor", ACTORS)
def test_post_rules_table(cast: Cast, author: Any, make_post: Any, kind: str, actor: str) -> None:
    """Author edits; author, community moderators and admins delete; moderators pin."""
    community = None if kind == "company" else cast.community(kind)
    post = make_post(author, community=community)
    person = _actor(cast, author, actor)
    expected = (COMPANY_POST if community is None else COMMUNITY_POST)[actor]
    single = (
        rules.may_edit_post(person, post),
        rules.may_delete_post(person, post),
        rules.may_pin_post(person, post),
    )
    batch = rules.post_flags(person, [post])[post.pk]
    assert single == expected
    assert (batch.may_edit, batch.may_delete, batch.may_pin) == expected


@pytest.mark.parametrize("actor", ["owner", "moderator", "member", "admin", "author"])
def test_comment_rules_agree_with_the_page(
    cast: Cast, author: Any, make_post: Any, actor: str
) -> None:
    """The comment flags of a post page are the comment predicates' answers."""
    post = make_post(cast.member, community=cast.open)
    comment = comment_create(post=post, author=author, body="Gute Idee")
    person = _actor(cast, author, actor)
    flags = rules.comment_flags(person, post, [comment])[comment.pk]
    assert flags == (
        rules.may_edit_comment(person, comment),
        rules.may_delete_comment(person, comment),
    )
    assert flags[1] == (actor in ("owner", "moderator", "admin", "author"))


def test_post_flags_of_a_page_cost_one_query(
    cast: Cast, author: Any, make_post: Any, django_assert_num_queries: Any
) -> None:
    """Flags for a page of posts in several communities: one query, not one per post."""
    posts = [
        make_post(author, community=community)
        for community in (cast.open, cast.private, cast.secret)
        for _ in range(4)
    ]
    posts = list(Post.objects.filter(pk__in=[p.pk for p in posts]).select_related("community"))
    with django_assert_num_queries(1):
        flags = rules.post_flags(cast.moderator, posts)
    assert all(f.may_delete and f.may_pin for f in flags.values())
    with django_assert_num_queries(0):
        rules.post_flags(cast.admin, posts)


def test_feed_cards_take_their_flags_from_the_rules(
    cast: Cast, author: Any, make_post: Any
) -> None:
    """The card's may edit / delete / pin is what post_flags says, for every viewer."""
    posts = [make_post(author, community=cast.private), make_post(author)]
    for viewer in (cast.owner, cast.member, cast.admin, author):
        items = decorate(posts, viewer=viewer)
        flags = rules.post_flags(viewer, posts)
        assert [(i.can_edit, i.can_delete, i.can_pin) for i in items] == [
            (flags[p.pk].may_edit, flags[p.pk].may_delete, flags[p.pk].may_pin) for p in posts
        ]
