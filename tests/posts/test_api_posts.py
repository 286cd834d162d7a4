"""The stream API: CRUD, feeds, comments, reactions, bookmarks, tags, mentions, OpenAPI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hanse.posts.models import Bookmark, Comment, Post, PostRevision, Reaction, TagFollow

pytestmark = pytest.mark.usefixtures("no_previews")
JSON = "application/json"


def test_post_crud(cast: Any, client_for: Callable[..., Client]) -> None:
    """Create, read, edit (with revision), pin and delete a post through the API."""
    member = client_for(cast.member)
    created = member.post(
        "/api/v1/posts",
        {"body": "Hallo **#Team** @olga", "community": cast.open.slug},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["scope"] == "community" and data["community"]["slug"] == cast.open.slug
    assert data["author"]["username"] == "mia" and data["can_edit"] and not data["can_pin"]
    assert 'href="/people/olga/"' in data["body_html"]
    post_id = data["id"]
    edited = member.patch(f"/api/v1/posts/{post_id}", {"body": "Neu"}, content_type=JSON)
    assert edited.status_code == 200 and edited.json()["edited_at"] is not None
    assert PostRevision.objects.get().body == "Hallo **#Team** @olga"
    assert client_for(cast.outsider).get(f"/api/v1/posts/{post_id}/revisions").status_code == 403
    revisions = client_for(cast.moderator).get(f"/api/v1/posts/{post_id}/revisions")
    assert [r["body"] for r in revisions.json()["items"]] == ["Hallo **#Team** @olga"]
    assert member.put(f"/api/v1/posts/{post_id}/pin").status_code == 403
    pinned = client_for(cast.moderator).put(f"/api/v1/posts/{post_id}/pin")
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    refused = client_for(cast.outsider).delete(f"/api/v1/posts/{post_id}")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You may not delete this post.", "code": "forbidden"}
    assert member.delete(f"/api/v1/posts/{post_id}").status_code == 204
    assert not Post.objects.exists()
    assert member.get(f"/api/v1/posts/{post_id}").status_code == 404


def test_post_create_errors(cast: Any, client_for: Callable[..., Client]) -> None:
    """Service errors come back as {detail, code}; a secret community is 404."""
    outsider = client_for(cast.outsider)
    r = outsider.post("/api/v1/posts", {"body": ""}, content_type=JSON)
    assert r.status_code == 400
    assert r.json() == {"detail": "Write something first.", "code": "empty"}
    r = outsider.post(
        "/api/v1/posts", {"body": "x", "community": cast.private.slug}, content_type=JSON
    )
    assert r.status_code == 403
    assert r.json()["detail"] == "Only members can post in this community."
    r = outsider.post(
        "/api/v1/posts", {"body": "x", "community": cast.secret.slug}, content_type=JSON
    )
    assert r.status_code == 404
    assert Client().post("/api/v1/posts", {"body": "x"}, content_type=JSON).status_code == 401
    assert not Post.objects.exists()


def test_share_via_api(cast: Any, client_for: Callable[..., Client]) -> None:
    """Sharing shows the original inside; private posts cannot be shared."""
    member = client_for(cast.member)
    original = member.post(
        "/api/v1/posts", {"body": "offen", "community": cast.open.slug}, content_type=JSON
    ).json()
    share = member.post(
        "/api/v1/posts", {"body": "", "shared_post_id": original["id"]}, content_type=JSON
    )
    assert share.status_code == 201 and share.json()["shared_post"]["id"] == original["id"]
    private = member.post(
        "/api/v1/posts", {"body": "intern", "community": cast.private.slug}, content_type=JSON
    ).json()
    r = member.post(
        "/api/v1/posts", {"body": "x", "shared_post_id": private["id"]}, content_type=JSON
    )
    assert r.status_code == 400
    assert r.json()["code"] == "not_shareable"


def test_feeds_and_paging(
    cast: Any, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """The home feed pages by cursor; filters and the new-count work."""
    posts = [make_post(cast.owner, f"Nr. {i}", community=cast.open) for i in range(5)]
    member = client_for(cast.member)
    first = member.get("/api/v1/feed", {"limit": 3}).json()
    assert [p["id"] for p in first["items"]] == [p.pk for p in reversed(posts)][:3]
    second = member.get("/api/v1/feed", {"limit": 3, "cursor": first["next_cursor"]})
    assert [p["id"] for p in second.json()["items"]] == [posts[1].pk, posts[0].pk]
    assert second.json()["next_cursor"] is None
    assert member.get("/api/v1/feed", {"filter": "following"}).json()["items"] == []
    count = member.get("/api/v1/feed/new-count", {"after_id": posts[2].pk}).json()
    assert count == {"count": 2}
    assert member.get("/api/v1/feed", {"filter": "nonsense"}).status_code == 422
    company = make_post(cast.outsider, "für alle")
    assert [p["id"] for p in member.get("/api/v1/stream").json()["items"]] == [company.pk]


def test_comments_reactions_bookmarks(
    cast: Any, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Comment, reply, react (idempotent), see who reacted, save and unsave."""
    post = make_post(cast.member, "Frage", community=cast.open)
    outsider = client_for(cast.outsider)
    c = outsider.post(f"/api/v1/posts/{post.pk}/comments", {"body": "Antwort"}, content_type=JSON)
    assert c.status_code == 201
    top = c.json()["id"]
    reply = client_for(cast.member).post(
        f"/api/v1/posts/{post.pk}/comments",
        {"body": "Danke", "parent_id": top},
        content_type=JSON,
    )
    assert reply.json()["parent_id"] == top
    listed = outsider.get(f"/api/v1/posts/{post.pk}/comments").json()
    assert ([c["id"] for c in listed["items"]], listed["next_cursor"]) == ([top], None)
    assert [r["body"] for r in listed["items"][0]["replies"]] == ["Danke"]
    for _ in range(2):
        r = outsider.put(f"/api/v1/posts/{post.pk}/reactions/celebrate")
        assert r.json() == {"kind": "celebrate", "reacted": True, "count": 1}
    assert outsider.put(f"/api/v1/posts/{post.pk}/reactions/angry").status_code == 422
    who = outsider.get(f"/api/v1/posts/{post.pk}/reactions").json()["items"]
    assert [(w["person"]["username"], w["kind"]) for w in who] == [("otto", "celebrate")]
    r = outsider.delete(f"/api/v1/posts/{post.pk}/reactions/celebrate")
    assert r.json() == {"kind": "celebrate", "reacted": False, "count": 0}
    assert outsider.put(f"/api/v1/comments/{top}/reactions/like").json()["count"] == 1
    assert outsider.get(f"/api/v1/comments/{top}/reactions").json()["items"][0]["kind"] == "like"
    edited = outsider.patch(f"/api/v1/comments/{top}", {"body": "Besser"}, content_type=JSON)
    assert edited.json()["body"] == "Besser"
    assert (
        client_for(cast.member)
        .patch(f"/api/v1/comments/{top}", {"body": "x"}, content_type=JSON)
        .status_code
        == 403
    )
    assert outsider.put(f"/api/v1/posts/{post.pk}/bookmark").status_code == 200
    saved = outsider.get("/api/v1/bookmarks").json()["items"]
    assert [p["id"] for p in saved] == [post.pk] and saved[0]["bookmarked"]
    assert outsider.delete(f"/api/v1/posts/{post.pk}/bookmark").status_code == 200
    assert not Bookmark.objects.exists()
    assert outsider.delete(f"/api/v1/comments/{top}").status_code == 204
    assert not Comment.objects.exists() and Reaction.objects.count() == 0


def test_tags_and_mentions(
    cast: Any, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Tag follow/unfollow and the tag stream; mention suggestions by prefix."""
    post = make_post(cast.owner, "Zum #Klima")
    outsider = client_for(cast.outsider)
    assert outsider.put("/api/v1/tags/Klima/follow").json() == {"name": "klima", "following": True}
    assert TagFollow.objects.filter(user=cast.outsider, tag__name="klima").exists()
    assert outsider.get("/api/v1/tags/klima").json()["following"] is True
    assert [p["id"] for p in outsider.get("/api/v1/feed").json()["items"]] == [post.pk]
    assert [p["id"] for p in outsider.get("/api/v1/tags/KLIMA/posts").json()["items"]] == [post.pk]
    assert outsider.delete("/api/v1/tags/klima/follow").json()["following"] is False
    found = outsider.get("/api/v1/mentions", {"q": "mi"}).json()
    assert [p["username"] for p in found["people"]] == ["mia"]


def test_openapi_documents_the_stream(client_for: Callable[..., Client], cast: Any) -> None:
    """The OpenAPI document lists the stream's endpoints with their schemas."""
    schema = client_for(cast.member).get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/feed",
        "/api/v1/posts",
        "/api/v1/posts/{post_id}/comments",
        "/api/v1/mentions",
        "/api/v1/tags/{tag}/follow",
    ):
        assert path in schema["paths"], path
    assert "PostOut" in schema["components"]["schemas"]
