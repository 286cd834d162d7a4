"""The one upload module (hanse/core/uploads.py): apps declare what they accept."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hanse.core import uploads
from hanse.core.errors import ServiceError


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(out, format="PNG")
    return SimpleUploadedFile("bild.png", out.getvalue(), content_type="image/png")


def test_posts_and_chat_declare_their_uploads() -> None:
    """Both apps registered a policy; the sweep walks exactly their folders."""
    assert uploads.POLICIES["posts.Attachment"].folder == "attachments"
    assert uploads.POLICIES["chat.MessageAttachment"].folder == "chat"


def test_a_policy_limits_types_and_count() -> None:
    """What a policy leaves out is refused with the policy's message, whatever the name says."""
    images_only = uploads.UploadPolicy(
        model="posts.Attachment",
        folder="attachments",
        max_files=1,
        content_types=frozenset(uploads.IMAGE_CONTENT_TYPES.values()),
    )
    [image] = uploads.validate([_png()], images_only)
    assert (image.kind, image.content_type) == (uploads.IMAGE, "image/png")
    pdf = SimpleUploadedFile("bild.png", b"%PDF-1.4\n%%EOF\n", content_type="image/png")
    with pytest.raises(ServiceError) as refused:
        uploads.validate([pdf], images_only)
    assert refused.value.code == "file_type_not_allowed"
    with pytest.raises(ServiceError) as too_many:
        uploads.validate([_png(), _png()], images_only)
    assert too_many.value.code == "too_many_files"


def test_one_policy_per_model() -> None:
    """Registering the same policy again is harmless; another one for the same model is not."""
    uploads.register(uploads.POLICIES["chat.MessageAttachment"])
    with pytest.raises(ValueError):
        uploads.register(uploads.UploadPolicy(model="chat.MessageAttachment", folder="other"))
