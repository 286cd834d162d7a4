"""Demo stream content: consistent with what the services would write (on the bank this
package shares, see conftest.py)."""

from __future__ import annotations

import pytest
from django.db.models import Count

from hanse.communities.models import Membership
from hanse.core.text import extract_hashtags, extract_mentions, render_markdown
from hanse.demo.posts import VOLUMES
from hanse.people.models import User
from hanse.posts.models import Attachment, Bookmark, Comment, Mention, Post, Reaction, TagFollow

pytestmark = pytest.mark.django_db


def _names() -> dict[str, str]:
    return {u.username: u.get_full_name() for u in User.objects.all()}


def test_every_size_has_a_stream():
    """The small size gets posts, comments, replies, reactions, tags, images and more."""
    assert 120 <= Post.objects.count() <= 180
    assert Comment.objects.filter(parent=None).exists()
    assert Comment.objects.exclude(parent=None).exists()
    assert Reaction.objects.exclude(post=None).exists()
    assert Reaction.objects.exclude(comment=None).exists()
    assert Post.tags.through.objects.exists()
    assert Mention.objects.exclude(post=None).exists()
    assert Attachment.objects.filter(kind="image").exclude(thumbnail="").exists()
    assert TagFollow.objects.exists() and Bookmark.objects.exists()
    assert Post.objects.exclude(shared_post=None).exists() or VOLUMES["small"].posts < 200
    assert Post.objects.exclude(pinned_at=None).exists()
    assert set(Post.objects.values_list("scope", flat=True)) == {"company", "community", "profile"}


def test_html_equals_the_renderer_and_tags_and_mentions_match():
    """body_html is exactly what render_markdown makes of the body; Tag/Mention rows match."""
    names = _names()
    for post in Post.objects.prefetch_related("tags", "mentions__user"):
        mentioned = extract_mentions(post.body)
        expected = render_markdown(post.body, mentions={u: names[u] for u in mentioned})
        assert post.body_html == expected, post.body
        assert sorted(t.name for t in post.tags.all()) == sorted(extract_hashtags(post.body))
        assert sorted(m.user.username for m in post.mentions.all()) == sorted(mentioned)
    for comment in Comment.objects.prefetch_related("mentions__user"):
        mentioned = extract_mentions(comment.body)
        expected = render_markdown(comment.body, mentions={u: names[u] for u in mentioned})
        assert comment.body_html == expected, comment.body
        assert sorted(m.user.username for m in comment.mentions.all()) == sorted(mentioned)


def test_counters_equal_the_rows():
    """comment_count and reaction_count equal the real rows, for posts and comments."""
    posts = Post.objects.annotate(
        n_comments=Count("comments", distinct=True), n_reactions=Count("reactions", distinct=True)
    )
    for post in posts:
        assert post.comment_count == post.n_comments
        assert post.reaction_count == post.n_reactions
    for comment in Comment.objects.annotate(n=Count("reactions")):
        assert comment.reaction_count == comment.n


def test_authors_belong_to_their_communities_and_ids_follow_time():
    """Community posts are by members who had joined; ids rise with created_at."""
    joined = {(m.community_id, m.user_id): m.joined_at for m in Membership.objects.all()}
    for post in Post.objects.filter(scope="community"):
        assert (post.community_id, post.author_id) in joined
        assert joined[(post.community_id, post.author_id)] <= post.created_at
    stamps = list(Post.objects.order_by("id").values_list("created_at", flat=True))
    assert stamps == sorted(stamps)
    for comment in Comment.objects.exclude(parent=None).select_related("parent"):
        assert comment.parent is not None
        assert comment.parent.parent_id is None and comment.parent.post_id == comment.post_id
        assert comment.parent.id < comment.id
    readers = Reaction.objects.exclude(post=None).filter(post__scope="community")
    for reaction in readers.select_related("post"):
        assert (reaction.post.community_id, reaction.user_id) in joined
