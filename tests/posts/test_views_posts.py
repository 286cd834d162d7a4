"""The post page: comments and replies, editing, deleting, pinning, sharing, who reacted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hanse.posts.models import Comment, Post, PostRevision, Reaction
from tests.posts.conftest import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_previews")]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    ("kind", "viewer", "status"),
    [
        ("open", "outsider", 200),
        ("open", "member", 200),
        ("private", "outsider", 404),
        ("private", "member", 200),
        ("secret", "outsider", 404),
        ("secret", "member", 200),
        ("secret", "admin", 200),
    ],
)
def test_post_page_visibility(
    cast: Cast,
    client_for: Callable[..., Client],
    make_post: Callable[..., Post],
    kind: str,
    viewer: str,
    status: int,
) -> None:
    """The post page is there for those who may read the community, 404 for others."""
    post = make_post(cast.owner, "Beitrag", community=cast.community(kind))
    client = client_for(cast.viewer(viewer))
    assert client.get(reverse("posts:detail", args=[post.pk])).status_code == status
    assert client.get(reverse("posts:reactors", args=[post.pk])).status_code == status
    assert client.get(reverse("posts:share", args=[post.pk])).status_code == status


def test_comment_and_reply(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """A comment and a reply to it appear on the post page, the reply nested."""
    post = make_post(cast.owner, "Frage in die Runde")
    client = client_for(cast.member)
    response = client.post(
        reverse("posts:comment_create", args=[post.pk]), {"body": "Gute Frage, @olga!"}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    client.post(
        reverse("posts:comment_create", args=[post.pk]),
        {"body": "Antwort darauf", "parent": comment.pk},
    )
    reply = Comment.objects.get(parent=comment)
    html = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert 'href="/people/olga/"' in html
    assert html.index(f'id="comment-{comment.pk}"') < html.index('class="comment-replies"')
    assert html.index('class="comment-replies"') < html.index(f'id="comment-{reply.pk}"')
    assert "2 comments" in html


def test_empty_comment_is_refused_and_nothing_written(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """An empty comment comes back with the message on the post page."""
    post = make_post(cast.owner, "Frage")
    response = client_for(cast.member).post(
        reverse("posts:comment_create", args=[post.pk]), {"body": " "}
    )
    assert response.status_code == 400
    assert "Write something first." in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_on_invisible_post_is_404(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """No comment under a post the person may not read."""
    post = make_post(cast.owner, "Geheim", community=cast.secret)
    response = client_for(cast.outsider).post(
        reverse("posts:comment_create", args=[post.pk]), {"body": "Hallo"}
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_comment_edit_and_delete(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """The author edits (marked as edited) and deletes a comment after confirming."""
    from hanse.posts.services.comments import comment_create

    post = make_post(cast.owner, "Frage")
    comment = comment_create(post=post, author=cast.member, body="Erste Fassung")
    client = client_for(cast.member)
    assert client.get(reverse("posts:comment_edit", args=[comment.pk])).status_code == 200
    client.post(reverse("posts:comment_edit", args=[comment.pk]), {"body": "Zweite Fassung"})
    comment.refresh_from_db()
    assert comment.body == "Zweite Fassung"
    assert comment.edited_at is not None
    assert "edited" in client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert client.get(reverse("posts:comment_delete", args=[comment.pk])).status_code == 200
    client.post(reverse("posts:comment_delete", args=[comment.pk]))
    assert not Comment.objects.exists()


def test_others_cannot_edit_or_delete_a_comment(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Someone else's comment stays as it is."""
    from hanse.posts.services.comments import comment_create

    post = make_post(cast.owner, "Frage")
    comment = comment_create(post=post, author=cast.member, body="Meins")
    client = client_for(cast.outsider)
    client.post(reverse("posts:comment_edit", args=[comment.pk]), {"body": "Geändert"})
    response = client.post(reverse("posts:comment_delete", args=[comment.pk]), follow=True)
    assert "You may not delete this comment." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Meins"


def test_comment_reaction_toggle(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Comments have the same reaction bar; htmx gets it back with aria-pressed."""
    from hanse.posts.services.comments import comment_create

    post = make_post(cast.owner, "Frage")
    comment = comment_create(post=post, author=cast.owner, body="Antwort")
    response = client_for(cast.member).post(
        reverse("posts:comment_react", args=[comment.pk]), {"kind": "insightful"}, **HTMX
    )
    html = response.content.decode()
    assert f'id="reactions-comment-{comment.pk}"' in html
    assert 'aria-pressed="true"' in html
    assert Reaction.objects.filter(comment=comment, kind="insightful").exists()


def test_reactors_page_lists_people(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Who reacted, filterable by kind."""
    from hanse.posts.services.reactions import reaction_toggle

    post = make_post(cast.owner, "Toll")
    reaction_toggle(user=cast.member, kind="like", post=post)
    reaction_toggle(user=cast.moderator, kind="celebrate", post=post)
    client = client_for(cast.outsider)
    html = client.get(reverse("posts:reactors", args=[post.pk])).content.decode()
    assert "Mia Member" in html
    assert "Moritz Moderator" in html
    liked = client.get(reverse("posts:reactors", args=[post.pk]), {"kind": "like"})
    assert "Mia Member" in liked.content.decode()
    assert "Moritz Moderator" not in liked.content.decode()


def test_edit_post_keeps_a_revision(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """The author edits; the post is marked as edited and the old text kept."""
    post = make_post(cast.member, "Alter Text")
    client = client_for(cast.member)
    assert client.get(reverse("posts:edit", args=[post.pk])).status_code == 200
    response = client.post(reverse("posts:edit", args=[post.pk]), {"body": "Neuer Text"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Neuer Text"
    assert PostRevision.objects.get(post=post).body == "Alter Text"
    html = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert "edited" in html


def test_only_the_author_edits(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """A moderator may not change someone's words."""
    post = make_post(cast.member, "Original", community=cast.open)
    response = client_for(cast.moderator).post(
        reverse("posts:edit", args=[post.pk]), {"body": "Geändert"}, follow=True
    )
    assert "Only the author can edit this post." in response.content.decode()
    post.refresh_from_db()
    assert post.body == "Original"


@pytest.mark.parametrize(
    ("viewer", "deleted"),
    [("member", True), ("moderator", True), ("admin", True), ("outsider", False)],
)
def test_delete_post(
    cast: Cast,
    client_for: Callable[..., Client],
    make_post: Callable[..., Post],
    viewer: str,
    deleted: bool,
) -> None:
    """Author, the community's moderators and admins delete; others are refused."""
    post = make_post(cast.member, "Weg damit", community=cast.open)
    client = client_for(cast.viewer(viewer))
    confirm = client.get(reverse("posts:delete", args=[post.pk]))
    if deleted:
        assert "Delete this post?" in confirm.content.decode()
    response = client.post(reverse("posts:delete", args=[post.pk]), {"next": "/"})
    assert response.status_code == 302
    assert Post.objects.filter(pk=post.pk).exists() is not deleted


def test_delete_from_the_post_page_returns_home(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """After deleting, "next" never points at the page that is gone."""
    post = make_post(cast.member, "Weg")
    response = client_for(cast.member).post(
        reverse("posts:delete", args=[post.pk]),
        {"next": reverse("posts:detail", args=[post.pk])},
    )
    assert response["Location"] == "/"


def test_pin_and_unpin(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Moderators pin; members cannot."""
    post = make_post(cast.member, "Wichtig", community=cast.open)
    client_for(cast.member).post(reverse("posts:pin", args=[post.pk]))
    post.refresh_from_db()
    assert post.pinned_at is None
    client_for(cast.moderator).post(reverse("posts:pin", args=[post.pk]))
    post.refresh_from_db()
    assert post.pinned_at is not None
    html = (
        client_for(cast.moderator)
        .get(reverse("communities:detail", args=[cast.open.slug]))
        .content.decode()
    )
    assert "Pinned" in html
    assert "Unpin" in html
    client_for(cast.moderator).post(reverse("posts:unpin", args=[post.pk]))
    post.refresh_from_db()
    assert post.pinned_at is None


def test_share_into_a_community(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Sharing creates a post that embeds the original."""
    original = make_post(cast.owner, "Lesenswert")
    client = client_for(cast.member)
    response = client.post(
        reverse("posts:share", args=[original.pk]),
        {"where": f"community:{cast.open.slug}", "body": "Schaut mal"},
    )
    shared = Post.objects.exclude(pk=original.pk).get()
    assert response["Location"] == reverse("posts:detail", args=[shared.pk])
    assert shared.shared_post == original
    assert shared.community == cast.open
    html = client.get(reverse("posts:detail", args=[shared.pk])).content.decode()
    assert "Shared from" in html
    assert "Lesenswert" in html


def test_private_post_cannot_be_shared(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """No share link in the menu, and the share page refuses with a clear message."""
    post = make_post(cast.owner, "Intern", community=cast.private)
    client = client_for(cast.member)
    detail = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert reverse("posts:share", args=[post.pk]) not in detail
    page = client.get(reverse("posts:share", args=[post.pk])).content.decode()
    assert "Posts from private or secret communities cannot be shared." in page
    response = client.post(reverse("posts:share", args=[post.pk]), {"where": "company"})
    assert response.status_code == 400
    assert "Posts from private or secret communities cannot be shared." in (
        response.content.decode()
    )
    assert Post.objects.count() == 1


def test_deleted_original_shows_as_unavailable(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """A share without a note whose original is gone says so."""
    from hanse.posts.services.posts import post_delete

    original = make_post(cast.owner, "Bald weg")
    share = make_post(cast.member, "", shared_post=original)
    post_delete(post=original, by=cast.owner)
    html = client_for(cast.member).get(reverse("posts:detail", args=[share.pk])).content.decode()
    assert "This post is no longer available." in html


def test_post_page_query_count(
    cast: Cast,
    client_for: Callable[..., Client],
    make_post: Callable[..., Post],
    django_assert_max_num_queries: Any,
) -> None:
    """A post with 10 comments and replies renders in a fixed number of queries."""
    from hanse.posts.services.comments import comment_create

    post = make_post(cast.owner, "Viele Antworten")
    for n in range(10):
        top = comment_create(post=post, author=cast.member, body=f"Kommentar {n}")
        comment_create(post=post, author=cast.owner, body=f"Antwort {n}", parent=top)
    client = client_for(cast.member)
    client.get(reverse("posts:detail", args=[post.pk]))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("posts:detail", args=[post.pk]))
    assert response.content.decode().count('class="comment"') == 20
