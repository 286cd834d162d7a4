"""Post, comment, reaction, bookmark and tag services: every rule, exact messages, nothing
written on failure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.posts.models import (
    Attachment,
    Bookmark,
    Comment,
    LinkPreview,
    Mention,
    Post,
    PostRevision,
    Reaction,
    Tag,
    TagFollow,
)
from hanse.posts.selectors import feed
from hanse.posts.services.bookmarks import bookmark_add, bookmark_remove
from hanse.posts.services.comments import comment_create, comment_delete, comment_update
from hanse.posts.services.posts import post_create, post_delete, post_pin, post_unpin, post_update
from hanse.posts.services.reactions import reaction_add, reaction_remove, reaction_toggle
from hanse.posts.services.tags import tag_follow, tag_unfollow

pytestmark = pytest.mark.usefixtures("no_previews")


def refused(exc: pytest.ExceptionInfo[ServiceError]) -> str:
    return str(exc.value.message)


# --- post_create ---------------------------------------------------------------------------


def test_post_create_company_renders_and_extracts(cast: Any) -> None:
    """A company post renders Markdown, links known mentions and stores tags and mentions."""
    post = post_create(
        author=cast.owner, body="**Moin** @mia und @offene-runde, #Nachhaltigkeit @niemand"
    )
    assert post.scope == Post.Scope.COMPANY and post.community is None
    assert "<strong>Moin</strong>" in post.body_html
    assert 'href="/people/mia/"' in post.body_html
    assert list(post.tags.values_list("name", flat=True)) == ["nachhaltigkeit"]
    assert set(Mention.objects.filter(post=post).values_list("user__username", flat=True)) >= {
        "mia"
    }


def test_post_create_links_communities_the_author_sees_but_never_secret_ones(cast: Any) -> None:
    """Open/private communities link; a secret one links only inside itself."""
    body = f"@{cast.open.slug} @{cast.private.slug} @{cast.secret.slug}"
    post = post_create(author=cast.member, body=body)
    assert f'href="/communities/{cast.open.slug}/"' in post.body_html
    assert f'href="/communities/{cast.private.slug}/"' in post.body_html
    assert f"/communities/{cast.secret.slug}/" not in post.body_html
    assert cast.secret.name not in post.body_html
    mentioned = set(Mention.objects.filter(post=post).values_list("community_id", flat=True))
    assert mentioned == {cast.open.pk, cast.private.pk}
    inside = post_create(author=cast.member, body=f"@{cast.secret.slug}", community=cast.secret)
    assert f'href="/communities/{cast.secret.slug}/"' in inside.body_html


def test_post_create_in_community_requires_membership(cast: Any) -> None:
    """Only members post in a community, whatever its kind; nothing is written otherwise."""
    for community in (cast.open, cast.private):
        with pytest.raises(PermissionRefused) as exc:
            post_create(author=cast.outsider, body="Hallo", community=community)
        assert refused(exc) == "Only members can post in this community."
    with pytest.raises(ServiceError) as exc:
        post_create(author=cast.outsider, body="Hallo", community=cast.secret)
    assert refused(exc) == "This community does not exist."
    assert exc.value.status == 404
    assert not Post.objects.exists()
    post = post_create(author=cast.member, body="Hallo", community=cast.private)
    assert post.scope == Post.Scope.COMMUNITY and post.community == cast.private


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write something first."),
        ("   \n ", "Write something first."),
        ("x" * 20001, "The text is too long (at most 20,000 characters)."),
    ],
)
def test_post_create_refuses_bad_text(cast: Any, body: str, message: str) -> None:
    """Empty and too-long texts are refused with a clear message."""
    with pytest.raises(ServiceError) as exc:
        post_create(author=cast.member, body=body)
    assert refused(exc) == message
    assert not Post.objects.exists() and not Tag.objects.exists()


def test_post_create_scope_rules(cast: Any) -> None:
    """Scope and community must agree."""
    with pytest.raises(ServiceError) as exc:
        post_create(author=cast.member, body="x", scope="community")
    assert refused(exc) == "Choose a community to post in."
    with pytest.raises(ServiceError) as exc:
        post_create(author=cast.member, body="x", scope="profile", community=cast.open)
    assert refused(exc) == "A post in a community must have the scope “community”."
    with pytest.raises(ServiceError) as exc:
        post_create(author=cast.member, body="x", scope="everywhere")
    assert refused(exc) == "Choose where to post."
    assert not Post.objects.exists()
    assert post_create(author=cast.member, body="x", scope="profile").scope == "profile"


def test_inactive_author_is_refused(cast: Any) -> None:
    """A deactivated account cannot post."""
    cast.member.is_active = False
    with pytest.raises(PermissionRefused) as exc:
        post_create(author=cast.member, body="x")
    assert refused(exc) == "Sign in to do this."


def test_share_rules(cast: Any) -> None:
    """Open posts can be shared; private/secret ones not; invisible ones are 404."""
    open_post = post_create(author=cast.member, body="offen", community=cast.open)
    share = post_create(author=cast.member, body="", shared_post=open_post)
    assert share.shared_post == open_post and share.body == ""
    reshare = post_create(author=cast.outsider, body="weiter", shared_post=share)
    assert reshare.shared_post == open_post
    private_post = post_create(author=cast.member, body="intern", community=cast.private)
    with pytest.raises(ServiceError) as exc:
        post_create(author=cast.member, body="x", shared_post=private_post)
    assert refused(exc) == "Posts from private or secret communities cannot be shared."
    secret_post = post_create(author=cast.member, body="geheim", community=cast.secret)
    with pytest.raises(ServiceError) as exc:
        post_create(author=cast.outsider, body="x", shared_post=secret_post)
    assert refused(exc) == "This post does not exist."
    assert Post.objects.count() == 5


def test_post_create_with_image(cast: Any, png_upload: Callable[..., Any]) -> None:
    """Files are validated and stored with the post; a post of only a file is fine."""
    post = post_create(author=cast.member, body="", files=[png_upload()])
    attachment = Attachment.objects.get(post=post)
    assert attachment.kind == Attachment.Kind.IMAGE and attachment.uploader == cast.member


def test_post_create_bad_file_writes_nothing(cast: Any) -> None:
    """A refused file refuses the post."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ServiceError):
        post_create(author=cast.member, body="mit Datei #tag", files=[bad])
    assert not Post.objects.exists() and not Attachment.objects.exists()


def test_hostile_markdown_is_harmless(cast: Any) -> None:
    """Scripts, event handlers, javascript: and data: links and SVG come out inert."""
    body = (
        "<script>alert(1)</script> <img src=x onerror=alert(1)> "
        "[a](javascript:alert(1)) [b](data:text/html;base64,PHNjcmlwdD4=) "
        "<svg onload=alert(1)></svg> [c](JaVaScRiPt:alert(1))"
    )
    post = post_create(author=cast.member, body=body)
    comment = comment_create(post=post, author=cast.owner, body=body)
    for html in (post.body_html, comment.body_html):
        lowered = html.lower()
        assert "<script" not in lowered and "<svg" not in lowered and "<img" not in lowered
        assert 'href="javascript' not in lowered and 'href="data' not in lowered
        assert "<a href" not in lowered.replace('<a href="/tags/', "")


# --- post_update / delete / pin ------------------------------------------------------------


def test_post_update_keeps_revision(cast: Any) -> None:
    """Editing marks the post, keeps the old text and re-extracts tags and mentions."""
    post = post_create(author=cast.member, body="alt #eins @olga")
    post_update(post=post, by=cast.member, body="neu #zwei @moritz")
    post.refresh_from_db()
    assert post.body == "neu #zwei @moritz" and post.edited_at is not None
    assert [r.body for r in PostRevision.objects.filter(post=post)] == ["alt #eins @olga"]
    assert list(post.tags.values_list("name", flat=True)) == ["zwei"]
    assert list(Mention.objects.filter(post=post).values_list("user__username", flat=True)) == [
        "moritz"
    ]


def test_post_update_only_author(cast: Any) -> None:
    """Only the author edits; moderators do not rewrite."""
    post = post_create(author=cast.member, body="alt", community=cast.open)
    with pytest.raises(PermissionRefused) as exc:
        post_update(post=post, by=cast.moderator, body="neu")
    assert refused(exc) == "Only the author can edit this post."
    with pytest.raises(ServiceError) as exc:
        post_update(post=post, by=cast.member, body="")
    assert refused(exc) == "Write something first."
    post.refresh_from_db()
    assert post.body == "alt" and post.edited_at is None and not PostRevision.objects.exists()


def test_post_delete_permissions(cast: Any) -> None:
    """Author, community moderators/owners and admins delete; others may not."""
    post = post_create(author=cast.member, body="x", community=cast.open)
    for person in (cast.outsider,):
        with pytest.raises(PermissionRefused) as exc:
            post_delete(post=post, by=person)
        assert refused(exc) == "You may not delete this post."
    assert Post.objects.filter(pk=post.pk).exists()
    for person in (cast.member, cast.moderator, cast.owner, cast.admin):
        p = post_create(author=cast.member, body="x", community=cast.open)
        post_delete(post=p, by=person)
        assert not Post.objects.filter(pk=p.pk).exists()
    company = post_create(author=cast.member, body="x")
    with pytest.raises(PermissionRefused):
        post_delete(post=company, by=cast.moderator)


def test_post_delete_removes_it_everywhere(
    cast: Any, png_upload: Callable[..., Any], follow: Callable[..., Any]
) -> None:
    """Deleting a post removes it from feeds, tag pages, bookmarks and its comments,
    reactions, attachments (with their stored files) and tag links."""
    from django.core.files.storage import default_storage
    from django.test import TestCase

    follow(cast.outsider, cast.member)
    post = post_create(author=cast.member, body="#weg", community=cast.open, files=[png_upload()])
    comment = comment_create(post=post, author=cast.owner, body="ja", files=[png_upload()])
    reaction_add(user=cast.owner, kind="like", post=post)
    reaction_add(user=cast.member, kind="like", comment=comment)
    bookmark_add(user=cast.outsider, post=post)
    names = [a.file.name for a in Attachment.objects.all()]
    assert all(default_storage.exists(n) for n in names)
    assert feed.home_feed(viewer=cast.outsider).items
    with TestCase.captureOnCommitCallbacks(execute=True):
        post_delete(post=post, by=cast.moderator)
    assert not Comment.objects.exists() and not Reaction.objects.exists()
    assert not Attachment.objects.exists() and not Bookmark.objects.exists()
    assert not Post.tags.through.objects.exists()
    assert not any(default_storage.exists(n) for n in names)
    for viewer in (cast.outsider, cast.member, cast.admin):
        assert feed.home_feed(viewer=viewer).items == []
        assert feed.tag_stream(viewer=viewer, tag_name="weg").items == []
        assert feed.bookmarks_of(viewer=viewer).items == []
        assert feed.community_stream(viewer=viewer, community=cast.open).items == []
        assert feed.profile_stream(viewer=viewer, person=cast.member).items == []


def test_pin_rules(cast: Any) -> None:
    """Moderators, owners and admins pin community posts; members and company posts not."""
    post = post_create(author=cast.member, body="x", community=cast.open)
    with pytest.raises(PermissionRefused) as exc:
        post_pin(post=post, by=cast.member)
    assert refused(exc) == "Only moderators can pin posts in this community."
    post.refresh_from_db()
    assert post.pinned_at is None
    post_pin(post=post, by=cast.moderator)
    post.refresh_from_db()
    assert post.pinned_at is not None and post.pinned_by == cast.moderator
    with pytest.raises(PermissionRefused) as exc:
        post_unpin(post=post, by=cast.member)
    assert refused(exc) == "Only moderators can unpin posts in this community."
    post_unpin(post=post, by=cast.owner)
    post.refresh_from_db()
    assert post.pinned_at is None and post.pinned_by is None
    company = post_create(author=cast.member, body="x")
    with pytest.raises(ServiceError) as exc:
        post_pin(post=company, by=cast.admin)
    assert refused(exc) == "Only posts in a community can be pinned."


# --- comments ------------------------------------------------------------------------------


def test_comments_and_replies(cast: Any) -> None:
    """One level of replies; counters follow; replies go to top-level comments of the post."""
    post = post_create(author=cast.member, body="x", community=cast.open)
    top = comment_create(post=post, author=cast.outsider, body="Frage @mia")
    reply = comment_create(post=post, author=cast.member, body="Antwort", parent=top)
    post.refresh_from_db()
    assert post.comment_count == 2
    assert Mention.objects.filter(comment=top, user=cast.member).exists()
    with pytest.raises(ServiceError) as exc:
        comment_create(post=post, author=cast.member, body="tiefer", parent=reply)
    assert refused(exc) == "Replies go to a top-level comment of the same post."
    other = post_create(author=cast.member, body="y")
    with pytest.raises(ServiceError) as exc:
        comment_create(post=other, author=cast.member, body="falsch", parent=top)
    assert refused(exc) == "Replies go to a top-level comment of the same post."
    with pytest.raises(ServiceError) as exc:
        comment_create(post=post, author=cast.member, body=" ")
    assert refused(exc) == "Write something first."
    assert Comment.objects.count() == 2


def test_comment_needs_readable_post(cast: Any) -> None:
    """Nobody comments on a post they cannot read."""
    post = post_create(author=cast.member, body="x", community=cast.secret)
    with pytest.raises(ServiceError) as exc:
        comment_create(post=post, author=cast.outsider, body="hallo")
    assert refused(exc) == "This post does not exist." and exc.value.status == 404
    assert not Comment.objects.exists()


def test_comment_update_and_delete(cast: Any) -> None:
    """Authors edit; authors, moderators and admins delete (with replies, counter kept)."""
    post = post_create(author=cast.member, body="x", community=cast.open)
    top = comment_create(post=post, author=cast.outsider, body="eins")
    comment_create(post=post, author=cast.member, body="zwei", parent=top)
    with pytest.raises(PermissionRefused) as exc:
        comment_update(comment=top, by=cast.member, body="anders")
    assert refused(exc) == "Only the author can edit this comment."
    comment_update(comment=top, by=cast.outsider, body="eins, korrigiert")
    top.refresh_from_db()
    assert top.body == "eins, korrigiert" and top.edited_at is not None
    with pytest.raises(PermissionRefused) as exc:
        comment_delete(comment=top, by=cast.member)
    assert refused(exc) == "You may not delete this comment."
    comment_delete(comment=top, by=cast.moderator)
    post.refresh_from_db()
    assert post.comment_count == 0 and not Comment.objects.exists()


# --- reactions -----------------------------------------------------------------------------


def test_reactions_one_of_each_kind(cast: Any) -> None:
    """Adding twice keeps one row and a correct counter; toggling removes it again."""
    post = post_create(author=cast.member, body="x")
    assert reaction_add(user=cast.owner, kind="like", post=post) is True
    assert reaction_add(user=cast.owner, kind="like", post=post) is False
    assert reaction_add(user=cast.owner, kind="curious", post=post) is True
    post.refresh_from_db()
    assert post.reaction_count == 2
    assert Reaction.objects.filter(post=post, user=cast.owner, kind="like").count() == 1
    assert reaction_toggle(user=cast.owner, kind="like", post=post) is False
    assert reaction_remove(user=cast.owner, kind="like", post=post) is False
    assert reaction_toggle(user=cast.owner, kind="like", post=post) is True
    post.refresh_from_db()
    assert post.reaction_count == 2


def test_reaction_integrity_error_path_keeps_one(cast: Any, monkeypatch: Any) -> None:
    """When the row appears between check and insert, the constraint wins and the counter
    stays right."""
    post = post_create(author=cast.member, body="x")
    Reaction.objects.create(user=cast.owner, kind="like", post=post)
    Post.objects.filter(pk=post.pk).update(reaction_count=1)
    monkeypatch.setattr(
        "hanse.posts.services.reactions.Reaction.objects.filter",
        lambda **kw: Reaction.objects.none(),
        raising=False,
    )
    # reaction_toggle sees "absent" (patched) and tries to insert: IntegrityError -> one row.
    assert reaction_toggle(user=cast.owner, kind="like", post=post) is True
    monkeypatch.undo()
    assert Reaction.objects.filter(post=post).count() == 1
    post.refresh_from_db()
    assert post.reaction_count == 1


def test_reaction_rules(cast: Any) -> None:
    """Unknown kinds, two targets and unreadable posts are refused."""
    post = post_create(author=cast.member, body="x", community=cast.secret)
    with pytest.raises(ServiceError) as exc:
        reaction_add(user=cast.member, kind="angry", post=post)
    assert refused(exc) == "This reaction does not exist."
    with pytest.raises(ServiceError) as exc:
        reaction_add(user=cast.member, kind="like")
    assert refused(exc) == "React to a post or to a comment."
    with pytest.raises(ServiceError) as exc:
        reaction_add(user=cast.outsider, kind="like", post=post)
    assert refused(exc) == "This post does not exist."
    comment = comment_create(post=post, author=cast.member, body="c")
    with pytest.raises(ServiceError) as exc:
        reaction_add(user=cast.outsider, kind="like", comment=comment)
    assert refused(exc) == "This comment does not exist."
    assert not Reaction.objects.exists()
    assert reaction_add(user=cast.owner, kind="support", comment=comment)
    comment.refresh_from_db()
    assert comment.reaction_count == 1


# --- bookmarks and tags --------------------------------------------------------------------


def test_bookmarks(cast: Any) -> None:
    """Saving twice keeps one bookmark; unreadable posts cannot be saved."""
    post = post_create(author=cast.member, body="x")
    bookmark_add(user=cast.owner, post=post)
    bookmark_add(user=cast.owner, post=post)
    assert Bookmark.objects.filter(user=cast.owner).count() == 1
    assert bookmark_remove(user=cast.owner, post=post) is True
    assert bookmark_remove(user=cast.owner, post=post) is False
    secret = post_create(author=cast.member, body="x", community=cast.secret)
    with pytest.raises(ServiceError) as exc:
        bookmark_add(user=cast.outsider, post=secret)
    assert refused(exc) == "This post does not exist."
    assert not Bookmark.objects.exists()


def test_tag_follow(cast: Any) -> None:
    """Tags are normalised; following twice keeps one; bad names are refused."""
    tag = tag_follow(user=cast.member, tag_name="#Nachhaltigkeit")
    tag_follow(user=cast.member, tag_name="nachhaltigkeit")
    assert tag.name == "nachhaltigkeit"
    assert TagFollow.objects.filter(user=cast.member).count() == 1
    with pytest.raises(ServiceError) as exc:
        tag_follow(user=cast.member, tag_name="kein tag!")
    assert refused(exc) == "This is not a valid hashtag."
    assert tag_unfollow(user=cast.member, tag_name="Nachhaltigkeit") is True
    assert tag_unfollow(user=cast.member, tag_name="Nachhaltigkeit") is False


# --- link previews -------------------------------------------------------------------------


def test_link_preview_task_stores_and_reuses(cast: Any, settings: Any, monkeypatch: Any) -> None:
    """The first web link is fetched after commit, stored by URL hash and reused."""
    import hashlib

    from hanse.posts.linkpreview import Preview

    settings.LINK_PREVIEWS_ENABLED = True
    calls: list[str] = []

    def fake(url: str, **kwargs: Any) -> Preview:
        calls.append(url)
        return Preview(
            url=url, title="Titel", description="Text", image_url=None, site_name="Seite"
        )

    monkeypatch.setattr("hanse.posts.tasks.fetch_preview", fake)
    url = "https://example.org/artikel?a=1&b=2"
    from django.test import TestCase

    with_capture = TestCase.captureOnCommitCallbacks
    with with_capture(execute=True):
        first = post_create(author=cast.member, body=f"Lesen: {url} #tipp @mia")
    with with_capture(execute=True):
        second = post_create(author=cast.owner, body=f"Auch: <{url}>")
    first.refresh_from_db()
    second.refresh_from_db()
    preview = LinkPreview.objects.get()
    assert preview.url == url
    assert preview.url_hash == hashlib.sha256(url.encode()).hexdigest()
    assert first.link_preview == preview and second.link_preview == preview
    assert calls == [url]


def test_no_preview_when_disabled(cast: Any, settings: Any, monkeypatch: Any) -> None:
    """With previews off nothing is fetched."""
    from django.test import TestCase

    settings.LINK_PREVIEWS_ENABLED = False
    monkeypatch.setattr("hanse.posts.tasks.fetch_preview", lambda *a, **k: pytest.fail("fetch"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        post = post_create(author=cast.member, body="https://example.org/")
    post.refresh_from_db()
    assert post.link_preview is None and not LinkPreview.objects.exists()
