"""Files shared on posts, comments and in chats get their text extracted after the commit;
a file's text is visible exactly where the file is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hanse.chat.models import Channel, MessageAttachment
from hanse.communities.models import Community
from hanse.people.models import User
from hanse.posts.models import Attachment, Post
from hanse.search import files
from hanse.search.models import FileText
from tests.posts.conftest import Cast
from tests.search import documents

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_pdf_on_a_post_is_extracted_after_commit(
    cast: Cast, make_post: Callable[..., Post], django_capture_on_commit_callbacks: Any
) -> None:
    """Posting a PDF leaves its text in FileText, status ok, once the transaction commits."""
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(
            cast.member,
            "Die neuen Konditionen",
            community=cast.open,
            files=[upload("konditionen.pdf", documents.pdf("Baufinanzierung ab 3,1 Prozent"))],
        )
    attachment = Attachment.objects.get(post=post)
    text = FileText.objects.get(attachment=attachment)
    assert text.status == FileText.Status.OK
    assert "Baufinanzierung ab 3,1 Prozent" in text.text
    assert text.extracted_at is not None


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("antrag.docx", documents.docx("Kreditantrag Filiale Husum"), "ok", "Filiale Husum"),
        ("zinsen.xlsx", documents.xlsx([["Tagesgeld", 1.5]]), "ok", "Tagesgeld 1.5"),
        ("quartal.pptx", documents.pptx("Quartalszahlen", "Firmenkunden"), "ok", "Firmenkunden"),
        ("kasse.odt", documents.odt("Vier-Augen-Prinzip"), "ok", "Vier-Augen-Prinzip"),
        ("notiz.txt", "Protokoll Straße".encode(), "ok", "Protokoll Straße"),
        ("geheim.pdf", documents.encrypted_pdf("Gehaltsliste"), "encrypted", ""),
    ],
)
def test_each_type_on_a_comment(
    cast: Cast,
    make_post: Callable[..., Post],
    django_capture_on_commit_callbacks: Any,
    name: str,
    data: bytes,
    status: str,
    words: str,
) -> None:
    """Every office type's text (and a protected PDF's status) through a comment."""
    from hanse.posts.services.comments import comment_create

    post = make_post(cast.member, "Frage", community=cast.open)
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(
            post=post, author=cast.owner, body="Anbei", files=[upload(name, data)]
        )
    text = FileText.objects.get(attachment__comment=comment)
    assert text.status == status
    assert words in text.text


def test_chat_file_is_extracted(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    """A file sent in a chat channel gets its text too."""
    from hanse.chat.services import channel_create, message_post

    channel = channel_create(by=cast.member, name="kredit-team", kind=Channel.Kind.PUBLIC)
    with django_capture_on_commit_callbacks(execute=True):
        message, _new = message_post(
            channel=channel,
            author=cast.member,
            body="Die Checkliste",
            files=[upload("checkliste.docx", documents.docx("Checkliste Ratenkredit"))],
        )
    chat_file = MessageAttachment.objects.get(message=message)
    text = FileText.objects.get(message_attachment=chat_file)
    assert text.status == "ok"
    assert "Checkliste Ratenkredit" in text.text


def test_too_big_file_is_not_read(
    cast: Cast,
    make_post: Callable[..., Post],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Over SEARCH_EXTRACT_MAX_BYTES the file is "too_large" and its name stays searchable."""
    data = documents.pdf("Jahresabschluss " * 200)
    settings.SEARCH_EXTRACT_MAX_BYTES = len(data) - 1
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(cast.member, "Abschluss", files=[upload("abschluss.pdf", data)])
    text = FileText.objects.get(attachment__post=post)
    assert text.status == "too_large"
    assert text.text == ""


def test_corrupt_pdf_is_failed(
    cast: Cast, make_post: Callable[..., Post], django_capture_on_commit_callbacks: Any
) -> None:
    """A PDF the parser cannot read is "failed" with its reason; the post is there."""
    broken = documents.pdf("Protokoll")[:400]
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(cast.member, "Kaputt", files=[upload("kaputt.pdf", broken)])
    text = FileText.objects.get(attachment__post=post)
    assert text.status == "failed"
    assert text.detail


def test_images_have_no_text(
    cast: Cast,
    make_post: Callable[..., Post],
    png_upload: Callable[..., SimpleUploadedFile],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """An image is "unsupported": found by its name only."""
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(cast.member, "Foto", files=[png_upload("team.png")])
    assert FileText.objects.get(attachment__post=post).status == "unsupported"


def test_sweep_extracts_rows_written_without_the_hook(
    cast: Cast, make_post: Callable[..., Post]
) -> None:
    """Files inserted in bulk (the demo) and pending rows are picked up by the schedule."""
    post = make_post(cast.member, "Alt", files=[upload("alt.txt", b"Altes Rundschreiben")])
    FileText.objects.all().delete()
    assert files.extract_missing.call() == 1
    assert FileText.objects.get(attachment__post=post).text == "Altes Rundschreiben"
    assert files.extract_missing.call() == 0


def test_sweep_settles_pictures_in_one_go(
    cast: Cast, make_post: Callable[..., Post], png_upload: Callable[..., SimpleUploadedFile]
) -> None:
    """Pictures inserted without a text row get an "unsupported" one, however many."""
    for n in range(3):
        make_post(cast.member, f"Foto {n}", files=[png_upload(f"bild{n}.png")])
    FileText.objects.all().delete()
    assert files.extract_missing.call(batch=1) == 3
    assert set(FileText.objects.values_list("status", flat=True)) == {"unsupported"}
    assert files.extract_missing.call() == 0


def test_file_text_goes_with_its_file(
    cast: Cast, make_post: Callable[..., Post], django_capture_on_commit_callbacks: Any
) -> None:
    """Deleting the post deletes the file's text."""
    from hanse.posts.services.posts import post_delete

    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(cast.member, "Weg", files=[upload("weg.txt", b"Entwurf")])
    assert FileText.objects.count() == 1
    post_delete(post=post, by=cast.member)
    assert FileText.objects.count() == 0


@pytest.mark.parametrize("kind", ["open", "private", "secret"])
@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("anonymous", {"open": False, "private": False, "secret": False}),
        ("outsider", {"open": True, "private": False, "secret": False}),
        ("member", {"open": True, "private": True, "secret": True}),
        ("moderator", {"open": True, "private": True, "secret": True}),
        ("owner", {"open": True, "private": True, "secret": True}),
        ("admin", {"open": True, "private": True, "secret": True}),
    ],
)
def test_file_text_visible_where_the_post_is(
    cast: Cast,
    make_post: Callable[..., Post],
    django_capture_on_commit_callbacks: Any,
    kind: str,
    viewer: str,
    sees: dict[str, bool],
) -> None:
    """The "file" type's visible_to follows the post's community for every actor."""
    community: Community = cast.community(kind)
    with django_capture_on_commit_callbacks(execute=True):
        make_post(
            cast.member, "Anbei", community=community, files=[upload("a.txt", b"Zinsstaffel")]
        )
    person: User | None = cast.viewer(viewer)
    assert files.visible_to(person).exists() is sees[kind]


def test_chat_file_text_visible_to_channel_readers_only(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """A private channel's file is visible to its members, nobody else."""
    from hanse.chat.services import channel_create, message_post

    channel = channel_create(by=cast.member, name="vorstand-intern", kind=Channel.Kind.PRIVATE)
    with django_capture_on_commit_callbacks(execute=True):
        message_post(
            channel=channel, author=cast.member, body="x", files=[upload("p.txt", b"Planzahlen")]
        )
    assert files.visible_to(cast.member).count() == 1
    assert files.visible_to(cast.outsider).count() == 0
    assert files.visible_to(None).count() == 0
