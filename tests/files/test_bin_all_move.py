"""The library's bin (restore, delete for good), the "all files" view and moving folders."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.files import services
from hanse.files.models import FileVersion, Folder, LibraryFile

pytestmark = pytest.mark.django_db


def _text(name="notiz.txt", text="Notiz"):
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


def _png(name="bild.png", size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _pdf(name="bericht.pdf"):
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body, content_type="application/octet-stream")


# --- the bin ---------------------------------------------------------------------------------


def test_bin_lists_own_files_for_members_and_all_for_moderators(people, club, client_for):
    """A member sees only what they deleted; moderators see every deleted file."""
    (mine,) = services.files_upload(by=people["member"], community=club, files=[_text("mein.txt")])
    (theirs,) = services.files_upload(by=people["owner"], community=club, files=[_text("olga.txt")])
    services.file_trash(entry=mine, by=people["member"])
    services.file_trash(entry=theirs, by=people["owner"])
    url = reverse("files:bin", args=[club.slug])
    member_page = client_for(people["member"]).get(url).content.decode()
    assert "mein.txt" in member_page and "olga.txt" not in member_page
    mod_page = client_for(people["moderator"]).get(url).content.decode()
    assert "mein.txt" in mod_page and "olga.txt" in mod_page
    assert client_for(people["outsider"]).get(url).status_code == 403


def test_restore_brings_the_file_back(people, club, client_for):
    folder = services.folder_create(by=people["member"], community=club, name="Protokolle")
    (entry,) = services.files_upload(
        by=people["member"], community=club, files=[_text()], folder=folder
    )
    services.file_trash(entry=entry, by=people["member"])
    client = client_for(people["member"])
    assert client.get(entry.get_absolute_url()).status_code == 404
    response = client.post(reverse("files:bin_restore", args=[club.slug, entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.deleted_at is None and entry.folder == folder
    followed = client.get(response["Location"]).content.decode()
    assert "The file is back in the library." in followed
    assert client.get(entry.get_absolute_url()).status_code == 200


def test_member_may_not_restore_or_purge_others_files(people, club, client_for):
    """Another's file in the bin is a 404 for a member, as if it were not there."""
    (entry,) = services.files_upload(by=people["owner"], community=club, files=[_text()])
    services.file_trash(entry=entry, by=people["owner"])
    client = client_for(people["member"])
    assert client.post(reverse("files:bin_restore", args=[club.slug, entry.pk])).status_code == 404
    assert client.post(reverse("files:bin_purge", args=[club.slug, entry.pk])).status_code == 404
    assert LibraryFile.objects.get(pk=entry.pk).deleted_at is not None
    with pytest.raises(PermissionRefused):
        services.file_restore(entry=entry, by=people["member"])
    with pytest.raises(PermissionRefused):
        services.file_purge(entry=entry, by=people["member"])


def test_purge_removes_rows_and_bytes(people, club, client_for, django_capture_on_commit_callbacks):
    (entry,) = services.files_upload(by=people["member"], community=club, files=[_text()])
    services.version_upload(entry=entry, by=people["member"], upload=_text(text="zwei"))
    stored = [v.file.name for v in FileVersion.objects.filter(file_entry=entry)]
    storage = FileVersion.objects.first().file.storage
    assert all(storage.exists(name) for name in stored)
    services.file_trash(entry=entry, by=people["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["moderator"]).post(
            reverse("files:bin_purge", args=[club.slug, entry.pk])
        )
    assert response.status_code == 302
    assert not LibraryFile.objects.filter(pk=entry.pk).exists()
    assert not FileVersion.objects.exists()
    assert not any(storage.exists(name) for name in stored)


def test_live_file_is_not_in_the_bin(people, club, client_for):
    """Restore and purge only act on files in the bin: a live file answers 404 there."""
    (entry,) = services.files_upload(by=people["member"], community=club, files=[_text()])
    client = client_for(people["moderator"])
    assert client.post(reverse("files:bin_purge", args=[club.slug, entry.pk])).status_code == 404
    assert LibraryFile.objects.filter(pk=entry.pk, deleted_at__isnull=True).exists()
    with pytest.raises(ServiceError) as exc:
        services.file_purge(entry=entry, by=people["moderator"])
    assert exc.value.code == "not_in_bin"


def test_bin_is_bound_to_its_library(people, club, make_community, client_for):
    """A file of one library cannot be restored through another library's address."""
    other = make_community(
        club.Kind.OPEN, owner=people["member"], name="Andere", members=(people["moderator"],)
    )
    (entry,) = services.files_upload(by=people["member"], community=club, files=[_text()])
    services.file_trash(entry=entry, by=people["member"])
    client = client_for(people["member"])
    assert client.post(reverse("files:bin_restore", args=[other.slug, entry.pk])).status_code == 404


def test_bin_page_query_count(people, club, client_for, django_assert_max_num_queries):
    for i in range(12):
        (entry,) = services.files_upload(
            by=people["member"], community=club, files=[_text(f"d{i}.txt")]
        )
        services.file_trash(entry=entry, by=people["member"])
    client = client_for(people["moderator"])
    url = reverse("files:bin", args=[club.slug])
    with django_assert_max_num_queries(25):
        html = client.get(url).content.decode()
    assert html.count("Delete for good") >= 12


# --- all files ---------------------------------------------------------------------------------


def _library(people, club):
    a = services.folder_create(by=people["member"], community=club, name="A")
    b = services.folder_create(by=people["member"], community=club, name="B", parent=a)
    services.files_upload(
        by=people["member"], community=club, files=[_text("zebra.txt", "z" * 900)]
    )
    services.files_upload(by=people["member"], community=club, files=[_png("anker.png")], folder=a)
    services.files_upload(by=people["member"], community=club, files=[_pdf("mitte.pdf")], folder=b)
    return a, b


def _names(html: str) -> list[str]:
    order = ["anker.png", "mitte.pdf", "zebra.txt"]
    return sorted((n for n in order if n in html), key=html.index)


def test_all_files_across_folders_sorted(people, club, client_for):
    _library(people, club)
    client = client_for(people["member"])
    url = reverse("files:all_files", args=[club.slug])
    assert _names(client.get(url).content.decode()) == ["anker.png", "mitte.pdf", "zebra.txt"]
    assert _names(client.get(url + "?sort=-name").content.decode()) == [
        "zebra.txt",
        "mitte.pdf",
        "anker.png",
    ]
    by_size = _names(client.get(url + "?sort=-size").content.decode())
    sizes = {e.name: e.current_version.size for e in LibraryFile.objects.all()}
    assert by_size == sorted(sizes, key=lambda n: -sizes[n])
    html = client.get(url + "?sort=bogus").content.decode()
    assert _names(html) == ["anker.png", "mitte.pdf", "zebra.txt"]


def test_all_files_filter_by_type(people, club, client_for):
    _library(people, club)
    client = client_for(people["member"])
    url = reverse("files:all_files", args=[club.slug])
    assert _names(client.get(url + "?type=image").content.decode()) == ["anker.png"]
    assert _names(client.get(url + "?type=pdf").content.decode()) == ["mitte.pdf"]
    assert _names(client.get(url + "?type=text").content.decode()) == ["zebra.txt"]
    assert _names(client.get(url + "?type=office").content.decode()) == []
    assert len(_names(client.get(url + "?type=<script>").content.decode())) == 3


def test_all_files_hides_the_bin_and_pages(people, club, client_for, django_assert_max_num_queries):
    files = [_text(f"datei-{i:02}.txt") for i in range(55)]
    added = services.files_upload(by=people["member"], community=club, files=files[:20])
    added += services.files_upload(by=people["member"], community=club, files=files[20:40])
    added += services.files_upload(by=people["member"], community=club, files=files[40:])
    services.file_trash(entry=added[0], by=people["member"])
    client = client_for(people["member"])
    url = reverse("files:all_files", args=[club.slug])
    with django_assert_max_num_queries(25):
        first = client.get(url).content.decode()
    assert "54 files" in first and "datei-00.txt" not in first
    assert "datei-01.txt" in first and "datei-51.txt" not in first
    second = client.get(url + "?page=2").content.decode()
    assert "datei-51.txt" in second and "datei-01.txt" not in second


# --- moving ------------------------------------------------------------------------------------


def test_move_folder_with_its_contents(people, club, client_for):
    a = services.folder_create(by=people["member"], community=club, name="A")
    b = services.folder_create(by=people["member"], community=club, name="B")
    services.files_upload(by=people["member"], community=club, files=[_text()], folder=a)
    response = client_for(people["member"]).post(
        reverse("files:folder_move", args=[club.slug]), {"folder": a.pk, "target": b.pk}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.parent == b
    assert LibraryFile.objects.get().folder == a
    services.folder_move(folder=a, by=people["member"], parent=None)
    a.refresh_from_db()
    assert a.parent is None


def test_no_cycles(people, club):
    a = services.folder_create(by=people["member"], community=club, name="A")
    b = services.folder_create(by=people["member"], community=club, name="B", parent=a)
    c = services.folder_create(by=people["member"], community=club, name="C", parent=b)
    for target in (a, b, c):
        with pytest.raises(ServiceError) as exc:
            services.folder_move(folder=a, by=people["member"], parent=target)
        assert exc.value.code == "folder_cycle"
        assert "cannot be moved into itself" in str(exc.value.message)
    a.refresh_from_db()
    assert a.parent is None


def test_cycle_refused_in_german_on_the_page(people, club, client_for):
    a = services.folder_create(by=people["member"], community=club, name="A")
    b = services.folder_create(by=people["member"], community=club, name="B", parent=a)
    client = client_for(people["member"])
    client.cookies["django_language"] = "de"
    response = client.post(
        reverse("files:folder_move", args=[club.slug]),
        {"folder": a.pk, "target": b.pk},
        HTTP_ACCEPT_LANGUAGE="de",
        follow=True,
    )
    assert "in sich selbst" in response.content.decode()
    a.refresh_from_db()
    assert a.parent is None


def test_move_keeps_depth_limit_and_names_unique(people, club):
    chain = [services.folder_create(by=people["member"], community=club, name="L0")]
    for i in range(1, services.MAX_FOLDER_DEPTH - 1):
        chain.append(
            services.folder_create(
                by=people["member"], community=club, name=f"L{i}", parent=chain[-1]
            )
        )
    x = services.folder_create(by=people["member"], community=club, name="X")
    services.folder_create(by=people["member"], community=club, name="Y", parent=x)
    with pytest.raises(ServiceError) as exc:
        services.folder_move(folder=x, by=people["member"], parent=chain[-1])
    assert exc.value.code == "too_deep"
    services.folder_create(by=people["member"], community=club, name="X", parent=chain[0])
    with pytest.raises(ServiceError) as exc:
        services.folder_move(folder=x, by=people["member"], parent=chain[0])
    assert exc.value.code == "folder_exists"
    assert Folder.objects.get(pk=x.pk).parent is None


def test_move_permissions_both_ends(people, club, make_community):
    """Only who made a folder (or a moderator) moves it, and only within its library."""
    a = services.folder_create(by=people["owner"], community=club, name="A")
    b = services.folder_create(by=people["member"], community=club, name="B")
    with pytest.raises(PermissionRefused):
        services.folder_move(folder=a, by=people["member"], parent=b)
    services.folder_move(folder=b, by=people["moderator"], parent=a)
    other = make_community(club.Kind.OPEN, owner=people["member"], name="Andere")
    elsewhere = services.folder_create(by=people["member"], community=other, name="Z")
    with pytest.raises(ServiceError) as exc:
        services.folder_move(folder=b, by=people["member"], parent=elsewhere)
    assert exc.value.code == "elsewhere"
    (entry,) = services.files_upload(by=people["member"], community=club, files=[_text()])
    with pytest.raises(ServiceError):
        services.file_move(entry=entry, by=people["member"], folder=elsewhere)
    with pytest.raises(PermissionRefused):
        services.file_move(entry=entry, by=people["outsider"], folder=a)
    services.file_move(entry=entry, by=people["member"], folder=a)
    assert LibraryFile.objects.get(pk=entry.pk).folder == a


def test_folder_move_page_for_outsider_is_404(people, club, client_for):
    a = services.folder_create(by=people["member"], community=club, name="A")
    response = client_for(people["outsider"]).post(
        reverse("files:folder_move", args=[club.slug]), {"folder": a.pk, "target": ""}
    )
    assert response.status_code == 404
