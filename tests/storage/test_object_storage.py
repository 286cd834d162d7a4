"""Uploads on S3-compatible object storage, against a real S3 API server (moto in server mode,
tests/support/s3.py): what the real views upload lands in the bucket, not on disk; downloads
go through the permission-checked views (members get the bytes, others a 404); thumbnails,
profile photos, text extraction and readiness work on the bucket."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from hanse.communities.models import Community
from hanse.core.storage import HanseS3Storage, uses_object_storage
from hanse.people.models import User
from hanse.people.services import avatar_set
from hanse.posts.models import Attachment, Post
from hanse.search import files as search_files
from tests.support.processes import free_port
from tests.support.s3 import S3Server, object_bytes, object_names, storage_settings

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
NOTE = b"Quartalszahlen Filiale Nord: vertraulich-7f3\n"


def png(size: tuple[int, int] = (640, 320)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 80, 160)).save(out, format="PNG")
    return out.getvalue()


def files_on_disk(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def club(
    s3_storage: S3Server,
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
) -> dict[str, Any]:
    owner = make_user("olga")
    member = make_user("mira")
    outsider = make_user("otto")
    community = make_community(Community.Kind.PRIVATE, owner=owner, members=(member,))
    return {"owner": owner, "member": member, "outsider": outsider, "community": community}


def _post_with_files(club: dict[str, Any], client_for: Callable[..., Client], capture: Any) -> Post:
    """A post with a picture, a PDF and a text note, through the composer's real view."""
    with capture(execute=True):  # the thumbnail and text tasks run after the commit
        response = client_for(club["member"]).post(
            reverse("posts:create"),
            {
                "body": "Unterlagen fürs Treffen",
                "where": f"community:{club['community'].slug}",
                "files": [
                    SimpleUploadedFile("Tafel.png", png(), content_type="image/png"),
                    SimpleUploadedFile("Plan.pdf", PDF, content_type="application/pdf"),
                    SimpleUploadedFile("Notiz.txt", NOTE, content_type="text/plain"),
                ],
            },
        )
    assert response.status_code == 302, response.content[:500]
    return Post.objects.filter(author=club["member"]).latest("pk")


def test_default_storage_is_the_bucket(s3_storage: S3Server) -> None:
    assert uses_object_storage()
    assert isinstance(default_storage, HanseS3Storage)
    # URLs name Hanse, never the bucket: a browser is never sent to the object store.
    assert default_storage.url("avatars/2026/12/a b.jpg") == "/media/avatars/2026/12/a%20b.jpg"


def test_upload_lands_in_the_bucket_and_downloads_after_the_permission_check(
    club: dict[str, Any],
    s3_storage: S3Server,
    client_for: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    post = _post_with_files(club, client_for, django_capture_on_commit_callbacks)
    attachments = {a.original_name: a for a in Attachment.objects.filter(post=post)}
    assert set(attachments) == {"Tafel.png", "Plan.pdf", "Notiz.txt"}
    names = object_names(s3_storage)
    for attachment in attachments.values():
        assert attachment.file.name in names
    assert files_on_disk(settings) == []  # nothing went to MEDIA_ROOT

    pdf = attachments["Plan.pdf"]
    member = client_for(club["member"])
    response = member.get(pdf.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF == object_bytes(s3_storage, pdf.file.name)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    head = member.head(pdf.get_absolute_url())
    assert head.status_code == 200
    assert head["Content-Length"] == str(len(PDF))

    # Not a member of the private community: the same answer as for a file that is not there.
    assert client_for(club["outsider"]).get(pdf.get_absolute_url()).status_code == 404
    assert (
        client_for(club["outsider"])
        .get(reverse("posts:file_thumb", args=[attachments["Tafel.png"].pk]))
        .status_code
        == 404
    )
    assert client_for(None).get(pdf.get_absolute_url()).status_code == 302
    # The stored name is not reachable under /media/ either.
    assert member.get(f"/media/{pdf.file.name}").status_code == 404


def test_thumbnail_is_made_from_and_stored_in_the_bucket(
    club: dict[str, Any],
    s3_storage: S3Server,
    client_for: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = _post_with_files(club, client_for, django_capture_on_commit_callbacks)
    picture = Attachment.objects.get(post=post, original_name="Tafel.png")
    assert picture.thumbnail.name, "the thumbnail task ran on the bucket's file"
    assert picture.thumbnail.name in object_names(s3_storage)
    response = client_for(club["member"]).get(reverse("posts:file_thumb", args=[picture.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as thumb:
        assert thumb.format == "WEBP"
        assert max(thumb.size) <= 640


def test_text_of_a_file_in_the_bucket_is_extracted_for_search(
    club: dict[str, Any],
    s3_storage: S3Server,
    client_for: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = _post_with_files(club, client_for, django_capture_on_commit_callbacks)
    note = Attachment.objects.get(post=post, original_name="Notiz.txt")
    result = search_files.extract_stored(note.file, note.size, note.content_type)
    assert result.status == "ok", result.detail
    assert "vertraulich-7f3" in result.text


def test_profile_photo_in_the_bucket_is_served_to_employees(
    s3_storage: S3Server,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
    settings: Any,
) -> None:
    anna = make_user("anna")
    avatar_set(user=anna, upload=SimpleUploadedFile("me.png", png((400, 300)), "image/png"))
    anna = User.objects.get(pk=anna.pk)
    names = object_names(s3_storage)
    assert anna.avatar.name in names and anna.avatar_thumbnail.name in names
    assert files_on_disk(settings) == []
    url = anna.avatar_thumbnail.url
    assert url.startswith("/media/avatars/thumbs/")
    response = client_for(make_user("bert")).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == object_bytes(s3_storage, anna.avatar_thumbnail.name)
    with Image.open(io.BytesIO(body)) as thumb:
        assert thumb.size == (256, 256)
    assert response["X-Content-Type-Options"] == "nosniff"
    # Signed-in employees only; names outside the photo folders and made-up names are 404.
    assert client_for(None).get(url).status_code == 302
    employee = client_for(anna)
    assert employee.get("/media/avatars/nothing-here.jpg").status_code == 404
    assert employee.get("/media/avatars/../attachments/x.pdf").status_code == 404
    # The profile page shows the photo at that address.
    assert url in employee.get(reverse("people:profile", args=[anna.username])).content.decode()


def test_readyz_checks_the_bucket(s3_storage: S3Server, client: Client, settings: Any) -> None:
    """Readiness asks the bucket; with the object store away it is 503, and back again 200
    (for the web scope, which has no worker checks)."""
    ok = client.get(reverse("core:readyz") + "?scope=web")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["checks"]["object_storage"] == {"ok": True}

    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_settings(f"http://127.0.0.1:{free_port()}", "gone"),
    }
    down = client.get(reverse("core:readyz") + "?scope=web")
    assert down.status_code == 503
    assert down.json()["checks"]["object_storage"]["ok"] is False
    assert down.json()["checks"]["object_storage"]["error"] == "EndpointConnectionError"


def test_readyz_without_object_storage_has_no_such_check(client: Client) -> None:
    response = client.get(reverse("core:readyz") + "?scope=web")
    assert "object_storage" not in response.json()["checks"]


def test_filesystem_photos_are_served_through_the_storage_api(
    make_user: Callable[..., User], client_for: Callable[..., Client], settings: Any
) -> None:
    """Without S3 the same view reads the data directory (MEDIA_ROOT as set now, not as it
    was when the URLs were loaded)."""
    anna = make_user("anna")
    avatar_set(user=anna, upload=SimpleUploadedFile("me.png", png((400, 300)), "image/png"))
    anna = User.objects.get(pk=anna.pk)
    assert not uses_object_storage()
    assert files_on_disk(settings)
    response = client_for(anna).get(anna.avatar.url)
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content)
        == (Path(settings.MEDIA_ROOT) / anna.avatar.name).read_bytes()
    )


def test_data_export_zip_is_built_from_and_stored_in_the_bucket(
    club: dict[str, Any],
    s3_storage: S3Server,
    client_for: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    """The GDPR export reads the person's files from the bucket into its ZIP, stores the ZIP
    in the bucket, and hands it to its owner only."""
    from hanse.privacy import services
    from hanse.privacy.models import DataExport

    _post_with_files(club, client_for, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=club["member"])
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    assert export.file.name in object_names(s3_storage)
    assert files_on_disk(settings) == []
    url = reverse("privacy:export_download", args=[export.pk])
    response = client_for(club["member"]).get(url)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        contents = [archive.read(name) for name in archive.namelist()]
    assert NOTE in contents and PDF in contents
    assert client_for(club["outsider"]).get(url).status_code == 404


def test_deleted_and_orphaned_files_leave_the_bucket(
    club: dict[str, Any],
    s3_storage: S3Server,
    client_for: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A deleted post's files go after the commit; the nightly sweep walks the bucket and
    removes a file no row points to, and keeps the others."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from hanse.core.uploads import sweep_orphans
    from hanse.posts.services.posts import post_delete

    post = _post_with_files(club, client_for, django_capture_on_commit_callbacks)
    kept = _post_with_files(club, client_for, django_capture_on_commit_callbacks)
    names = [a.file.name for a in Attachment.objects.filter(post=post)]
    orphan = default_storage.save("attachments/2020/01/orphan.txt", ContentFile(b"niemand"))
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=post, by=club["member"])
    left = object_names(s3_storage)
    assert not set(names) & set(left)
    removed = sweep_orphans(now=timezone.now() + timedelta(days=2))
    assert removed == [orphan]
    remaining = object_names(s3_storage)
    assert orphan not in remaining
    for attachment in Attachment.objects.filter(post=kept):
        assert attachment.file.name in remaining


def test_a_download_while_the_store_is_away_is_a_503(
    club: dict[str, Any],
    s3_storage: S3Server,
    client_for: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    """The object store away: a clear 503 with Retry-After, like the database or Redis."""
    post = _post_with_files(club, client_for, django_capture_on_commit_callbacks)
    pdf = Attachment.objects.get(post=post, original_name="Plan.pdf")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_settings(f"http://127.0.0.1:{free_port()}", s3_storage.prefix),
    }
    member = Client(raise_request_exception=False)
    member.force_login(club["member"])
    response = member.get(pdf.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
