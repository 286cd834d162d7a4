"""Uploads: one module for every app that takes files (posts, comments, chat, later ones).

An app declares what it accepts in an ``UploadPolicy`` (its row model, the storage folder its
``upload_to`` writes to, how many files, which types) and registers it in its
AppConfig.ready(); nothing here imports an app. Then, for a write with files:

- ``validate(files, policy)`` before the transaction: count and size first (before a byte is
  read), then the type sniffed from the content, never from the name or the browser's header.
  Images are decoded and re-encoded without metadata (slow, so outside any write lock).
- ``store(validated, policy, make_row)`` inside the transaction: each file under a random name
  (the model's ``upload_to``), its row, and the thumbnails queued for after the commit
  (``make_thumbnails``).
- ``delete_files_on_commit(rows)`` inside the transaction that deletes rows: their files go
  once it commits, except those another row still points to (the demo shares pictures).

Files of a failed write: ``store`` removes what it wrote if it fails itself, and a service
that does more after ``store`` wraps its transaction in ``removed_on_error()`` so that a
failure anywhere in it removes them too. A rollback of an outer transaction after the service
returned (nothing in Hanse does that) leaves files that no row points to; the daily
``sweep_orphans`` removes those, as it removes what a process killed half-way left. Such a
file is never served meanwhile: files are only reached through their row.
"""

from __future__ import annotations

import codecs
import contextvars
import io
import logging
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from hanse.core.errors import ServiceError
from hanse.jobs.outbox import enqueue_on_commit

logger = logging.getLogger(__name__)

Row = TypeVar("Row", bound=models.Model)

# The two kinds of stored upload (the ``kind`` field of every row model).
IMAGE = "image"
FILE = "file"
# The long side of a thumbnail, in pixels.
THUMBNAIL_SIDE = 640

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
    transaction; their WebP thumbnail is either made here too (``thumbnail``) or later by the
    task queue (``make_thumbnails``). Other files are stored from ``upload``.
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
        kind=IMAGE,
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


ALL_TYPES = frozenset(
    {*IMAGE_CONTENT_TYPES.values(), PDF, DOCX, XLSX, PPTX, TEXT, CSV, *OPENDOCUMENT_TYPES}
)


# --- What an app accepts ----------------------------------------------------------------------


@dataclass(frozen=True)
class UploadPolicy:
    """What one kind of upload accepts and where its files are kept, declared by its app.

    ``model`` is the label of the row model, with the fields ``kind``, ``file``, ``thumbnail``,
    ``original_name``, ``content_type``, ``size``, ``width`` and ``height``. ``folder`` is the
    storage folder that only this model's ``upload_to`` writes to: the sweep walks it, and
    takes a file there that no registered row points to for an orphan."""

    model: str
    folder: str
    max_files: int = 10
    content_types: frozenset[str] = ALL_TYPES
    # Shown for a type outside ``content_types``; ``%(name)s`` is the file's name.
    not_allowed: Any = NOT_ALLOWED

    def row_model(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def storage(self) -> Storage:
        return self.row_model()._meta.get_field("file").storage  # type: ignore[union-attr]


POLICIES: dict[str, UploadPolicy] = {}


def register(*policies: UploadPolicy) -> None:
    """Declare uploads (from AppConfig.ready(); registering the same policy again is a no-op)."""
    for policy in policies:
        existing = POLICIES.get(policy.model)
        if existing is not None and existing != policy:
            raise ValueError(f"Another upload policy is registered for {policy.model!r}.")
        POLICIES[policy.model] = policy


# --- Validation -------------------------------------------------------------------------------


def validate(
    files: Sequence[UploadedFile], policy: UploadPolicy, *, thumbnails: bool = True
) -> list[ValidatedFile]:
    """Check count, size and type (sniffed from the content) of uploads; nothing is written.
    ``thumbnails=False`` leaves images without a thumbnail for ``store`` to queue (the request
    then does not wait for the WebP encoder)."""
    files = list(files)
    if len(files) > policy.max_files:
        raise ServiceError(
            _("You can attach at most %(max)d files; you chose %(count)d.")
            % {"max": policy.max_files, "count": len(files)},
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
            if IMAGE_CONTENT_TYPES[fmt] not in policy.content_types:
                raise _refuse(policy.not_allowed, name, "file_type_not_allowed")
            validated.append(_validate_image(upload, name, fmt, thumbnail=thumbnails))
            continue
        content_type = _sniff_document(upload, head)
        if content_type is None or content_type not in policy.content_types:
            raise _refuse(policy.not_allowed, name, "file_type_not_allowed")
        validated.append(
            ValidatedFile(
                upload=upload,
                original_name=name,
                kind=FILE,
                content_type=content_type,
                size=int(upload.size or 0),
            )
        )
    return validated


def row_fields(item: ValidatedFile) -> dict[str, Any]:
    """The fields of a row model that come from a validated file (not the stored names)."""
    return {
        "kind": item.kind,
        "original_name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "width": item.width,
        "height": item.height,
    }


# --- Storing ----------------------------------------------------------------------------------

# The files stored inside the innermost ``removed_on_error()`` block of this context.
_written: contextvars.ContextVar[list[tuple[Storage, str]] | None] = contextvars.ContextVar(
    "hanse_uploads_written", default=None
)


@contextmanager
def removed_on_error() -> Iterator[None]:
    """Around a service's transaction: if anything in it fails (after ``store`` wrote files,
    e.g. a unique constraint later in the same write), the files stored in it are removed."""
    written: list[tuple[Storage, str]] = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        for storage, name in written:
            delete_written([name], storage=storage)
        raise
    finally:
        _written.reset(token)


def _write(item: ValidatedFile, row: models.Model, written: list[str]) -> None:
    """Store a validated file (and its thumbnail) on an unsaved row; the stored names go to
    ``written`` as soon as each exists, so a failure can remove them."""
    # upload_to picks a random name; the name given here is ignored.
    content: File[Any]
    if item.data is not None:
        content = ContentFile(item.data)
    else:
        item.upload.seek(0)
        content = File(item.upload.file)
    file: Any = row.file  # type: ignore[attr-defined]  # every upload row model has it
    file.save("upload", content, save=False)
    written.append(file.name or "")
    if item.thumbnail is not None:
        thumbnail: Any = row.thumbnail  # type: ignore[attr-defined]
        thumbnail.save("thumb.webp", ContentFile(item.thumbnail), save=False)
        written.append(thumbnail.name or "")


def store(
    validated: Sequence[ValidatedFile],
    policy: UploadPolicy,
    make_row: Callable[[ValidatedFile], Row],
) -> list[Row]:
    """Write validated files under random names and insert their rows (``make_row`` builds an
    unsaved row for each, usually with ``row_fields(item)``); call inside the transaction of
    the write they belong to. Thumbnails not made yet are queued for after the commit."""
    if not validated:
        return []
    rows: list[Row] = []
    written: list[str] = []
    outer = _written.get()
    try:
        with transaction.atomic():
            for item in validated:
                row = make_row(item)
                _write(item, row, written)
                rows.append(row)
            type(rows[0])._default_manager.bulk_create(rows)
    except Exception:
        delete_written(written, storage=policy.storage())
        raise
    if outer is not None:
        outer.extend((policy.storage(), name) for name in written)
    queue_thumbnails(
        policy.model,
        [r.pk for r in rows if r.kind == IMAGE and not r.thumbnail],  # type: ignore[attr-defined]
    )
    for hook in _stored_hooks:
        hook(policy.model, [r.pk for r in rows if r.pk is not None])
    return rows


# Called inside the storing transaction with (model label, new row ids), by ``store``. Apps
# above that follow new files (search extracts their text) register from their ready(), so
# this module imports none of them; a hook queues its work for after the commit.
_stored_hooks: list[Callable[[str, list[int]], None]] = []


def on_stored(hook: Callable[[str, list[int]], None]) -> None:
    """Follow the files ``store`` writes (registering the same hook again is a no-op)."""
    if hook not in _stored_hooks:
        _stored_hooks.append(hook)


def delete_written(names: Iterable[str], *, storage: Storage | None = None) -> None:
    """Remove files a failed write has just stored (fresh names no other row points to; no
    query, the transaction may be broken)."""
    storage = storage or default_storage
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            # Logged; the daily sweep removes it later (it is unreachable without its row).
            logger.warning("Could not delete stored file %s", name, exc_info=True)


# --- Thumbnails -------------------------------------------------------------------------------


def queue_thumbnails(model: str, ids: Sequence[int | None]) -> None:
    """Have the task queue make the thumbnails of these image rows once the transaction that
    stores them commits (until then pages show the picture itself, scaled), through the
    outbox."""
    found = [pk for pk in ids if pk is not None]
    if found:
        enqueue_on_commit(make_thumbnails, model, found)


@task()
def make_thumbnails(model: str, ids: list[int]) -> int:
    """Make the WebP thumbnails of stored images of ``model`` (a registered upload row model).
    Rows deleted meanwhile, and rows that have one already, are skipped; returns how many
    were made."""
    rows = apps.get_model(model)._default_manager.filter(pk__in=ids, kind=IMAGE, thumbnail="")
    made = 0
    for row in rows:
        try:
            with row.file.open("rb") as handle:
                thumb = thumbnail_bytes(handle.read())
        except (OSError, ValueError):
            logger.warning("No thumbnail for %s %s: the file cannot be read.", model, row.pk)
            continue
        storage = row.thumbnail.storage
        name = storage.save(
            row.thumbnail.field.generate_filename(row, "thumb.webp"), ContentFile(thumb)
        )
        # Only if the row is still there and still without one (a second run, a delete).
        updated = type(row)._default_manager.filter(pk=row.pk, thumbnail="").update(thumbnail=name)
        if updated:
            made += 1
        else:
            storage.delete(name)
    return made


# --- Removing files whose rows are gone -------------------------------------------------------


def _referencing_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (policy.row_model(), field)
        for policy in POLICIES.values()
        for field in ("file", "thumbnail")
    ]


def stored_names(rows: Iterable[Any]) -> list[str]:
    """The stored file and thumbnail names of upload rows."""
    return [name for row in rows for name in (row.file.name, row.thumbnail.name) if name]


_BATCH = 500
# A file younger than this may belong to a write that has not committed yet.
SWEEP_GRACE = timedelta(hours=24)


def referenced_names(
    names: Iterable[str], *, exclude: Mapping[str, Collection[int]] | None = None
) -> set[str]:
    """Those of ``names`` that at least one row (attachment, chat file, thumbnail) points to,
    leaving out the rows in ``exclude`` (model label -> primary keys: the rows going away)."""
    names = [n for n in dict.fromkeys(names) if n]
    exclude = exclude or {}
    found: set[str] = set()
    for start in range(0, len(names), _BATCH):
        batch = names[start : start + _BATCH]
        for model, field in _referencing_fields():
            rows = model._default_manager.filter(**{f"{field}__in": batch})
            label = model._meta.label
            if exclude.get(label):
                rows = rows.exclude(pk__in=list(exclude[label]))
            found.update(rows.values_list(field, flat=True))
    return found


def _remove(storage: Storage, names: Iterable[str], what: str) -> list[str]:
    removed = []
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            # A file that cannot be removed now stays until the sweep tries again.
            logger.warning("Could not delete %s %s", what, name, exc_info=True)
        else:
            removed.append(name)
    return removed


def delete_unreferenced(
    storage: Storage,
    names: Iterable[str],
    *,
    exclude: Mapping[str, Collection[int]] | None = None,
) -> list[str]:
    """Remove those of ``names`` that no other row points to (call after the delete of their
    rows has committed, or name those rows in ``exclude``); returns the names removed."""
    names = [n for n in dict.fromkeys(names) if n]
    if not names:
        return []
    keep = referenced_names(names, exclude=exclude)
    return _remove(storage, (n for n in names if n not in keep), "stored file")


def delete_files_on_commit(rows: Iterable[Any]) -> None:
    """Note the files of these rows now and remove them once the transaction commits (call
    inside the transaction that deletes the rows). A file another row still points to stays."""
    doomed = list(rows)
    names = stored_names(doomed)
    if not names:
        return
    storage = doomed[0].file.storage
    exclude: dict[str, list[int]] = {}
    for row in doomed:
        if row.pk is not None:
            exclude.setdefault(row._meta.label, []).append(row.pk)
    transaction.on_commit(lambda: delete_unreferenced(storage, names, exclude=exclude))


# --- The sweep ------------------------------------------------------------------------------


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield posixpath.join(folder, name)
    for sub in dirs:
        yield from _walk(storage, posixpath.join(folder, sub))


def sweep_orphans(
    *,
    storage: Storage | None = None,
    grace: timedelta = SWEEP_GRACE,
    now: datetime | None = None,
) -> list[str]:
    """Remove files under the upload folders that no row points to and that are older than
    ``grace`` (younger ones may belong to a write that has not committed yet); each removal
    is logged. Returns the names removed."""
    storage = storage or default_storage
    cutoff = (now or timezone.now()) - grace
    removed: list[str] = []
    old: list[str] = []

    def settle() -> None:
        keep = referenced_names(old)
        orphans = [n for n in old if n not in keep]
        for name in _remove(storage, orphans, "orphaned file"):
            logger.info("Removed orphaned file %s (no row points to it).", name)
            removed.append(name)
        old.clear()

    for folder in sorted({policy.folder for policy in POLICIES.values()}):
        for name in _walk(storage, folder):
            try:
                modified = storage.get_modified_time(name)
            except FileNotFoundError:
                continue  # removed meanwhile
            if modified < cutoff:
                old.append(name)
            if len(old) >= _BATCH:
                settle()
    settle()
    logger.info("Sweep of stored files: %d orphaned file(s) removed.", len(removed))
    return removed
