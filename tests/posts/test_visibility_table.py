"""The visibility table: a post, comment, attachment and tag in an open, private or secret
community, for every kind of viewer, on every surface of the stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, TestCase

from hanse.people.models import Follow
from hanse.posts.models import Attachment, LinkPreview, Post
from hanse.posts.selectors import feed
from hanse.posts.selectors.posts import mention_suggestions
from hanse.posts.services.comments import comment_create
from hanse.posts.services.posts import post_create
from hanse.posts.services.tags import tag_follow

VIEWERS = ["anonymous", "outsider", "member", "moderator", "owner", "admin"]
KINDS = ["open", "private", "secret"]


def reads(kind: str, viewer: str) -> bool:
    """The expected answer: open for every signed-in person, else members and admins."""
    if viewer == "anonymous":
        return False
    return kind == "open" or viewer != "outsider"


@pytest.fixture
def scene(
    cast: Any,
    make_user: Callable[..., Any],
    png_upload: Callable[..., Any],
    settings: Any,
    monkeypatch: Any,
) -> dict[str, Any]:
    """In each community: a post by the author (followed by the outsider) with a hashtag the
    outsider follows, an image, a link (with a preview) and a comment with a file."""
    from hanse.posts.linkpreview import Preview

    settings.LINK_PREVIEWS_ENABLED = True
    monkeypatch.setattr(
        "hanse.posts.tasks.fetch_preview",
        lambda url, **kw: Preview(
            url=url, title="Vorschau", description="", image_url=None, site_name=None
        ),
    )
    author = cast.member
    Follow.objects.create(follower=cast.outsider, followee=author)
    out: dict[str, Any] = {}
    for kind in KINDS:
        tag = f"thema{kind}"
        tag_follow(user=cast.outsider, tag_name=tag)
        with TestCase.captureOnCommitCallbacks(execute=True):
            post = post_create(
                author=author,
                body=f"#{tag} https://example.org/{kind}",
                community=cast.community(kind),
                files=[png_upload()],
            )
        comment = comment_create(post=post, author=author, body="Kommentar", files=[png_upload()])
        post.refresh_from_db()
        assert post.link_preview is not None
        out[kind] = {"post": post, "comment": comment, "tag": tag}
    return out


def client_for_viewer(viewer: Any) -> Client:
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    return client


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", VIEWERS)
def test_visibility_table(cast: Any, scene: dict[str, Any], kind: str, who: str) -> None:
    """Readable exactly for those who may read the community: feeds, tag and profile
    streams, API, comments, attachments and link previews."""
    viewer = cast.viewer(who)
    expected = reads(kind, who)
    post: Post = scene[kind]["post"]
    comment = scene[kind]["comment"]
    tag = scene[kind]["tag"]

    def shown(page: feed.FeedPage) -> bool:
        return post.pk in [i.post.pk for i in page.items]

    # Selectors. The outsider follows the author and the tag: their home feed is the test
    # that a followed author's or tag's post in a closed community does not leak.
    if viewer is not None:
        # The admin reads everything but has no source (no membership, follow or tag).
        assert shown(feed.home_feed(viewer=viewer)) is (expected and who != "admin")
        assert shown(feed.tag_stream(viewer=viewer, tag_name=tag)) is expected
        assert shown(feed.profile_stream(viewer=viewer, person=cast.member)) is expected
        assert shown(feed.company_stream(viewer=viewer)) is False
        assert Post.objects.visible_to(viewer).filter(pk=post.pk).exists() is expected
        from hanse.posts.models import Comment

        assert Comment.objects.visible_to(viewer).filter(pk=comment.pk).exists() is expected
        files = Attachment.objects.visible_to(viewer)
        assert files.filter(post=post).exists() is expected
        assert files.filter(comment=comment).exists() is expected
        # The link preview is reachable only through a post the viewer reads.
        previews = LinkPreview.objects.filter(
            pk__in=Post.objects.visible_to(viewer).values("link_preview_id")
        )
        assert previews.filter(url__endswith=f"/{kind}").exists() is expected
    else:
        from django.contrib.auth.models import AnonymousUser

        anon = AnonymousUser()
        assert not shown(feed.home_feed(viewer=anon))  # type: ignore[arg-type]
        assert not Attachment.objects.visible_to(anon).exists()  # type: ignore[arg-type]

    # The API.
    client = client_for_viewer(viewer)
    detail = client.get(f"/api/v1/posts/{post.pk}")
    comments = client.get(f"/api/v1/posts/{post.pk}/comments")
    reactions = client.get(f"/api/v1/posts/{post.pk}/reactions")
    if viewer is None:
        assert detail.status_code == comments.status_code == reactions.status_code == 401
        return
    assert detail.status_code == (200 if expected else 404)
    assert comments.status_code == (200 if expected else 404)
    assert reactions.status_code == (200 if expected else 404)
    if expected:
        assert detail.json()["link_preview"]["title"] == "Vorschau"
        assert [c["id"] for c in comments.json()["items"]] == [comment.pk]
    surfaces = {
        "/api/v1/feed": expected and who != "admin",
        f"/api/v1/tags/{tag}/posts": expected,
        "/api/v1/people/mia/posts": expected,
    }
    for url, visible in surfaces.items():
        response = client.get(url)
        assert response.status_code == 200
        assert (post.pk in [p["id"] for p in response.json()["items"]]) is visible, url
    stream = client.get(f"/api/v1/communities/{cast.community(kind).slug}/posts")
    if kind == "secret" and not expected:
        assert stream.status_code == 404
    else:
        assert stream.status_code == 200
        assert (post.pk in [p["id"] for p in stream.json()["items"]]) is expected
    assert client.put(f"/api/v1/posts/{post.pk}/reactions/like").status_code == (
        200 if expected else 404
    )
    assert client.post(
        f"/api/v1/posts/{post.pk}/comments", {"body": "Hallo"}, content_type="application/json"
    ).status_code == (201 if expected else 404)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", VIEWERS)
def test_mention_suggestions_table(cast: Any, kind: str, who: str) -> None:
    """A secret community is suggested to its members only; open and private to everyone
    signed in; nobody anonymous gets anything."""
    viewer = cast.viewer(who)
    community = cast.community(kind)
    prefix = community.name[:6]
    if viewer is None:
        client = Client()
        assert client.get("/api/v1/mentions", {"q": prefix}).status_code == 401
        return
    expected = who != "outsider" or kind != "secret"
    found = mention_suggestions(viewer=viewer, q=prefix)
    assert (community in found.communities) is expected
    response = client_for_viewer(viewer).get("/api/v1/mentions", {"q": prefix})
    slugs = [c["slug"] for c in response.json()["communities"]]
    assert (community.slug in slugs) is expected
