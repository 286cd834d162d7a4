"""Following one folder of a library: new files there are told (collapsed per folder), never
to the uploader, never twice to who follows the whole library, never to who cannot read it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hanse.communities.models import Membership
from hanse.core.errors import PermissionRefused
from hanse.files import services
from hanse.files.models import FolderWatch, LibraryWatch
from hanse.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _text(name="notiz.txt"):
    return SimpleUploadedFile(name, b"Notiz", content_type="application/octet-stream")


def _notes(type_key="library_folder_file_added"):
    return Notification.objects.filter(type=type_key)


def test_follow_on_the_page_and_hear_of_new_files(
    people, club, client_for, django_capture_on_commit_callbacks
):
    folder = services.folder_create(by=people["owner"], community=club, name="Protokolle")
    other = services.folder_create(by=people["owner"], community=club, name="Sonstiges")
    LibraryWatch.objects.all().delete()  # the owner followed the library by making files
    response = client_for(people["member"]).post(
        reverse("files:folder_watch", args=[club.slug]), {"folder": folder.pk, "watch": "1"}
    )
    assert response.status_code == 302
    assert FolderWatch.objects.filter(folder=folder, user=people["member"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.files_upload(
            by=people["moderator"], community=club, files=[_text("a.txt")], folder=other
        )
    assert not _notes().exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.files_upload(
            by=people["moderator"],
            community=club,
            files=[_text("a.txt"), _text("b.txt")],
            folder=folder,
        )
    note = _notes().get()
    assert note.recipient == people["member"] and note.data["count"] == 2
    assert note.data["folder"] == "Protokolle"
    page = client_for(people["member"]).get("/notifications/").content.decode()
    assert "Protokolle" in page
    with django_capture_on_commit_callbacks(execute=True):
        services.files_upload(
            by=people["owner"], community=club, files=[_text("c.txt")], folder=folder
        )
    assert _notes().count() == 1  # collapsed per folder while unread
    assert _notes().get().count == 2


def test_not_the_uploader_and_not_twice(people, club, django_capture_on_commit_callbacks):
    folder = services.folder_create(by=people["owner"], community=club, name="Protokolle")
    for person in (people["member"], people["moderator"]):
        services.folder_watch_set(folder=folder, user=person, watching=True)
    services.library_watch_set(community=club, user=people["moderator"], watching=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.files_upload(by=people["member"], community=club, files=[_text()], folder=folder)
    assert not _notes().exists()  # the member uploaded; the moderator hears it per library
    assert _notes("library_file_added").filter(recipient=people["moderator"]).count() == 1


def test_outsider_may_not_follow_and_leavers_hear_nothing(
    people, club, client_for, django_capture_on_commit_callbacks
):
    folder = services.folder_create(by=people["owner"], community=club, name="Protokolle")
    response = client_for(people["outsider"]).post(
        reverse("files:folder_watch", args=[club.slug]), {"folder": folder.pk, "watch": "1"}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionRefused):
        services.folder_watch_set(folder=folder, user=people["outsider"], watching=True)
    assert not FolderWatch.objects.exists()
    services.folder_watch_set(folder=folder, user=people["member"], watching=True)
    Membership.objects.filter(community=club, user=people["member"]).delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.files_upload(by=people["owner"], community=club, files=[_text()], folder=folder)
    assert not _notes().filter(recipient=people["member"]).exists()


def test_unfollow(people, club, client_for):
    folder = services.folder_create(by=people["owner"], community=club, name="Protokolle")
    services.folder_watch_set(folder=folder, user=people["member"], watching=True)
    client = client_for(people["member"])
    page = client.get(reverse("files:library", args=[club.slug]) + f"?folder={folder.pk}")
    assert "Stop following this folder" in page.content.decode()
    client.post(
        reverse("files:folder_watch", args=[club.slug]), {"folder": folder.pk, "watch": "0"}
    )
    assert not FolderWatch.objects.exists()
