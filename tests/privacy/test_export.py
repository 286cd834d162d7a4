"""The data export: everything about the person, nothing about anyone else, built by the
task queue, downloadable by its owner only."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hanse.core import personal_data
from hanse.core.errors import ServiceError
from hanse.notifications.models import Notification
from hanse.privacy import services, tasks
from hanse.privacy.models import DataExport
from tests.privacy.conftest import (
    ANNA_FILE,
    ANNA_LIBRARY_FILE,
    ANNA_TEXTS,
    ANONYMOUS_CHOICE,
    TOTP_SECRET,
    ZOE,
    ZOE_TEXTS,
    World,
    read_zip,
)

pytestmark = pytest.mark.django_db


def _export(world: World, capture: Any) -> DataExport:
    with capture(execute=True):
        export = services.export_request(user=world.anna)
    export.refresh_from_db()
    return export


def _archive(client_for: Any, export: DataExport) -> dict[str, bytes]:
    response = client_for(export.user).get(reverse("privacy:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    return read_zip(b"".join(response.streaming_content))


def test_export_has_everything_about_the_person(
    world: World, django_capture_on_commit_callbacks: Any, client_for: Any
) -> None:
    """Every exporter's file is there, with the person's content and files."""
    export = _export(world, django_capture_on_commit_callbacks)
    assert export.status == DataExport.Status.READY
    assert export.progress == 100
    assert export.expires_at is not None
    assert (export.expires_at - export.finished_at).days == 7
    files = _archive(client_for, export)
    keys = {e.key for e in personal_data.all_exporters()}
    assert {
        "profile",
        "posts",
        "chat",
        "events",
        "notifications",
        "communities",
        "participation",
        "ideas",
        "decisions",
        "circles",
        "wiki",
        "files",
        "moderation",
        "sign_in",
        "audit",
        "api_tokens",
        "guests",
    } <= keys
    for key in keys:
        document = json.loads(files[f"{key}.json"])
        assert document["user_id"] == world.anna.pk
    assert "README.txt" in files
    text = b"\n".join(v for k, v in files.items() if k.endswith((".json", ".txt"))).decode()
    for marker in ANNA_TEXTS:
        assert marker in text, marker
    profile = json.loads(files["profile.json"])["records"][0]
    assert profile["email"] == "anna.becker@sparkasse.example"
    assert profile["org_unit"] == "IT-Betrieb"
    assert profile["location"] == "Hauptstelle"
    assert profile["skills"] == ["Baufinanzierung"]
    # Her uploaded files, under files/<exporter>/
    assert ANNA_FILE in [v for k, v in files.items() if k.startswith("files/posts/")]
    assert ANNA_LIBRARY_FILE in [v for k, v in files.items() if k.startswith("files/files/")]
    sign_in = json.loads(files["sign_in.json"])["records"]
    assert [r["type"] for r in sign_in if r["kind"] == "second_factor"] == ["totp"]
    audit = json.loads(files["audit.json"])["records"]
    assert {"auth.login", "privacy.export_requested"} <= {r["action"] for r in audit}
    participation = json.loads(files["participation.json"])["records"]
    assert [r["kind"] for r in participation].count("anonymous_poll_taken_part") == 1
    assert "anonymous" in files["README.txt"].decode().lower()


def test_export_has_nothing_about_anyone_else(
    world: World, django_capture_on_commit_callbacks: Any, client_for: Any
) -> None:
    """Zoe's name, e-mail, messages, votes and exclusions appear nowhere in Anna's ZIP;
    neither do Anna's anonymous choice nor her second factor's secret."""
    export = _export(world, django_capture_on_commit_callbacks)
    files = _archive(client_for, export)
    forbidden = [*ZOE.values(), *ZOE_TEXTS, ANONYMOUS_CHOICE, TOTP_SECRET]
    for name, content in files.items():
        for needle in forbidden:
            assert needle.encode() not in content, (needle, name)
            assert needle not in name, (needle, name)
    circles = json.loads(files["circles.json"])["records"]
    assert not [r for r in circles if r["kind"] == "signup_wish"]  # Zoe's exclusion is hers


def test_the_task_runs_through_the_queue_and_tells_the_person(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Queued after commit; the person is notified (in the app and by e-mail) once it is ready."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = services.export_request(user=world.anna)
    assert DataExport.objects.get(pk=export.pk).status == DataExport.Status.QUEUED
    assert callbacks
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    assert export.file.name.startswith("exports/")
    note = Notification.objects.get(recipient=world.anna, type="privacy_export_ready")
    assert note.data["export_id"] == export.pk
    sent = [m for m in mail.outbox if "anna.becker@sparkasse.example" in m.to]
    assert [m.subject for m in sent if "data export" in m.subject.lower()], [
        m.subject for m in sent
    ]
    # A second delivery of the same task does nothing.
    assert tasks.build_export.call(export.pk) == "skipped"


def test_one_export_at_a_time(world: World) -> None:
    """A second request while one is queued is refused with a clear message."""
    services.export_request(user=world.anna)  # not committed: stays queued
    with pytest.raises(ServiceError) as refused:
        services.export_request(user=world.anna)
    assert "already being prepared" in str(refused.value.message)
    assert DataExport.objects.filter(user=world.anna).count() == 1


def test_expired_exports_are_deleted(
    world: World, django_capture_on_commit_callbacks: Any, client_for: Any
) -> None:
    """Past DATA_EXPORT_DAYS the file goes and the download is a 404."""
    export = _export(world, django_capture_on_commit_callbacks)
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    url = reverse("privacy:export_download", args=[export.pk])
    assert client_for(world.anna).get(url).status_code == 404
    assert tasks.expire_exports.call() == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED
    assert not storage.exists(name)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("owner", 200), ("other", 404), ("admin", 404), ("anonymous", 302)],
)
def test_download_permission_table(
    world: World,
    admin_user: Any,
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
    actor: str,
    expected: int,
) -> None:
    """Only the owner downloads; anyone else signed in, administrators too, gets 404; the
    anonymous are sent to sign in."""
    export = _export(world, django_capture_on_commit_callbacks)
    person = {"owner": world.anna, "other": world.zoe, "admin": admin_user, "anonymous": None}
    response = client_for(person[actor]).get(reverse("privacy:export_download", args=[export.pk]))
    assert response.status_code == expected
    if actor == "anonymous":
        assert "/accounts/login/" in response["Location"]


def test_page_requests_and_shows_progress(world: World, client_for: Any) -> None:
    """The page asks for an export; while it runs the status block polls every 2 s."""
    client = client_for(world.anna)
    page = client.get(reverse("privacy:export"))
    assert page.status_code == 200
    assert b"Request an export" in page.content
    # The request's commit is not run here: the export stays queued, as while a worker is busy.
    response = client.post(reverse("privacy:export"))
    assert response.status_code == 302
    export = DataExport.objects.get(user=world.anna)
    assert export.status == DataExport.Status.QUEUED
    status = client.get(reverse("privacy:export_status"), HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 2s"' in status.content
    assert b"Refresh" in status.content  # the no-JS fallback
    again = client.post(reverse("privacy:export"), follow=True)
    assert b"already being prepared" in again.content


def test_page_in_german(world: World, client_for: Any, settings: Any) -> None:
    """The page speaks German."""
    settings.LANGUAGE_CODE = "de"
    world.anna.ui_language = "de"
    world.anna.save(update_fields=["ui_language"])
    page = client_for(world.anna).get(reverse("privacy:export"))
    assert b"Deine Daten" in page.content
    assert b"Export anfordern" in page.content


def test_archives_without_a_row_are_swept(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """An archive whose person was deleted goes with the hourly job, once an hour old."""
    export = _export(world, django_capture_on_commit_callbacks)
    storage, name = export.file.storage, export.file.name
    DataExport.objects.filter(pk=export.pk).delete()
    assert tasks.sweep_orphaned_archives() == []  # younger than an hour: may be being written
    later = timezone.now() + timedelta(hours=2)
    assert tasks.sweep_orphaned_archives(now=later) == [name]
    assert not storage.exists(name)
