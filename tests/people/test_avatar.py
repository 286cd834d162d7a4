"""Profile photos: content sniffing, size limits, metadata stripping and thumbnails."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hanse.core.errors import ServiceError
from hanse.people.models import User
from hanse.people.services import avatar_remove, avatar_set

NOT_A_PICTURE = "This file is not a picture. Please upload a JPEG, PNG, WebP or GIF image."


def _image_bytes(fmt: str, size: tuple[int, int] = (400, 300), mode: str = "RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128)).save(
        out, format=fmt, **save
    )
    return out.getvalue()


def _files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims huge dimensions but carries (almost) no pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("fmt", "name", "content_type", "stored_ext"),
    [
        ("PNG", "me.png", "image/png", ".jpg"),
        ("JPEG", "me.jpg", "image/jpeg", ".jpg"),
        ("WEBP", "me.webp", "image/webp", ".jpg"),
        ("GIF", "me.gif", "image/gif", ".jpg"),
    ],
)
def test_avatar_set_accepts_pictures_and_makes_thumbnail(
    make_user, settings, fmt, name, content_type, stored_ext
):
    """A real picture is re-encoded and gets a 256x256 square thumbnail."""
    anna = make_user("anna")
    upload = SimpleUploadedFile(name, _image_bytes(fmt), content_type=content_type)
    avatar_set(user=anna, upload=upload)

    anna = User.objects.get(pk=anna.pk)
    assert anna.avatar.name.startswith("avatars/")
    assert anna.avatar.name.endswith(stored_ext)
    assert anna.avatar_thumbnail.name.startswith("avatars/thumbs/")
    with Image.open(anna.avatar_thumbnail.path) as thumb:
        assert thumb.size == (256, 256)
    with Image.open(anna.avatar.path) as photo:
        assert photo.size == (400, 300)
    assert len(_files(settings)) == 2


def test_avatar_keeps_transparency_as_png(make_user):
    """A transparent PNG stays a PNG."""
    anna = make_user("anna")
    upload = SimpleUploadedFile("me.png", _image_bytes("PNG", mode="RGBA"), "image/png")
    avatar_set(user=anna, upload=upload)
    anna.refresh_from_db()
    assert anna.avatar.name.endswith(".png")
    with Image.open(anna.avatar.path) as photo:
        assert photo.mode == "RGBA"


def test_avatar_strips_metadata_and_shrinks_large_photos(make_user):
    """EXIF data (e.g. GPS position) is dropped; big photos are scaled to 1024 pixels."""
    anna = make_user("anna")
    exif = Image.Exif()
    exif[0x010F] = "Spy camera maker"
    exif[0x0132] = "2024:01:01 10:00:00"
    data = _image_bytes("JPEG", size=(2000, 1500), exif=exif.tobytes())
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif()
    avatar_set(user=anna, upload=SimpleUploadedFile("me.jpg", data, "image/jpeg"))
    anna.refresh_from_db()
    with Image.open(anna.avatar.path) as photo:
        assert photo.size == (1024, 768)
        assert not photo.getexif()
        assert "exif" not in photo.info


def test_avatar_replaces_and_deletes_old_files(
    make_user, settings, django_capture_on_commit_callbacks
):
    """A second upload replaces the first; the old files are deleted after commit."""
    anna = make_user("anna")
    avatar_set(user=anna, upload=SimpleUploadedFile("a.png", _image_bytes("PNG"), "image/png"))
    first = _files(settings)
    with django_capture_on_commit_callbacks(execute=True):
        avatar_set(user=anna, upload=SimpleUploadedFile("b.png", _image_bytes("PNG"), "image/png"))
    second = _files(settings)
    assert len(second) == 2
    assert not set(first) & set(second)


def test_pdf_renamed_to_png_is_refused(make_user, settings):
    """A PDF with a .png name is refused with a clear message and nothing is written."""
    anna = make_user("anna")
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    upload = SimpleUploadedFile("photo.png", pdf, content_type="image/png")
    with pytest.raises(ServiceError) as exc:
        avatar_set(user=anna, upload=upload)
    assert str(exc.value.message) == NOT_A_PICTURE
    anna.refresh_from_db()
    assert not anna.avatar
    assert not anna.avatar_thumbnail
    assert _files(settings) == []


@pytest.mark.parametrize(
    "data",
    [
        _image_bytes("BMP"),
        _image_bytes("TIFF"),
        _image_bytes("PNG")[:60],  # cut off after the header
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
    ],
    ids=["bmp", "tiff", "truncated-png", "svg"],
)
def test_other_files_are_refused(make_user, settings, data):
    """Formats outside JPEG/PNG/WebP/GIF and broken pictures are refused, nothing written."""
    anna = make_user("anna")
    with pytest.raises(ServiceError) as exc:
        avatar_set(user=anna, upload=SimpleUploadedFile("x.png", data, "image/png"))
    assert str(exc.value.message) == NOT_A_PICTURE
    assert _files(settings) == []


def test_fifty_megabyte_upload_is_refused_before_reading(make_user, settings):
    """A 50 MB file is refused by its size with the limit in the message."""
    anna = make_user("anna")
    upload = SimpleUploadedFile("huge.jpg", b"\0" * (50 * 1024 * 1024), "image/jpeg")
    with pytest.raises(ServiceError) as exc:
        avatar_set(user=anna, upload=upload)
    assert str(exc.value.message) == (
        "This picture is too large. Please upload a picture of at most 5 MB."
    )
    assert exc.value.code == "file_too_large"
    assert _files(settings) == []


def test_size_limit_follows_the_setting(make_user, settings):
    """AVATAR_MAX_BYTES decides the limit and the message names it."""
    settings.AVATAR_MAX_BYTES = 1024 * 1024
    anna = make_user("anna")
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    upload = SimpleUploadedFile("me.png", out.getvalue(), "image/png")
    assert upload.size > 1024 * 1024
    with pytest.raises(ServiceError) as exc:
        avatar_set(user=anna, upload=upload)
    assert str(exc.value.message) == (
        "This picture is too large. Please upload a picture of at most 1 MB."
    )


def test_decompression_bomb_is_refused(make_user, settings):
    """A small file that claims 50000x50000 pixels is refused before decoding."""
    anna = make_user("anna")
    upload = SimpleUploadedFile("bomb.png", _png_header(50000, 50000), "image/png")
    with pytest.raises(ServiceError) as exc:
        avatar_set(user=anna, upload=upload)
    assert str(exc.value.message) == (
        "This picture is too large. Please upload a picture with at most 40 million pixels."
    )
    assert _files(settings) == []


def test_huge_dimensions_are_refused(make_user, settings):
    """A picture of 8000x6000 pixels is refused with its dimensions in the message."""
    anna = make_user("anna")
    upload = SimpleUploadedFile("big.png", _png_header(8000, 6000), "image/png")
    with pytest.raises(ServiceError) as exc:
        avatar_set(user=anna, upload=upload)
    assert str(exc.value.message) == (
        "This picture is too large (8000 by 6000 pixels). "
        "Please upload a picture with at most 40 million pixels."
    )
    assert _files(settings) == []


def test_empty_file_is_refused(make_user):
    """An empty upload gets its own message."""
    anna = make_user("anna")
    with pytest.raises(ServiceError) as exc:
        avatar_set(user=anna, upload=SimpleUploadedFile("e.png", b"", "image/png"))
    assert str(exc.value.message) == "The file is empty. Please choose a picture."


def test_failed_upload_keeps_the_previous_photo(make_user, settings):
    """A refused upload leaves the current photo and its files in place."""
    anna = make_user("anna")
    avatar_set(user=anna, upload=SimpleUploadedFile("a.png", _image_bytes("PNG"), "image/png"))
    anna.refresh_from_db()
    before = (anna.avatar.name, anna.avatar_thumbnail.name, _files(settings))
    with pytest.raises(ServiceError):
        avatar_set(user=anna, upload=SimpleUploadedFile("b.png", b"%PDF-1.4", "image/png"))
    anna.refresh_from_db()
    assert (anna.avatar.name, anna.avatar_thumbnail.name, _files(settings)) == before


def test_avatar_remove_deletes_files(make_user, settings, django_capture_on_commit_callbacks):
    """Removing the photo clears both fields and deletes both files."""
    anna = make_user("anna")
    avatar_set(user=anna, upload=SimpleUploadedFile("a.png", _image_bytes("PNG"), "image/png"))
    with django_capture_on_commit_callbacks(execute=True):
        avatar_remove(user=anna)
    anna.refresh_from_db()
    assert not anna.avatar
    assert not anna.avatar_thumbnail
    assert _files(settings) == []
