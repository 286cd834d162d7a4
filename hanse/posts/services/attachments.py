"""Files and images on posts and comments: validate (type sniffed from content), store, delete.

The flow for a post or comment with files:
``validated = attachments_validate(files)`` before the transaction (decoding and re-encoding
images is slow and must not hold a write lock), then ``attachments_store(validated, post=...,
uploader=...)`` inside it, and ``attachments_delete_files(...)`` after a delete has committed.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from hanse.core.errors import ServiceError
from hanse.core.files import delete_unreferenced, discard_on_rollback
from hanse.posts.models import Attachment, Comment, Post
from hanse.posts.models.files import THUMBNAIL_SIDE

logger = logging.getLogger(__name__)

MAX_FILES = 10
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
# Beyond this, decoding is a memory risk (decompression bombs): 40 MP is a big camera photo.
MAX_IMAGE_PIXELS = 40_000_000
# An animated GIF is re-encoded frame by frame; past these limits only its first frame is kept.
MAX_GIF_FRAMES = 300
MAX_GIF_TOTAL_PIXELS = 25_000_000  # frames are decoded as RGBA: about 100 MB
MAX_NAME_LENGTH = 255
_TEXT_CHUNK = 64 * 1024

# Magic bytes of the image formats we decode; Pillow is then told to accept only that one.
_IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
IMAGE_CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TEXT = "text/plain"
CSV = "text/csv"
# The OpenDocument kinds people exchange; the zip's first entry "mimetype" names one of them.
OPENDOCUMENT_TYPES = frozenset(
    {
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.oasis.opendocument.graphics",
    }
)
_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
# Text that a browser would treat as a page or a drawing (HTML, SVG, XML) is refused:
# it can carry scripts, and no one needs to share it as a "text file".
_MARKUP = re.compile(
    r"<(?:!doctype|\?xml|html|head|body|script|svg|iframe|object|embed|style|meta|"
    r"title|a\s|img|div|table|p\b|!--)",
    re.IGNORECASE,
)

NOT_ALLOWED = _(
    "The file “%(name)s” has a type that cannot be shared here. Allowed are images, PDF, "
    "Office and OpenDocument files, and text files."
)


@dataclass
class ValidatedFile:
    """An upload that passed validation, with everything needed to store it.

    Images carry their re-encoded bytes (metadata stripped), so decoding happens before the
    transaction; their WebP thumbnail is either made here too (``thumbnail``) or, for posts
    and comments, later by the task queue (``make_thumbnails``). Other files are stored from
    ``upload``.
    """

    upload: UploadedFile
    original_name: str
    kind: str
    content_type: str
    size: int
    data: bytes | None = None
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def max_bytes() -> int:
    """The size limit per file (settings.ATTACHMENT_MAX_BYTES, 25 MB by default)."""
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}"


def sanitise_name(raw: str | None) -> str:
    """The file name to show and offer for download: no folders, no control characters
    (nor invisible direction overrides that make "exe.pdf" read "fdp.exe"), at most 255
    characters with the extension kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"})
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH].rstrip(" .")
    return name or "file"


def _refuse(message: Any, name: str, code: str, **params: Any) -> ServiceError:
    return ServiceError(message % {"name": name, **params}, code=code)


def _head(upload: UploadedFile, n: int = 4096) -> bytes:
    upload.seek(0)
    data = upload.read(n)
    upload.seek(0)
    return bytes(data)


# --- Images ---------------------------------------------------------------------------------


def _image_format(head: bytes) -> str | None:
    for signature, fmt in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return fmt
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _clean_info(image: Image.Image, keep: Iterable[str]) -> None:
    """Drop every metadata entry (EXIF, XMP, comments, text chunks) except those named."""
    image.info = {k: v for k, v in image.info.items() if k in set(keep)}


def _static_frame(image: Image.Image) -> Image.Image:
    """The first frame, upright (EXIF orientation applied), in a mode its format can store."""
    image.seek(0)
    frame = ImageOps.exif_transpose(image) or image.copy()
    if frame is image:
        frame = image.copy()
    return frame


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    # Colour profiles are kept (photos from phones look wrong without them); everything
    # else in info (EXIF with location and camera, XMP, comments) is dropped before saving.
    if fmt == "JPEG":
        if image.mode not in {"RGB", "L", "CMYK"}:
            image = image.convert("RGB")
        _clean_info(image, ("icc_profile",))
        image.save(out, format="JPEG", quality=88, progressive=True)
    elif fmt == "PNG":
        if image.mode not in {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}:
            image = image.convert("RGBA")
        _clean_info(image, ("icc_profile", "transparency", "gamma"))
        image.save(out, format="PNG")
    elif fmt == "WEBP":
        if image.mode not in {"RGB", "RGBA"}:
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        _clean_info(image, ("icc_profile",))
        image.save(out, format="WEBP", quality=85, method=4)
    else:  # GIF, a single frame
        _clean_info(image, ("transparency", "background"))
        image.save(out, format="GIF")
    return out.getvalue()


def _encode_animated_gif(image: Image.Image) -> bytes:
    frames: list[Image.Image] = []
    durations: list[int] = []
    for frame in ImageSequence.Iterator(image):
        durations.append(int(frame.info.get("duration", 100)))
        copy = frame.copy()
        _clean_info(copy, ("transparency", "background"))
        frames.append(copy)
    out = io.BytesIO()
    frames[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=int(image.info.get("loop", 0)),
        disposal=2,
        comment=b"",
    )
    return out.getvalue()


def _thumbnail(frame: Image.Image) -> bytes:
    thumb = frame.copy()
    if thumb.mode not in {"RGB", "RGBA"}:
        thumb = thumb.convert("RGBA" if thumb.has_transparency_data else "RGB")
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    thumb.info = {}
    thumb.save(out, format="WEBP", quality=80, method=4)
    return out.getvalue()


def thumbnail_bytes(data: bytes) -> bytes:
    """The WebP thumbnail of an image that was validated and stored before (its bytes)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return _thumbnail(_static_frame(image))


def _validate_image(
    upload: UploadedFile, name: str, fmt: str, *, thumbnail: bool = True
) -> ValidatedFile:
    damaged = _(
        "The file “%(name)s” looks like an image but cannot be read. It may be damaged; "
        "please save it again and retry."
    )
    try:
        upload.seek(0)
        image = Image.open(upload, formats=[fmt])
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise _refuse(
                _(
                    "The image “%(name)s” is too large (%(width)d by %(height)d pixels). "
                    "Images may have at most 40 million pixels."
                ),
                name,
                "image_too_large",
                width=width,
                height=height,
            )
        frames = int(getattr(image, "n_frames", 1))
        animated = (
            fmt == "GIF"
            and frames > 1
            and frames <= MAX_GIF_FRAMES
            and width * height * frames <= MAX_GIF_TOTAL_PIXELS
        )
        image.load()
        if animated:
            data = _encode_animated_gif(image)
            first = _static_frame(image)
        else:
            first = _static_frame(image)
            first.load()
            data = _encode(first, fmt)
        thumb = _thumbnail(first) if thumbnail else None
        out_width, out_height = first.size
    except ServiceError:
        raise
    except Image.DecompressionBombError as exc:
        raise _refuse(
            _("The image “%(name)s” is too large. Images may have at most 40 million pixels."),
            name,
            "image_too_large",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _refuse(damaged, name, "damaged_image") from exc
    return ValidatedFile(
        upload=upload,
        original_name=name,
        kind=Attachment.Kind.IMAGE,
        content_type=IMAGE_CONTENT_TYPES[fmt],
        size=len(data),
        data=data,
        thumbnail=thumb,
        width=out_width,
        height=out_height,
    )


# --- Documents ------------------------------------------------------------------------------


def _zip_type(upload: UploadedFile) -> str | None:
    """The Office or OpenDocument type of a zip, from its entries (nothing is unpacked
    except the few bytes of an OpenDocument's "mimetype" entry)."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            if infos and infos[0].filename == "mimetype" and infos[0].file_size <= 100:
                mimetype = archive.read(infos[0]).decode("ascii", "replace").strip()
                return mimetype if mimetype in OPENDOCUMENT_TYPES else None
            if "[Content_Types].xml" in names:
                # Documents with macros (vbaProject.bin) are refused: a .docx name would hide them.
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    return None
                for prefix, content_type in _OOXML_PARTS:
                    if any(n.startswith(prefix) for n in names):
                        return content_type
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)
    return None


def _text_type(upload: UploadedFile) -> str | None:
    """text/plain or text/csv when the whole file is UTF-8 without NUL bytes and not markup."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    start = ""
    try:
        for chunk in upload.chunks(_TEXT_CHUNK):
            if b"\x00" in chunk:
                return None
            text = decoder.decode(chunk)
            if len(start) < 8192:
                start += text[: 8192 - len(start)]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    finally:
        upload.seek(0)
    start = start.removeprefix("\ufeff")
    stripped = start.lstrip()
    if stripped.startswith("<") or _MARKUP.search(start[:4096]):
        return None
    return CSV if _looks_like_csv(start) else TEXT


def _looks_like_csv(start: str) -> bool:
    """Several lines with the same number (at least one) of one delimiter."""
    lines = [line for line in start.splitlines()[:20] if line.strip()]
    if len(start) >= 8192 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    if len(lines) < 2:
        return False
    for delimiter in (";", ",", "\t"):
        counts = {line.count(delimiter) for line in lines}
        if len(counts) == 1 and counts.pop() > 0:
            return True
    return False


def _sniff_document(upload: UploadedFile, head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(upload)
    return _text_type(upload)


# --- Services -------------------------------------------------------------------------------


def attachments_validate(
    files: Sequence[UploadedFile], *, thumbnails: bool = True
) -> list[ValidatedFile]:
    """Check count, size and type (sniffed from the content) of uploads; nothing is written.
    ``thumbnails=False`` leaves images without a thumbnail for ``attachments_store`` to queue
    (the request then does not wait for the WebP encoder)."""
    files = list(files)
    if len(files) > MAX_FILES:
        raise ServiceError(
            _("You can attach at most %(max)d files; you chose %(count)d.")
            % {"max": MAX_FILES, "count": len(files)},
            code="too_many_files",
        )
    limit = max_bytes()
    names = [sanitise_name(getattr(upload, "name", "")) for upload in files]
    # Sizes first, for all files, before a single byte is read.
    for upload, name in zip(files, names, strict=True):
        size = upload.size or 0
        if size > limit:
            raise _refuse(
                _("The file “%(name)s” is too large. Files may be at most %(limit)s MB."),
                name,
                "file_too_large",
                limit=_megabytes(limit),
            )
        if size == 0:
            raise _refuse(_("The file “%(name)s” is empty."), name, "empty_file")
    validated: list[ValidatedFile] = []
    for upload, name in zip(files, names, strict=True):
        head = _head(upload)
        fmt = _image_format(head)
        if fmt is not None:
            validated.append(_validate_image(upload, name, fmt, thumbnail=thumbnails))
            continue
        content_type = _sniff_document(upload, head)
        if content_type is None:
            raise _refuse(NOT_ALLOWED, name, "file_type_not_allowed")
        validated.append(
            ValidatedFile(
                upload=upload,
                original_name=name,
                kind=Attachment.Kind.FILE,
                content_type=content_type,
                size=int(upload.size or 0),
            )
        )
    return validated


def attachments_store(
    validated: Sequence[ValidatedFile],
    *,
    post: Post | None = None,
    comment: Comment | None = None,
    uploader: Any,
) -> list[Attachment]:
    """Write validated files under random names and their rows (call inside the transaction
    that creates the post or comment)."""
    if (post is None) == (comment is None):
        raise ValueError("An attachment belongs to exactly one post or one comment.")
    if not validated:
        return []
    attachments: list[Attachment] = []
    written: list[str] = []
    try:
        with transaction.atomic():
            for item in validated:
                attachment = Attachment(
                    uploader=uploader,
                    post=post,
                    comment=comment,
                    kind=item.kind,
                    original_name=item.original_name,
                    content_type=item.content_type,
                    size=item.size,
                    width=item.width,
                    height=item.height,
                )
                write_validated_file(item, attachment, written)
                attachments.append(attachment)
            Attachment.objects.bulk_create(attachments)
            queue_thumbnails(
                "posts.Attachment",
                [a.pk for a in attachments if a.kind == Attachment.Kind.IMAGE and not a.thumbnail],
            )
    except Exception:
        delete_written(written)
        raise
    return attachments


def queue_thumbnails(model: str, ids: Sequence[int]) -> None:
    """Have the task queue make the thumbnails of these image rows once the transaction that
    stores them commits (until then pages show the picture itself, scaled)."""
    ids = [pk for pk in ids if pk is not None]
    if not ids:
        return
    from hanse.posts.tasks import make_thumbnails

    transaction.on_commit(lambda: make_thumbnails.enqueue(model, ids))


def write_validated_file(item: ValidatedFile, row: Any, written: list[str]) -> None:
    """Store a validated file (and its thumbnail) on a row with `file` and `thumbnail` fields,
    not yet saved; the stored names go to `written`, so a caller can remove them if it fails.
    Used by post attachments and chat files alike.

    Inside a transaction each file is also removed by itself if that transaction (or the
    savepoint around this write) is rolled back, whatever fails after this call."""
    # upload_to picks a random name; the name given here is ignored.
    content: File[Any]
    if item.data is not None:
        content = ContentFile(item.data)
    else:
        item.upload.seek(0)
        content = File(item.upload.file)
    row.file.save("upload", content, save=False)
    written.append(row.file.name or "")
    discard_on_rollback(row.file.storage, [row.file.name or ""])
    if item.thumbnail is not None:
        row.thumbnail.save("thumb.webp", ContentFile(item.thumbnail), save=False)
        written.append(row.thumbnail.name or "")
        discard_on_rollback(row.thumbnail.storage, [row.thumbnail.name or ""])


def _stored_names(attachments: Iterable[Attachment]) -> list[str]:
    return [
        name
        for attachment in attachments
        for name in (attachment.file.name, attachment.thumbnail.name)
        if name
    ]


def delete_written(names: Iterable[str], *, storage: Any = None) -> None:
    """Remove files a failed write has just stored (fresh names no other row points to; no
    query, the transaction may be broken). Used by post attachments and chat files alike."""
    storage = storage or Attachment._meta.get_field("file").storage
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            # Logged; the daily sweep removes it later (it is unreachable without its row).
            logger.warning("Could not delete stored file %s", name, exc_info=True)


def attachments_delete_files(attachments: Iterable[Attachment]) -> None:
    """Remove the stored files (and thumbnails) of these attachments; call after commit,
    with attachments loaded before their rows were deleted. A file that another row still
    points to (the demo shares pictures among attachments) is kept."""
    attachments = list(attachments)
    delete_unreferenced(
        Attachment._meta.get_field("file").storage,
        _stored_names(attachments),
        exclude={"posts.Attachment": [a.pk for a in attachments if a.pk is not None]},
    )


def attachments_delete_files_on_commit(attachments: Iterable[Attachment]) -> None:
    """Note the files of these attachments now and remove them once the transaction commits
    (call inside the transaction that deletes their post or comment)."""
    doomed = list(attachments)
    if _stored_names(doomed):
        transaction.on_commit(lambda: attachments_delete_files(doomed))
