"""Chat files: none left behind by a failed message (at once when the write itself fails, by
the nightly sweep when its caller rolls it back), none removed while another row still shows
it."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from hanse.chat import services
from hanse.chat.models import Channel, Message, MessageAttachment
from hanse.core.uploads import sweep_orphans
from hanse.posts.models import Attachment
from hanse.posts.services.posts import post_create


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (20, 120, 40)).save(out, format="PNG")
    return SimpleUploadedFile("bild.png", out.getvalue(), content_type="image/png")


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


class Boom(Exception):
    """A failure later in the same transaction."""


def test_message_rolled_back_by_its_caller_is_swept(
    people: dict[str, Any], private_channel: Channel
) -> None:
    """A message whose caller rolls back after it was stored leaves a file no row points to;
    the nightly sweep removes it."""
    with pytest.raises(Boom), transaction.atomic():
        services.message_post(
            channel=private_channel, author=people["anna"], body="", files=[png()]
        )
        assert len(stored_files()) == 1  # the picture (its thumbnail comes after commit)
        raise Boom
    assert MessageAttachment.objects.count() == 0
    assert len(sweep_orphans(grace=timedelta(0), now=timezone.now() + timedelta(seconds=1))) == 1
    assert stored_files() == set()


@pytest.mark.django_db(transaction=True)
def test_message_failing_at_commit_leaves_no_file(
    people: dict[str, Any], private_channel: Channel
) -> None:
    """A message whose own transaction fails after its file was stored (a reply to a message
    removed meanwhile: the deferred foreign key fails at the commit) removes the file at once."""
    parent, _created = services.message_post(
        channel=private_channel, author=people["anna"], body="Frage"
    )
    Message.objects.filter(pk=parent.pk).delete()
    with pytest.raises(IntegrityError):
        services.message_post(
            channel=private_channel, author=people["anna"], body="", parent=parent, files=[png()]
        )
    assert MessageAttachment.objects.count() == 0
    assert stored_files() == set()


@pytest.mark.django_db(transaction=True)
def test_committed_message_keeps_its_file(people: dict[str, Any], private_channel: Channel):
    """A message that commits keeps its files (no test transaction around it)."""
    message, _created = services.message_post(
        channel=private_channel, author=people["anna"], body="", files=[png()]
    )
    row = message.attachments.get()
    assert row.thumbnail.name  # made by the queue once the message committed
    assert stored_files() == {row.file.name, row.thumbnail.name}


def test_deleting_a_message_keeps_a_file_a_post_shows(
    people: dict[str, Any],
    private_channel: Channel,
    post: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Deleting a chat message keeps the picture a post attachment also points to, and
    removes the files no other row points to."""
    message = post(private_channel, people["anna"], "", files=[png()])
    row = message.attachments.get()
    shared = Attachment.objects.create(
        uploader=people["anna"],
        post=post_create(author=people["anna"], body="Aus dem Chat"),
        kind="image",
        file=row.file.name,
        original_name="bild.png",
        content_type="image/png",
        size=row.size,
        width=row.width,
        height=row.height,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.message_delete(message=message, by=people["anna"])
    assert row.file.name in stored_files()
    assert row.thumbnail.name not in stored_files()
    assert client_for(people["anna"]).get(shared.get_absolute_url()).status_code == 200
