"""PDF previews: the first page rendered by the task queue, served like the download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hanse.demo.knowledge import _pdf
from hanse.files import services, tasks
from hanse.files.models import FileVersion

pytestmark = pytest.mark.django_db

BROKEN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _upload(people, club, body, name="bericht.pdf", capture=None):
    upload = SimpleUploadedFile(name, body, content_type="application/octet-stream")
    with capture(execute=True):
        (entry,) = services.files_upload(by=people["member"], community=club, files=[upload])
    entry.refresh_from_db()
    return entry, FileVersion.objects.get(file_entry=entry)


def test_a_pdf_gets_a_preview_of_its_first_page(
    people, club, client_for, django_capture_on_commit_callbacks
):
    """After the commit the task renders page one to WebP; the file page shows it."""
    entry, version = _upload(
        people,
        club,
        _pdf("Dienstplan", ["Montag: Filiale Mölln"]),
        capture=django_capture_on_commit_callbacks,
    )
    assert version.preview_status == FileVersion.PREVIEW_READY
    url = reverse("files:preview", args=[entry.pk, 1])
    page = client_for(people["member"]).get(entry.get_absolute_url()).content.decode()
    assert url in page and "First page of" in page
    response = client_for(people["member"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert b"".join(response.streaming_content)[:4] == b"RIFF"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Running the task again makes nothing twice.
    assert tasks.make_pdf_previews.call([version.pk]) == 0


@pytest.mark.parametrize(
    "body",
    [BROKEN, b"%PDF-1.7\n" + b"\x00garbage" * 200, b"%PDF-1.4\n" + b"1 0 obj << /Length 99999"],
)
def test_a_broken_pdf_says_no_preview_and_never_fails(
    people, club, client_for, body, django_capture_on_commit_callbacks
):
    entry, version = _upload(people, club, body, capture=django_capture_on_commit_callbacks)
    assert version.preview_status == FileVersion.PREVIEW_NONE
    page = client_for(people["member"]).get(entry.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "No preview picture could be made of this PDF" in html
    # The browser's own viewer still gets the file.
    assert reverse("files:view_pdf", args=[entry.pk, 1, "bericht.pdf"]) in html
    assert (
        client_for(people["member"]).get(reverse("files:preview", args=[entry.pk, 1])).status_code
        == 404
    )


def test_a_new_version_gets_its_own_preview(people, club, django_capture_on_commit_callbacks):
    entry, first = _upload(
        people, club, _pdf("Eins", ["a"]), capture=django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = services.version_upload(
            entry=entry,
            by=people["member"],
            upload=SimpleUploadedFile("bericht.pdf", _pdf("Zwei", ["b"])),
        )
    second.refresh_from_db()
    assert second.preview_status == FileVersion.PREVIEW_READY
    assert second.thumbnail.name != FileVersion.objects.get(pk=first.pk).thumbnail.name


def test_preview_is_checked_like_the_download(
    people, club, client_for, django_capture_on_commit_callbacks
):
    """Who cannot read the library gets the 404 of a missing preview; so does a text file."""
    entry, _version = _upload(
        people, club, _pdf("Geheim", ["x"]), capture=django_capture_on_commit_callbacks
    )
    url = reverse("files:preview", args=[entry.pk, 1])
    assert client_for(people["outsider"]).get(url).status_code == 404
    assert client_for(None).get(url).status_code in (302, 404)
    assert (
        client_for(people["member"]).get(reverse("files:preview", args=[entry.pk, 2])).status_code
        == 404
    )
    services.file_trash(entry=entry, by=people["member"])
    assert client_for(people["member"]).get(url).status_code == 404


def test_the_whole_pdf_opens_in_the_browser_for_readers_only(
    people, club, client_for, django_capture_on_commit_callbacks
):
    """Inline for the browser's own viewer, after the download's check; never for other files."""
    body = _pdf("Dienstplan", ["Montag: Filiale Mölln"])
    entry, _version = _upload(people, club, body, capture=django_capture_on_commit_callbacks)
    url = reverse("files:view_pdf", args=[entry.pk, 1, "bericht.pdf"])
    assert url in client_for(people["member"]).get(entry.get_absolute_url()).content.decode()
    response = client_for(people["member"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == body
    assert client_for(people["outsider"]).get(url).status_code == 404
    assert client_for(None).get(url).status_code in (302, 404)
    wrong_name = reverse("files:view_pdf", args=[entry.pk, 1, "other.pdf"])
    assert client_for(people["member"]).get(wrong_name).status_code == 404
    text = SimpleUploadedFile("notiz.txt", b"hallo", content_type="text/plain")
    (note,) = services.files_upload(by=people["member"], community=club, files=[text])
    note_url = reverse("files:view_pdf", args=[note.pk, 1, "notiz.txt"])
    assert client_for(people["member"]).get(note_url).status_code == 404
    services.file_trash(entry=entry, by=people["member"])
    assert client_for(people["member"]).get(url).status_code == 404
