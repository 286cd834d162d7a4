"""Erasure (GDPR Art. 17): after it, no table, file or cache holds the person's name, e-mail
or id (the audit log keeps the id, by law, and nothing else), under both policies."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse

from hanse.audit.models import AuditEntry, AuditHead
from hanse.core import cache_scrub, personal_data
from hanse.core.errors import ServiceError
from hanse.posts.models import Post
from hanse.privacy import erasure as service
from hanse.privacy import services as export_services
from hanse.privacy.models import DataExport, Erasure
from tests.privacy.conftest import ANNA_FILE, ANNA_ID, ANNA_TEXTS, World

pytestmark = pytest.mark.django_db

NEEDLES = ("Anna Becker", "Becker", "annab", "anna.becker@sparkasse.example", str(ANNA_ID))
# Kept on purpose and documented (docs/privacy.md): the append-only, hash-chained audit log.
EXEMPT = {AuditEntry, AuditHead}


def _fill_caches(world: World, client_for: Any) -> None:
    """Render the pages that cache something about Anna (stream cards, profile, counts)."""
    for person in (world.anna, world.zoe):
        client = client_for(person)
        assert client.get("/").status_code == 200
        client.get(reverse("people:profile", args=["annab"]))
        client.get(reverse("communities:detail", args=[world.community.slug]))


def _export_zip(world: World, capture: Any) -> DataExport:
    with capture(execute=True):
        export = export_services.export_request(user=world.anna)
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    return export


def _erase(world: World, admin: Any, policy: str, capture: Any) -> Erasure:
    with capture(execute=True):
        erasure = service.erasure_request(user=world.anna, by=admin, policy=policy)
    erasure.refresh_from_db()
    assert erasure.status == Erasure.Status.DONE, erasure.error
    return erasure


def _has_text(qs: Any, field: str, needle: str) -> bool:
    """The needle in a text or JSON column; the id only as a number of its own, so that a
    timestamp's microseconds (".987654") are not taken for it."""
    if not needle.isdigit():
        return bool(qs.filter(**{f"{field}__icontains": needle}).exists())
    as_text = qs.annotate(_as_text=Cast(field, models.TextField()))
    return bool(as_text.filter(_as_text__regex=rf"(^|[^0-9.]){needle}([^0-9]|$)").exists())


def _traces_in_tables() -> list[str]:
    found = []
    user_model = get_user_model()
    for model in apps.get_models(include_auto_created=True):
        if model in EXEMPT:
            continue
        for field in model._meta.concrete_fields:
            qs = model._default_manager.all()
            if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                found += [
                    f"{model._meta.label}.{field.name} ~ {needle}"
                    for needle in NEEDLES
                    if _has_text(qs, field.name, needle)
                ]
            elif isinstance(field, (models.IntegerField, models.ForeignKey)) and not isinstance(
                field, models.AutoField
            ):
                related = getattr(field, "related_model", None)
                if related not in (None, user_model):
                    continue
                if qs.filter(**{field.attname: ANNA_ID}).exists():
                    found.append(f"{model._meta.label}.{field.attname} = {ANNA_ID}")
    from hanse.jobs.models import OutboxEvent

    found += [
        f"outbox {row}"
        for row in OutboxEvent.objects.values("pk", "task_path", "args", "enqueued_at")
        if _has_text(OutboxEvent.objects.filter(pk=row["pk"]), "args", str(ANNA_ID))
    ]
    # Session rows are encoded: decode them.
    found += [
        f"session {s.session_key}"
        for s in Session.objects.all()
        if str(s.get_decoded().get("_auth_user_id")) == str(ANNA_ID)
    ]
    return found


def _traces_in_files(contents: tuple[bytes, ...] = ()) -> list[str]:
    found = []
    roots = {Path(settings.MEDIA_ROOT), Path(settings.DATA_DIR)}
    needles = [n.encode() for n in NEEDLES if not n.isdigit()] + list(contents)
    for root in roots:
        for folder, _dirs, names in os.walk(root):
            for name in names:
                path = Path(folder) / name
                if any(n.decode(errors="ignore").lower() in str(path).lower() for n in needles):
                    found.append(str(path))
                    continue
                data = path.read_bytes().lower()
                found += [f"{path} ~ {n!r}" for n in needles if n.lower() in data]
    return found


def _traces_in_caches() -> list[str]:
    found = []
    needles = [n.encode() for n in NEEDLES if not n.isdigit()]
    for alias in settings.CACHES:
        for key, raw, _handle in cache_scrub.entries(alias):
            if str(ANNA_ID).encode() in re.findall(rb"\d+", key):
                found.append(f"{alias}: key {key!r}")
            elif any(n.lower() in raw.lower() for n in needles):
                found.append(f"{alias}: value of {key!r}")
    return found


@pytest.mark.parametrize("policy", personal_data.POLICIES)
def test_erasure_leaves_no_trace(
    world: World,
    admin_user: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
    policy: str,
) -> None:
    """Name, username, e-mail and id: in no table (but the audit log), file or cache."""
    export = _export_zip(world, django_capture_on_commit_callbacks)
    export_name = export.file.name
    _fill_caches(world, client_for)
    assert _traces_in_tables(), "the seed must leave traces to find"
    assert _traces_in_caches(), "the pages must have cached something about Anna"
    erasure = _erase(world, admin_user, policy, django_capture_on_commit_callbacks)
    assert _traces_in_tables() == []
    contents = (ANNA_FILE,) if policy == personal_data.DELETE else ()
    assert _traces_in_files(contents) == []
    assert not export.file.storage.exists(export_name)
    assert _traces_in_caches() == []
    # The audit log keeps the internal id only: who asked, the policy, no name.
    entries = AuditEntry.objects.filter(action__startswith="privacy.erasure_")
    assert [e.action for e in entries.order_by("seq")] == [
        "privacy.erasure_requested",
        "privacy.erasure_completed",
    ]
    for entry in entries:
        assert entry.actor_id == admin_user.pk
        assert entry.target_id == str(ANNA_ID)
        assert entry.data == {"policy": policy, "erasure_id": erasure.pk}
    assert erasure.user_id is None
    assert not get_user_model().objects.filter(pk=ANNA_ID).exists()
    # Zoe's own content is untouched.
    assert Post.objects.filter(author=world.zoe).exists()
    if policy == personal_data.DELETE:
        assert not Post.objects.filter(body=ANNA_TEXTS[0]).exists()


def test_pseudonymised_content_shows_former_employee(
    world: World, admin_user: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Her post stays on the stream as "Former employee"; her profile is a 404; search finds
    nothing by her name."""
    _fill_caches(world, client_for)
    erasure = _erase(
        world, admin_user, personal_data.PSEUDONYMISE, django_capture_on_commit_callbacks
    )
    post = Post.objects.get(body=ANNA_TEXTS[0])
    assert post.author_id == erasure.pseudonym_id
    assert post.author.display_name == "Former employee"
    client = client_for(world.zoe)
    page = client.get("/").content.decode()
    assert ANNA_TEXTS[0] in page
    assert "Former employee" in page
    assert "Anna Becker" not in page
    with_german = client_for(world.zoe)
    with_german.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    german = with_german.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Ehemalige:r Mitarbeiter:in" in german
    assert client.get(reverse("people:profile", args=["annab"])).status_code == 404
    pseudonym = erasure.pseudonym
    assert client.get(reverse("people:profile", args=[pseudonym.username])).status_code == 404
    # Nothing found by her name: neither her profile nor the content she wrote.
    for needle in ("Anna Becker", "Becker", "annab", "anna.becker@sparkasse.example"):
        results = client.get(reverse("search:results"), {"q": needle}).content.decode()
        assert "/people/annab/" not in results, needle
        assert ANNA_TEXTS[0] not in results, needle


def test_preview_changes_nothing(world: World, client_for: Any) -> None:
    """The dry run counts what would go and leaves every row, file and account as it was."""
    posts = Post.objects.count()
    counts = service.erasure_preview(user=world.anna, policy=personal_data.DELETE)
    assert counts["posts"]["posts"] == Post.objects.filter(author=world.anna).count() > 0
    assert counts["chat"]["messages"] == 2
    assert Post.objects.count() == posts
    world.anna.refresh_from_db()
    assert world.anna.is_active
    assert not get_user_model().objects.filter(is_former=True).exists()
    assert not Erasure.objects.exists()


def test_a_crashed_erasure_resumes(
    world: World,
    admin_user: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A step that fails leaves its own work undone and the earlier steps done; the account
    stays deactivated and marked; a rerun finishes without doing anything twice."""
    wiki = next(e for e in personal_data.all_erasers() if e.key == "wiki")

    def broken(user: Any, erasure: Any) -> dict[str, int]:
        raise RuntimeError("disk full")

    monkeypatch.setitem(
        personal_data._exporters,
        "wiki",
        personal_data.Exporter(**{**wiki.__dict__, "erase": broken}),
    )
    with django_capture_on_commit_callbacks(execute=True):
        service.erasure_request(user=world.anna, by=admin_user, policy=personal_data.DELETE)
    erasure = Erasure.objects.get()
    assert erasure.status == Erasure.Status.FAILED
    assert "posts" in erasure.steps_done
    assert "wiki" not in erasure.steps_done
    assert erasure.user_id == ANNA_ID
    world.anna.refresh_from_db()
    assert not world.anna.is_active
    # A second request while it is unfinished is refused.
    with pytest.raises(ServiceError):
        service.erasure_request(user=world.anna, by=admin_user, policy=personal_data.DELETE)
    monkeypatch.setitem(personal_data._exporters, "wiki", wiki)
    with django_capture_on_commit_callbacks(execute=True):
        assert service.erasure_run(erasure.pk) == "done"
    erasure.refresh_from_db()
    assert erasure.status == Erasure.Status.DONE
    assert erasure.counts["posts"]["posts"] > 0
    assert service.erasure_run(erasure.pk) == "skipped"
    assert _traces_in_tables() == []


def test_the_command(world: World, django_capture_on_commit_callbacks: Any, capsys: Any) -> None:
    """--dry-run prints counts and changes nothing; without it the person is erased."""
    call_command("hanse_erase_person", "annab", "--policy", "delete", "--dry-run")
    assert "posts.posts: 2" in capsys.readouterr().out  # her post and her praise
    assert get_user_model().objects.filter(pk=ANNA_ID, is_active=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("hanse_erase_person", "annab", "--policy", "pseudonymise")
    out = capsys.readouterr().out
    assert "done" in out
    assert "Anna" not in out
    assert not get_user_model().objects.filter(pk=ANNA_ID).exists()
    entry = AuditEntry.objects.get(action="privacy.erasure_requested")
    assert entry.actor_id is None
    assert entry.data["policy"] == "pseudonymise"


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 302),
        ("member", 404),
        ("moderator", 404),
        ("deactivated", 302),
        ("admin", 200),
    ],
)
def test_erasure_pages_permission_table(
    world: World, make_user: Any, client_for: Any, actor: str, expected: int
) -> None:
    """Only platform administrators see the erasure pages; everyone else gets 404 (or is sent
    to sign in)."""
    people = {
        "anonymous": None,
        "member": world.zoe,
        "moderator": make_user("mod", is_staff=True),
        "deactivated": make_user("gone", is_superuser=True, is_active=False),
        "admin": make_user("boss", is_superuser=True, is_staff=True),
    }
    client = client_for(people[actor])
    for url in (
        reverse("privacy:erasure_find"),
        reverse("privacy:erasure_confirm", args=["annab"]),
    ):
        response = client.get(url)
        assert response.status_code == expected, url
    if actor != "admin":
        response = client.post(
            reverse("privacy:erasure_confirm", args=["annab"]),
            {"policy": "delete", "confirm": "annab"},
        )
        assert response.status_code in (302, 404)
        assert get_user_model().objects.filter(pk=ANNA_ID, is_active=True).exists()


def test_confirmation_page_shows_counts_and_needs_the_username(
    world: World, make_user: Any, client_for: Any
) -> None:
    """The page states what happens with counts per policy; a wrong confirmation is refused."""
    admin = make_user("boss", is_superuser=True, is_staff=True)
    client = client_for(admin)
    url = reverse("privacy:erasure_confirm", args=["annab"])
    page = client.get(url).content.decode()
    assert "Anna Becker" in page
    assert "audit log" in page
    assert "posts: 2" in page
    wrong = client.post(url, {"policy": "delete", "confirm": "anna"})
    assert wrong.status_code == 400
    assert "Type the username exactly" in wrong.content.decode()
    assert not Erasure.objects.exists()
    right = client.post(url, {"policy": "delete", "confirm": "annab"})
    assert right.status_code == 302
    erasure = Erasure.objects.get()
    assert right["Location"] == reverse("privacy:erasure_status", args=[erasure.pk])
    status = client.get(right["Location"]).content.decode()
    assert "Anna" not in status
