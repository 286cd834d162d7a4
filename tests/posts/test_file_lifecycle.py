"""Stored files of posts and comments: none left behind by a failed write (at once when the
write itself fails, by the nightly sweep when its caller rolls it back), none removed while
another row still shows it."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from hanse.core.uploads import removed_on_error, sweep_orphans
from hanse.people.models import User
from hanse.posts.models import Attachment, Comment, Post
from hanse.posts.services.attachments import attachments_store, attachments_validate
from hanse.posts.services.comments import comment_create, comment_delete
from hanse.posts.services.posts import post_create, post_delete


def png(colour: tuple[int, int, int] = (200, 30, 40)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(out, format="PNG")
    return SimpleUploadedFile("Plan.png", out.getvalue(), content_type="image/png")


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("Protokoll.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def stored_files() -> set[str]:
    """Every file under MEDIA_ROOT (the test's own folder), as storage names."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def author(make_user: Callable[..., User]) -> User:
    return make_user("jonas", first_name="Jonas", last_name="Hansen")


class Boom(Exception):
    """A failure later in the same transaction (a constraint, a bug, a lost connection)."""


def sweep_now() -> list[str]:
    """The nightly sweep, without its grace period."""
    return sweep_orphans(grace=timedelta(0), now=timezone.now() + timedelta(seconds=1))


def test_failure_after_storing_in_the_same_write_removes_the_files(author: User) -> None:
    """A write that fails after its files were stored (in the block the services wrap their
    transaction in) removes them at once."""
    post = Post.objects.create(author=author, body="x", body_html="<p>x</p>")
    with pytest.raises(Boom), removed_on_error(), transaction.atomic():
        attachments_store(attachments_validate([png(), pdf()]), post=post, uploader=author)
        assert len(stored_files()) == 3  # the picture, its thumbnail and the PDF
        raise Boom
    assert Attachment.objects.count() == 0
    assert stored_files() == set()


def test_post_rolled_back_by_its_caller_is_swept(author: User) -> None:
    """A post whose caller rolls back after post_create returned leaves files no row points
    to; the nightly sweep removes them (nothing serves them meanwhile)."""
    with pytest.raises(Boom), transaction.atomic():
        post_create(author=author, body="Mit Anhang", files=[png(), pdf()])
        # The image and the PDF; the thumbnail would be made by the task queue after commit.
        assert len(stored_files()) == 2
        raise Boom
    assert Attachment.objects.count() == 0
    assert len(sweep_now()) == 2
    assert stored_files() == set()


def test_comment_rolled_back_by_its_caller_is_swept(author: User) -> None:
    """The same for a comment with a picture."""
    post = post_create(author=author, body="Ohne Anhang")
    with pytest.raises(Boom), transaction.atomic():
        comment_create(post=post, author=author, body="Foto", files=[png()])
        raise Boom
    assert Comment.objects.count() == 0
    assert len(sweep_now()) == 1
    assert stored_files() == set()


def test_rolled_back_savepoint_loses_only_its_files(author: User) -> None:
    """A savepoint rolled back inside a transaction that commits: the sweep takes only its
    files."""
    with transaction.atomic():
        kept = post_create(author=author, body="Bleibt", files=[pdf()])
        try:
            with transaction.atomic():
                post_create(author=author, body="Fliegt raus", files=[png()])
                raise Boom
        except Boom:
            pass
    sweep_now()
    assert stored_files() == {kept.attachments.get().file.name}


def test_failing_store_removes_what_it_wrote(author: User) -> None:
    """attachments_store failing at its insert (a CHECK constraint) removes every file it
    had written."""
    post = Post.objects.create(author=author, body="x", body_html="<p>x</p>")
    validated = attachments_validate([png(), pdf()])
    validated[1].width = -1  # a PositiveIntegerField: refused by the database
    with pytest.raises(IntegrityError):
        attachments_store(validated, post=post, uploader=author)
    assert Attachment.objects.count() == 0
    assert stored_files() == set()


@pytest.mark.django_db(transaction=True)
def test_outermost_rollback_and_commit(make_user: Callable[..., User]) -> None:
    """Without a test transaction around it: a post failing at its commit (its author was
    deleted meanwhile, a deferred foreign key) leaves nothing, a committed one keeps its
    files."""
    author = make_user("jonas")
    gone = make_user("gone")
    User.objects.filter(pk=gone.pk).delete()
    with pytest.raises(IntegrityError):
        post_create(author=gone, body="Fliegt raus", files=[png()])
    assert stored_files() == set()
    post = post_create(author=author, body="Bleibt", files=[png()])
    attachment = post.attachments.get()
    assert attachment.thumbnail.name  # made by the queue once the post committed
    assert stored_files() == {attachment.file.name, attachment.thumbnail.name}


def _share_files(source: Attachment, post: Post) -> Attachment:
    """A second row pointing to the same stored file, as the demo generator writes them."""
    return Attachment.objects.create(
        uploader=post.author,
        post=post,
        kind=source.kind,
        file=source.file.name,
        thumbnail=source.thumbnail.name,
        original_name="Gleiches Bild.png",
        content_type=source.content_type,
        size=source.size,
        width=source.width,
        height=source.height,
    )


def test_deleting_one_of_two_posts_sharing_a_file_keeps_it(
    author: User, client_for: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Deleting a post whose picture another post also shows keeps the picture; deleting
    the last one removes it."""
    with django_capture_on_commit_callbacks(execute=True):
        first = post_create(author=author, body="Erster", files=[png()])
    shared = first.attachments.get()
    assert shared.thumbnail.name
    second = post_create(author=author, body="Zweiter")
    twin = _share_files(shared, second)
    names = {shared.file.name, shared.thumbnail.name}
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=first, by=author)
    assert names <= stored_files()
    client = client_for(author)
    assert client.get(twin.get_absolute_url()).status_code == 200
    assert client.get(twin.thumbnail_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=second, by=author)
    assert not names & stored_files()


def test_deleting_a_comment_keeps_a_file_a_post_shows(
    author: User, django_capture_on_commit_callbacks: Any
) -> None:
    """A comment's picture that a post also shows outlives the comment."""
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=author, body="Erster", files=[png()])
        comment = comment_create(
            post=post, author=author, body="Noch mal", files=[png((0, 0, 255))]
        )
    shown = post.attachments.get()
    own = comment.attachments.get()
    assert own.thumbnail.name
    Attachment.objects.filter(pk=own.pk).update(file=shown.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        comment_delete(comment=comment, by=author)
    assert shown.file.name in stored_files()
    assert own.thumbnail.name not in stored_files()  # its own thumbnail was not shared
