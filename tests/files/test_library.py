"""The file library: uploads, versions, permission-checked downloads, search text, bin."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.files import services, tasks
from hanse.files.models import FileVersion, LibraryFile
from hanse.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _text(name="dienstplan.txt", text="Dienstplan Filiale Mölln"):
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


def _png(name="bild.png"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_upload_several_into_a_folder(people, club, django_capture_on_commit_callbacks):
    folder = services.folder_create(by=people["member"], community=club, name="Protokolle")
    with django_capture_on_commit_callbacks(execute=True):
        added = services.files_upload(
            by=people["member"], community=club, files=[_text(), _png()], folder=folder
        )
    assert [e.name for e in added] == ["dienstplan.txt", "bild.png"]
    version = FileVersion.objects.get(file_entry=added[0])
    assert version.content_type == "text/plain" and version.number == 1
    # The text is read for search (through search's reader) after the commit.
    assert version.text == "Dienstplan Filiale Mölln" and version.text_status == "ok"


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"MZ\x90\x00\x03\x00\x00\x00",
    ],
)
def test_types_are_sniffed_and_refused_in_german(people, club, content):
    """HTML, SVG and programs are refused whatever their name says, with a German message."""
    from django.utils import translation

    with translation.override("de"), pytest.raises(ServiceError) as caught:
        services.files_upload(
            by=people["member"],
            community=club,
            files=[SimpleUploadedFile("seite.pdf", content)],
        )
    assert caught.value.code == "file_type_not_allowed"
    with translation.override("de"):
        message = str(caught.value.message)
    assert "„seite.pdf“" in message or "seite.pdf" in message
    assert "Datei" in message
    assert not LibraryFile.objects.exists()


def test_size_limit(people, club, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ServiceError) as caught:
        services.files_upload(by=people["member"], community=club, files=[_text()])
    assert caught.value.code == "file_too_large"


def test_outsider_may_not_upload(people, club):
    with pytest.raises(PermissionRefused):
        services.files_upload(by=people["outsider"], community=club, files=[_text()])


def test_versions_keep_history(people, club, client_for):
    (entry,) = services.files_upload(by=people["member"], community=club, files=[_text()])
    services.version_upload(
        entry=entry, by=people["moderator"], upload=_text(text="Neuer Plan"), note="Juli"
    )
    entry.refresh_from_db()
    assert entry.version_count == 2 and entry.current_version.number == 2
    client = client_for(people["member"])
    old = client.get(reverse("files:download", args=[entry.pk, 1, "dienstplan.txt"]))
    assert b"".join(old.streaming_content) == "Dienstplan Filiale Mölln".encode()
    assert old["Content-Disposition"].startswith("attachment")
    assert old["Content-Security-Policy"].startswith("sandbox")
    new = client.get(reverse("files:download", args=[entry.pk, 2, "dienstplan.txt"]))
    assert b"".join(new.streaming_content) == b"Neuer Plan"


def test_download_needs_membership_of_private(people, club, client_for):
    (entry,) = services.files_upload(by=people["member"], community=club, files=[_text()])
    url = reverse("files:download", args=[entry.pk, 1, "dienstplan.txt"])
    assert client_for(people["outsider"]).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    version = FileVersion.objects.get()
    assert "/media/" not in version.get_absolute_url()


def test_image_preview_inline(people, club, client_for):
    (entry,) = services.files_upload(by=people["member"], community=club, files=[_png()])
    client = client_for(people["member"])
    html = client.get(reverse("files:detail", args=[entry.pk])).content.decode()
    assert reverse("files:thumb", args=[entry.pk, 1]) in html
    assert client.get(reverse("files:thumb", args=[entry.pk, 1])).status_code == 200


def test_upload_page_and_notification(people, club, client_for, django_capture_on_commit_callbacks):
    services.library_watch_set(community=club, user=people["owner"], watching=True)
    client = client_for(people["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("files:upload", args=[club.slug]), {"files": [_text(), _text("b.txt")]}
        )
    assert response.status_code == 302
    assert LibraryFile.objects.count() == 2
    note = Notification.objects.get(type="library_file_added")
    assert note.recipient == people["owner"]
    html = client.get(reverse("files:library", args=[club.slug])).content.decode()
    assert "dienstplan.txt" in html and "b.txt" in html and "data-dropzone" in html


def test_bin_hides_and_empties(people, club, client_for):
    (entry,) = services.files_upload(by=people["member"], community=club, files=[_text()])
    services.file_trash(entry=entry, by=people["member"])
    assert client_for(people["member"]).get(entry.get_absolute_url()).status_code == 404
    assert tasks.empty_bin.call() == 0
    LibraryFile.objects.filter(pk=entry.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    assert tasks.empty_bin.call() == 1
    assert not FileVersion.objects.exists()


def test_member_may_not_trash_others_files(people, club):
    (entry,) = services.files_upload(by=people["moderator"], community=club, files=[_text()])
    with pytest.raises(PermissionRefused):
        services.file_trash(entry=entry, by=people["member"])


def test_api_upload_list_versions(people, club, client_for):
    client = client_for(people["member"])
    response = client.post(f"/api/v1/library/{club.slug}/files", {"files": [_text()]})
    assert response.status_code == 201, response.content
    file_id = response.json()[0]["id"]
    listed = client.get(f"/api/v1/library/{club.slug}/files").json()
    assert listed["total"] == 1
    v2 = client.post(f"/api/v1/library/files/{file_id}/versions", {"file": _text(text="zwei")})
    assert v2.status_code == 201 and v2.json()["number"] == 2
    versions = client.get(f"/api/v1/library/files/{file_id}/versions").json()
    assert [v["number"] for v in versions["items"]] == [2, 1]
    assert client_for(people["outsider"]).get(f"/api/v1/library/files/{file_id}").status_code == 404


def test_library_search_finds_text(people, club, django_capture_on_commit_callbacks):
    from hanse.search.index import index_objects
    from hanse.search.selectors import SearchQuery, search

    with django_capture_on_commit_callbacks(execute=True):
        (entry,) = services.files_upload(
            by=people["member"], community=club, files=[_text(text="Schichtübergabe Regeln")]
        )
    index_objects("library_file", [entry.pk])
    found = search(user=people["member"], query=SearchQuery(text="Schichtübergabe"))
    assert [(h.type, h.object_id) for h in found.hits] == [("library_file", entry.pk)]
    assert search(user=people["outsider"], query=SearchQuery(text="Schichtübergabe")).total == 0
