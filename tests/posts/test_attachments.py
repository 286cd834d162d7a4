"""Attachments: type sniffed from content, limits, metadata stripped, thumbnails, and downloads
only for those who may read the post."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from hanse.communities.models import Community
from hanse.core.errors import ServiceError
from hanse.core.uploads import CSV, DOCX, PDF, PPTX, TEXT, XLSX, sanitise_name
from hanse.people.models import User
from hanse.posts.models import Attachment, Comment, Post
from hanse.posts.services.attachments import (
    attachments_delete_files,
    attachments_delete_files_on_commit,
    attachments_store,
    attachments_validate,
)

NOT_ALLOWED = (
    "The file “{}” has a type that cannot be shared here. Allowed are images, PDF, Office and "
    "OpenDocument files, and text files."
)

# --- Small real files -----------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (800, 400), **save: Any) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, (200, 30, 40, 255) if mode == "RGBA" else (200, 30, 40)).save(
        out, format=fmt, **save
    )
    return out.getvalue()


def exif_with_secrets() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc"  # Make
    exif[0x0131] = "SecretSoftware"  # Software
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show upright
    return exif.tobytes()


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def office_bytes(part: str, *, macros: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(f"{part}/document.xml", '<?xml version="1.0"?><document/>')
        if macros:
            archive.writestr(f"{part}/vbaProject.bin", b"\x00macro")
    return out.getvalue()


def opendocument_bytes(mimetype: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_bytes(attachment: Attachment) -> bytes:
    with default_storage.open(attachment.file.name, "rb") as handle:
        return bytes(handle.read())


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def author(make_user: Callable[..., User]) -> User:
    return make_user("jonas", first_name="Jonas", last_name="Hansen")


@pytest.fixture
def make_post(author: User) -> Callable[..., Post]:
    def make(community: Community | None = None, by: User | None = None) -> Post:
        return Post.objects.create(
            author=by or author,
            scope=Post.Scope.COMMUNITY if community else Post.Scope.COMPANY,
            community=community,
            body="Unterlagen für das Treffen",
            body_html="<p>Unterlagen für das Treffen</p>",
        )

    return make


def attach(post: Post, *files: Any, uploader: User | None = None) -> list[Attachment]:
    return attachments_store(
        attachments_validate(list(files)), post=post, uploader=uploader or post.author
    )


# --- Accepted types -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_images_are_accepted_with_dimensions_and_thumbnail(
    make_post: Callable[..., Post], fmt: str, content_type: str
) -> None:
    """Each image format is stored re-encoded, with its size and a WebP thumbnail."""
    post = make_post()
    [attachment] = attach(post, upload(f"bild.{fmt.lower()}", image_bytes(fmt, (1600, 800))))
    attachment.refresh_from_db()
    assert attachment.kind == Attachment.Kind.IMAGE
    assert attachment.content_type == content_type
    assert (attachment.width, attachment.height) == (1600, 800)
    assert attachment.size == len(stored_bytes(attachment))
    assert attachment.post_id == post.pk
    assert attachment.uploader_id == post.author_id
    with default_storage.open(attachment.thumbnail.name, "rb") as handle:
        thumb = Image.open(handle)
        thumb.load()
    assert thumb.format == "WEBP"
    assert thumb.size == (640, 320)
    assert (attachment.thumbnail_width, attachment.thumbnail_height) == (640, 320)
    with default_storage.open(attachment.file.name, "rb") as handle:
        assert Image.open(handle).format == fmt


@pytest.mark.parametrize(
    ("name", "data", "content_type", "label"),
    [
        ("Protokoll.pdf", MINIMAL_PDF, PDF, "PDF document"),
        ("Bericht.docx", office_bytes("word"), DOCX, "Word document"),
        ("Zahlen.xlsx", office_bytes("xl"), XLSX, "Excel spreadsheet"),
        ("Vortrag.pptx", office_bytes("ppt"), PPTX, "PowerPoint presentation"),
        (
            "Brief.odt",
            opendocument_bytes("application/vnd.oasis.opendocument.text"),
            "application/vnd.oasis.opendocument.text",
            "OpenDocument text",
        ),
        (
            "Tabelle.ods",
            opendocument_bytes("application/vnd.oasis.opendocument.spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
            "OpenDocument spreadsheet",
        ),
        ("Notizen.txt", "Grüße aus Mölln\nZweite Zeile\n".encode(), TEXT, "Text file"),
        ("Liste.csv", "Name;Filiale\nAnna;Mölln\nBen;Ratzeburg\n".encode(), CSV, "CSV table"),
    ],
)
def test_documents_are_accepted_by_their_content(
    make_post: Callable[..., Post], name: str, data: bytes, content_type: str, label: str
) -> None:
    """PDF, Office, OpenDocument and UTF-8 text are stored byte for byte, no thumbnail."""
    [attachment] = attach(make_post(), upload(name, data, "application/x-anything"))
    attachment.refresh_from_db()
    assert attachment.kind == Attachment.Kind.FILE
    assert attachment.content_type == content_type
    assert attachment.type_label == label
    assert attachment.original_name == name
    assert attachment.size == len(data)
    assert stored_bytes(attachment) == data
    assert not attachment.thumbnail


def test_stored_under_a_random_name(make_post: Callable[..., Post]) -> None:
    """The stored path says nothing about the file's name."""
    [attachment] = attach(make_post(), upload("Gehaltsliste Vorstand.pdf", MINIMAL_PDF))
    assert attachment.file.name.startswith("attachments/")
    assert "Gehalt" not in attachment.file.name
    assert not attachment.file.name.endswith(".pdf")


def test_pdf_named_png_is_a_pdf(make_post: Callable[..., Post]) -> None:
    """The name and the browser's type do not matter: a PDF called .png is a PDF."""
    [attachment] = attach(make_post(), upload("foto.png", MINIMAL_PDF, "image/png"))
    assert attachment.kind == Attachment.Kind.FILE
    assert attachment.content_type == PDF
    assert not attachment.thumbnail


def test_png_named_pdf_is_an_image(make_post: Callable[..., Post]) -> None:
    """An image is recognised by its bytes whatever it is called."""
    [attachment] = attach(make_post(), upload("scan.pdf", image_bytes("PNG"), PDF))
    assert attachment.kind == Attachment.Kind.IMAGE
    assert attachment.content_type == "image/png"


# --- Refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 8),
        ("seite.html", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("notiz.txt", b"Hallo\n<script>alert(document.cookie)</script>\n"),
        (
            "logo.svg",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(1)</script></svg>",
        ),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("archiv.zip", b""),  # replaced below by a real zip without Office parts
        ("makro.docx", b""),  # replaced below by a Word file with macros
        ("latin1.txt", "Grüße".encode("latin-1")),
        ("daten.bin", b"abc\x00def"),
    ],
)
def test_other_types_are_refused(make_post: Callable[..., Post], name: str, data: bytes) -> None:
    """Programs, HTML, SVG, plain zips, macro documents and non-UTF-8 text are refused."""
    if name == "archiv.zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "hallo")
        data = out.getvalue()
    elif name == "makro.docx":
        data = office_bytes("word", macros=True)
    with pytest.raises(ServiceError) as excinfo:
        attachments_validate([upload(name, data, "text/plain")])
    assert excinfo.value.message == NOT_ALLOWED.format(name)
    assert excinfo.value.code == "file_type_not_allowed"


def test_refusal_writes_nothing(make_post: Callable[..., Post]) -> None:
    """When one file of several is refused, no file and no row is written."""
    make_post()
    with pytest.raises(ServiceError):
        attachments_validate([upload("ok.pdf", MINIMAL_PDF), upload("bad.exe", b"MZ\x00\x00")])
    assert Attachment.objects.count() == 0
    assert not Path(default_storage.location, "attachments").exists()


def test_too_large_refused_without_reading(settings: Any) -> None:
    """A file over the limit (25 MB by default) is refused before a byte of it is read."""
    big = SimpleUploadedFile("Video.pdf", b"%PDF-" + b"0" * (26 * 1024 * 1024))
    assert big.size == 26 * 1024 * 1024 + 5

    class Unreadable(io.BytesIO):
        def read(self, *args: Any) -> bytes:
            raise AssertionError("the upload was read")

        def readinto(self, *args: Any) -> int:
            raise AssertionError("the upload was read")

    big.file = Unreadable()
    with pytest.raises(ServiceError) as excinfo:
        attachments_validate([upload("klein.pdf", MINIMAL_PDF), big])
    assert excinfo.value.message == "The file “Video.pdf” is too large. Files may be at most 25 MB."
    assert excinfo.value.code == "file_too_large"


def test_size_limit_is_configurable(settings: Any) -> None:
    """settings.ATTACHMENT_MAX_BYTES sets the limit."""
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024 // 2
    with pytest.raises(ServiceError) as excinfo:
        attachments_validate([upload("a.txt", b"a" * (600 * 1024))])
    assert excinfo.value.message == "The file “a.txt” is too large. Files may be at most 0.5 MB."
    assert attachments_validate([upload("b.txt", b"b" * (500 * 1024))])[0].content_type == TEXT


def test_eleven_files_refused() -> None:
    """At most ten files per post or comment."""
    files = [upload(f"datei{i}.txt", b"Hallo") for i in range(11)]
    with pytest.raises(ServiceError) as excinfo:
        attachments_validate(files)
    assert excinfo.value.message == "You can attach at most 10 files; you chose 11."
    assert excinfo.value.code == "too_many_files"
    assert len(attachments_validate(files[:10])) == 10


def test_empty_file_refused() -> None:
    """An empty file is refused with its name."""
    with pytest.raises(ServiceError) as excinfo:
        attachments_validate([upload("leer.txt", b"")])
    assert excinfo.value.message == "The file “leer.txt” is empty."


def test_damaged_image_refused() -> None:
    """Bytes that start like a PNG but do not decode are refused as damaged."""
    data = image_bytes("PNG")[:200]
    with pytest.raises(ServiceError) as excinfo:
        attachments_validate([upload("kaputt.png", data)])
    assert excinfo.value.message == (
        "The file “kaputt.png” looks like an image but cannot be read. It may be damaged; "
        "please save it again and retry."
    )


def test_huge_dimensions_refused() -> None:
    """An image with more than 40 million pixels (a decompression bomb) is refused."""
    data = image_bytes("PNG", (8000, 6000), optimize=True)
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(ServiceError) as excinfo:
        attachments_validate([upload("bombe.png", data)])
    assert excinfo.value.message == (
        "The image “bombe.png” is too large (8000 by 6000 pixels). "
        "Images may have at most 40 million pixels."
    )
    assert excinfo.value.code == "image_too_large"


def test_names_are_sanitised(make_post: Callable[..., Post]) -> None:
    """No folders, no control or direction characters, at most 255 characters."""
    assert sanitise_name("../../etc/passwd") == "passwd"
    assert sanitise_name("C:\\Users\\anna\\Bericht.pdf") == "Bericht.pdf"
    assert sanitise_name("rechnung\u202efdp.exe") == "rechnungfdp.exe"
    assert sanitise_name("a\x00b\nc.txt") == "abc.txt"
    assert sanitise_name("   ") == "file"
    long = sanitise_name("x" * 300 + ".pdf")
    assert len(long) == 255
    assert long.endswith(".pdf")
    [attachment] = attach(make_post(), upload("../geheim/Bericht.pdf", MINIMAL_PDF))
    assert attachment.original_name == "Bericht.pdf"


# --- Metadata -------------------------------------------------------------------------------


def test_exif_stripped_and_orientation_applied(make_post: Callable[..., Post]) -> None:
    """Camera data is gone after storing; the picture is turned upright first."""
    original = image_bytes("JPEG", (300, 100), exif=exif_with_secrets())
    assert b"SpyCam" in original
    [attachment] = attach(make_post(), upload("urlaub.jpg", original, "image/jpeg"))
    stored = stored_bytes(attachment)
    assert b"SpyCam" not in stored
    assert b"SecretSoftware" not in stored
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif()
    assert "exif" not in image.info
    assert image.size == (100, 300)
    assert (attachment.width, attachment.height) == (100, 300)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_exif_stripped_from_png_and_webp(make_post: Callable[..., Post], fmt: str) -> None:
    """PNG and WebP lose their EXIF too."""
    original = image_bytes(fmt, (50, 50), exif=exif_with_secrets())
    assert b"SpyCam" in original
    [attachment] = attach(make_post(), upload(f"bild.{fmt.lower()}", original))
    assert b"SpyCam" not in stored_bytes(attachment)


def test_animated_gif_keeps_frames_but_not_comments(make_post: Callable[..., Post]) -> None:
    """An animated GIF stays animated; its comment (metadata) is dropped."""
    frames = [Image.new("RGB", (40, 40), (i * 60, 20, 90)) for i in range(4)]
    out = io.BytesIO()
    frames[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=120,
        loop=0,
        comment=b"made on SecretLaptop",
    )
    [attachment] = attach(make_post(), upload("jubel.gif", out.getvalue()))
    stored = stored_bytes(attachment)
    assert b"SecretLaptop" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.n_frames == 4  # type: ignore[attr-defined]
    assert attachment.content_type == "image/gif"
    assert attachment.thumbnail


# --- Storing and deleting -------------------------------------------------------------------


def test_store_on_comment(make_post: Callable[..., Post], author: User) -> None:
    """Files can belong to a comment instead of a post."""
    post = make_post()
    comment = Comment.objects.create(post=post, author=author, body="Hier", body_html="<p>x</p>")
    [attachment] = attachments_store(
        attachments_validate([upload("a.pdf", MINIMAL_PDF)]), comment=comment, uploader=author
    )
    assert attachment.comment_id == comment.pk
    assert attachment.post_id is None


def test_store_needs_exactly_one_owner(make_post: Callable[..., Post], author: User) -> None:
    """A file belongs to a post or a comment, never both or neither."""
    validated = attachments_validate([upload("a.pdf", MINIMAL_PDF)])
    with pytest.raises(ValueError, match="exactly one"):
        attachments_store(validated, uploader=author)
    assert Attachment.objects.count() == 0


def test_delete_files_removes_file_and_thumbnail(make_post: Callable[..., Post]) -> None:
    """Deleting removes the stored file and thumbnail from storage."""
    attachments = attach(make_post(), upload("a.png", image_bytes()), upload("b.pdf", MINIMAL_PDF))
    names = [a.file.name for a in attachments] + [attachments[0].thumbnail.name]
    assert all(default_storage.exists(n) for n in names)
    attachments_delete_files(attachments)
    assert not any(default_storage.exists(n) for n in names)


def test_delete_files_on_commit(
    make_post: Callable[..., Post], django_capture_on_commit_callbacks: Any
) -> None:
    """Files noted inside a transaction disappear only when it commits."""
    post = make_post()
    attachments = attach(post, upload("a.png", image_bytes()))
    name = attachments[0].file.name
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attachments_delete_files_on_commit(list(post.attachments.all()))
        post.delete()
        assert default_storage.exists(name)
    assert len(callbacks) == 2  # the files' removal, and the search index's update
    assert not default_storage.exists(name)


# --- Downloads ------------------------------------------------------------------------------


@pytest.fixture
def community_files(
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    make_post: Callable[..., Post],
    author: User,
) -> dict[str, Any]:
    """A picture and a PDF in an open, a private and a secret community."""
    member = make_user("mira")
    result: dict[str, Any] = {"member": member, "outsider": make_user("otto")}
    for kind in (Community.Kind.OPEN, Community.Kind.PRIVATE, Community.Kind.SECRET):
        community = make_community(kind, owner=author, members=(member,))
        post = make_post(community)
        result[kind] = attach(
            post, upload("Plan.png", image_bytes()), upload("Plan.pdf", MINIMAL_PDF)
        )
    return result


@pytest.mark.parametrize("kind", [Community.Kind.PRIVATE, Community.Kind.SECRET])
def test_closed_community_files_only_for_members(
    community_files: dict[str, Any], client_for: Callable[..., Any], kind: str
) -> None:
    """Outsiders get 404 for files and thumbnails of private and secret communities."""
    image, pdf = community_files[kind]
    urls = [image.get_absolute_url(), image.thumbnail_url, pdf.get_absolute_url()]
    outsider = client_for(community_files["outsider"])
    member = client_for(community_files["member"])
    for url in urls:
        assert outsider.get(url).status_code == 404
        assert outsider.head(url).status_code == 404
        response = member.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content)


def test_open_community_files_for_everyone_signed_in(
    community_files: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    """Files of an open community can be read by any employee."""
    image, pdf = community_files[Community.Kind.OPEN]
    outsider = client_for(community_files["outsider"])
    assert outsider.get(image.get_absolute_url()).status_code == 200
    assert outsider.get(pdf.get_absolute_url()).status_code == 200


def test_anonymous_is_sent_to_login(
    community_files: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    """Without a session the download redirects to the login page."""
    image, _pdf = community_files[Community.Kind.OPEN]
    for url in (image.get_absolute_url(), image.thumbnail_url):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_wrong_filename_or_id_is_404(
    community_files: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    """Only the exact file name in the URL works; unknown ids are 404 too."""
    _image, pdf = community_files[Community.Kind.OPEN]
    member = client_for(community_files["member"])
    assert member.get(reverse("posts:file", args=[pdf.pk, "Plan.png"])).status_code == 404
    assert member.get(reverse("posts:file", args=[pdf.pk, "plan.pdf"])).status_code == 404
    assert member.get(reverse("posts:file", args=[999999, "Plan.pdf"])).status_code == 404
    assert member.get(reverse("posts:file_thumb", args=[pdf.pk])).status_code == 404
    assert member.get(reverse("posts:file_thumb", args=[999999])).status_code == 404


def test_image_is_inline_with_headers(
    community_files: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    """Images are shown inline with their sniffed type and protective headers."""
    image, _pdf = community_files[Community.Kind.OPEN]
    response = client_for(community_files["member"]).get(image.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="Plan.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response.streaming
    assert b"".join(response.streaming_content) == stored_bytes(image)


def test_thumbnail_served_as_webp(
    community_files: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    """The thumbnail comes as an inline WebP image with the same headers."""
    image, _pdf = community_files[Community.Kind.OPEN]
    response = client_for(community_files["member"]).get(image.thumbnail_url)
    assert response["Content-Type"] == "image/webp"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "WEBP"


def test_document_is_downloaded_with_its_name(
    make_post: Callable[..., Post], client_for: Callable[..., Any], author: User
) -> None:
    """Other files are downloads under their original (RFC 5987 encoded) name."""
    [attachment] = attach(make_post(), upload("Übersicht Q3 2026.pdf", MINIMAL_PDF))
    url = attachment.get_absolute_url()
    assert url == f"/files/{attachment.pk}/{quote('Übersicht Q3 2026.pdf')}"
    response = client_for(author).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%C3%9Cbersicht%20Q3%202026.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_text_is_downloaded_as_utf8(
    make_post: Callable[..., Post], client_for: Callable[..., Any], author: User
) -> None:
    """Text files are downloads, never shown as a page."""
    [attachment] = attach(make_post(), upload("liesmich.txt", "Grüße".encode()))
    response = client_for(author).get(attachment.get_absolute_url())
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="liesmich.txt"'


def test_head_gives_headers_without_body(
    community_files: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    """HEAD answers with the headers and the size, but no content."""
    _image, pdf = community_files[Community.Kind.OPEN]
    response = client_for(community_files["member"]).head(pdf.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(MINIMAL_PDF))
    assert response["Content-Disposition"] == 'attachment; filename="Plan.pdf"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.content == b""


def test_post_is_refused(community_files: dict[str, Any], client_for: Callable[..., Any]) -> None:
    """Downloads only answer GET and HEAD."""
    _image, pdf = community_files[Community.Kind.OPEN]
    assert client_for(community_files["member"]).post(pdf.get_absolute_url()).status_code == 405


def test_missing_stored_file_is_404(
    community_files: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    """A row whose file is gone from storage answers 404, not a server error."""
    _image, pdf = community_files[Community.Kind.OPEN]
    default_storage.delete(pdf.file.name)
    assert client_for(community_files["member"]).get(pdf.get_absolute_url()).status_code == 404


def test_media_url_does_not_serve_attachments(
    community_files: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    """The stored path is not reachable under /media/."""
    _image, pdf = community_files[Community.Kind.OPEN]
    response = client_for(community_files["member"]).get(f"/media/{pdf.file.name}")
    assert response.status_code == 404


def test_admin_reads_everything(
    community_files: dict[str, Any], client_for: Callable[..., Any], admin_user: User
) -> None:
    """Administrators may read files of secret communities (as they may read the posts)."""
    _image, pdf = community_files[Community.Kind.SECRET]
    assert client_for(admin_user).get(pdf.get_absolute_url()).status_code == 200


def test_comment_files_follow_the_post(
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    make_post: Callable[..., Post],
    client_for: Callable[..., Any],
    author: User,
) -> None:
    """A comment's file in a secret community is hidden from outsiders, shown to members."""
    member, outsider = make_user(), make_user()
    post = make_post(make_community(Community.Kind.SECRET, owner=author, members=(member,)))
    comment = Comment.objects.create(post=post, author=member, body="x", body_html="<p>x</p>")
    [attachment] = attachments_store(
        attachments_validate([upload("Antwort.pdf", MINIMAL_PDF)]), comment=comment, uploader=member
    )
    url = attachment.get_absolute_url()
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(member).get(url).status_code == 200


# --- Template -------------------------------------------------------------------------------


def test_partial_shows_images_and_files(make_post: Callable[..., Post]) -> None:
    """Images as thumbnails linking to the picture, files with name, size, type and link."""
    from django.template.loader import render_to_string

    post = make_post()
    image, pdf = attach(
        post, upload("Plan.pdf", MINIMAL_PDF), upload("Team & Co.png", image_bytes())
    )[::-1]
    html = render_to_string("posts/_attachments.html", {"attachments": post.attachments.all()})
    assert f'href="{escape(image.get_absolute_url())}"' in html
    assert f'src="{image.thumbnail_url}"' in html
    assert 'alt="Team &amp; Co.png"' in html
    assert 'width="640" height="320"' in html
    assert html.index("Team &amp; Co.png") < html.index("Plan.pdf")
    assert f'href="{pdf.get_absolute_url()}"' in html
    assert "PDF document" in html
    assert f"{len(MINIMAL_PDF)}\xa0bytes" in html
    assert 'Download <span class="visually-hidden">Plan.pdf</span>' in html
    assert render_to_string("posts/_attachments.html", {"attachments": []}).strip() == ""


@pytest.mark.parametrize("name", ["50% Rabatt?.pdf", "A#1 & B;c.pdf", "Größe+Preis (neu).pdf"])
def test_unusual_names_round_trip(
    make_post: Callable[..., Post], client_for: Callable[..., Any], author: User, name: str
) -> None:
    """Names with %, ?, #, & and umlauts still reach their file through the URL."""
    [attachment] = attach(make_post(), upload(name, MINIMAL_PDF))
    response = client_for(author).get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_text_mentioning_comparisons_is_text() -> None:
    """Plain text with "<" in it (not markup) is still a text file."""
    [validated] = attachments_validate([upload("regeln.txt", b"Wenn x < a und b <5, dann...\n")])
    assert validated.content_type == TEXT


# --- Thumbnails from the task queue -----------------------------------------------------------


def test_post_image_thumbnail_is_made_by_the_queue_after_commit(
    author: User, client_for: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Publishing does not wait for the WebP encoder: the post commits with the picture, the
    queue makes the thumbnail afterwards; until then the thumbnail URL shows the picture."""
    from hanse.posts.services.posts import post_create

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = post_create(
            author=author,
            body="Mit Bild",
            files=[upload("Plan.png", image_bytes("PNG", (1600, 800)), "image/png")],
        )
    attachment = post.attachments.get()
    assert not attachment.thumbnail
    client = client_for(author)
    early = client.get(attachment.thumbnail_url)
    assert early.status_code == 200
    assert early["Content-Type"] == "image/png"
    assert early["X-Content-Type-Options"] == "nosniff"
    assert b"".join(early.streaming_content) == stored_bytes(attachment)
    for callback in callbacks:  # the commit: the queue (run inline in tests) gets the task
        callback()
    attachment.refresh_from_db()
    assert attachment.thumbnail.name.endswith(".webp")
    later = client.get(attachment.thumbnail_url)
    assert later["Content-Type"] == "image/webp"
    thumb = Image.open(io.BytesIO(b"".join(later.streaming_content)))
    assert (thumb.format, thumb.size) == ("WEBP", (640, 320))


def test_thumbnail_task_skips_deleted_rows_and_runs_once(author: User, make_post: Any) -> None:
    from hanse.posts.tasks import make_thumbnails

    post = make_post()
    [first, second] = attachments_store(
        attachments_validate(
            [upload("a.png", image_bytes("PNG")), upload("b.png", image_bytes("PNG"))],
            thumbnails=False,
        ),
        post=post,
        uploader=author,
    )
    second_pk = second.pk
    second.delete()
    assert make_thumbnails.call("posts.Attachment", [first.pk, second_pk]) == 1
    assert make_thumbnails.call("posts.Attachment", [first.pk]) == 0  # has one already
    first.refresh_from_db()
    assert first.thumbnail
    thumbs = list(Path(default_storage.location).rglob("*.webp"))
    assert len(thumbs) == 1  # nothing written for the deleted row or the second run
