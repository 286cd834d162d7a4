"""The record of processing activities (Art. 30 GDPR): who may see it, that it lists every
model that references a person, that an undescribed model is found, the downloads."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse

from hanse.audit.models import AuditEntry
from hanse.core import moderation, processing

pytestmark = pytest.mark.django_db

PAGE = reverse("processing:record")
JSON = reverse("processing:json")
CSV = reverse("processing:csv")


@pytest.fixture
def dpo(make_user):
    """The data protection officer: the role the migration creates, not staff."""
    person = make_user("datenschutz", ui_language="de")
    person.groups.add(Group.objects.get(name="Datenschutzbeauftragte"))
    return person


def _user_references() -> set[str]:
    """Every model with a field pointing at the user model, found independently of the code."""
    user = get_user_model()
    return {
        model._meta.label
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False)
        and f.is_relation
        and getattr(f.remote_field, "model", None) is user
    }


# Actor x surface -> outcome. Refused looks like unknown (404); anonymous is sent to sign in.
@pytest.mark.parametrize("url", [PAGE, JSON, CSV])
@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 302),
        ("member", 404),
        ("staff_without_permission", 404),
        # Deactivated: signed out by the session check, so sent to sign in like anyone.
        ("deactivated_dpo", 302),
        ("dpo", 200),
        ("platform_admin", 200),
    ],
)
def test_permission_table(actor, expected, url, make_user, client_for, admin_user, dpo):
    people = {
        "anonymous": None,
        "member": make_user("m"),
        "staff_without_permission": make_user("s", is_staff=True),
        "dpo": dpo,
        "platform_admin": admin_user,
    }
    if actor == "deactivated_dpo":
        dpo.is_active = False
        dpo.save(update_fields=["is_active"])
        client = client_for(None)
        client.force_login(dpo, backend="django.contrib.auth.backends.AllowAllUsersModelBackend")
    else:
        client = client_for(people[actor])
    response = client.get(url)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("account_login"))
    exported = AuditEntry.objects.filter(action="processing.record_exported")
    assert exported.exists() == (expected == 200 and url != PAGE)


def test_every_model_with_a_person_reference_is_listed(client_for, admin_user) -> None:
    """The page names each table that references a person, with the referencing fields."""
    references = _user_references()
    assert {"chat.Message", "posts.Post", "moderation.Report", "mfa.Authenticator"} <= references
    found = {s.label for s in processing.stored_models()}
    assert references <= found
    page = client_for(admin_user).get(PAGE).content.decode()
    for stored in processing.stored_models():
        assert f'<code class="small">{stored.db_table}</code>' in page, stored.label
    # The referencing fields, and the user model's own fields.
    assert 'title="author">author</code>' in page or ">author</code>" in page
    assert ">email</code>" in page and ">last_login</code>" in page
    # Declared stores without a foreign key: the audit log's actor id, the session store.
    assert "audit_auditentry" in page and "django_session" in page


def test_every_app_that_stores_people_is_described() -> None:
    """The point of the record: a model referencing a person without a description fails."""
    assert processing.undocumented() == []


@pytest.fixture
def undescribed_model() -> Iterator[type[models.Model]]:
    """A new model with a reference to a person in an app that has no description."""
    meta = type("Meta", (), {"app_label": "processing", "managed": False})
    model = type(
        "TemporaryNote",
        (models.Model,),
        {
            "__module__": "hanse.processing.models",
            "owner": models.ForeignKey(
                settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
            ),
            "Meta": meta,
        },
    )
    try:
        yield model
    finally:
        del apps.all_models["processing"]["temporarynote"]
        apps.clear_cache()


def test_a_new_model_shows_up_undescribed(undescribed_model, client_for, admin_user) -> None:
    """Nobody registers it: it is found from the models, listed and flagged as missing."""
    assert processing.undocumented() == ["processing.TemporaryNote"]
    page = client_for(admin_user).get(PAGE).content.decode()
    assert "Not yet described" in page
    assert "processing_temporarynote" in page and ">owner</code>" in page


def test_an_unregistered_description_is_missing() -> None:
    chat = processing.activities()["chat"]
    processing.unregister("chat")
    try:
        missing = processing.undocumented()
        assert {"chat.Message", "chat.ChannelMember", "chat.Channel"} <= set(missing)
    finally:
        processing.register(chat)


def test_retention_comes_from_the_policies(client_for, admin_user, settings) -> None:
    settings.RETENTION_CHAT_DAYS = 730
    data = {row["app"]: row for row in processing.as_data()}
    assert data["chat"]["retention_policies"][0] == {
        "key": "chat",
        "label": "Chat messages",
        "setting": "RETENTION_CHAT_DAYS",
        "days": 730,
    }
    assert data["audit"]["retention_policies"][0]["setting"] == "RETENTION_AUDIT_DAYS"
    page = client_for(admin_user).get(PAGE).content.decode()
    assert "730 days" in page and "RETENTION_CHAT_DAYS" in page


def test_removed_content_retention_is_named_where_it_purges(settings) -> None:
    """Every app whose content moderation removes and retention then purges (posts and
    comments, chat messages, events, ideas) names that policy with its period."""
    settings.RETENTION_REMOVED_CONTENT_DAYS = 90
    data = {row["app"]: row for row in processing.as_data()}
    purged = {t.model._meta.app_label for t in moderation.all_types() if t.purge is not None}
    assert purged >= {"posts", "chat", "events", "ideas"}
    for app in sorted(purged):
        policies = {p["key"]: p for p in data[app]["retention_policies"]}
        assert policies.get("removed_content", {}).get("days") == 90, app


def test_downloads(client_for, dpo) -> None:
    client = client_for(dpo)
    response = client.get(JSON)
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    body = json.loads(response.content)
    labels = {m["model"] for row in body["activities"] for m in row["models"]}
    assert {s.label for s in processing.stored_models()} <= labels
    chat = next(row for row in body["activities"] if row["app"] == "chat")
    assert chat["purpose"] and chat["legal_basis"] and chat["recipients"]

    response = client.get(CSV)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "app" and rows[0][-1] == "fields"
    assert len(rows) - 1 == len(labels)
    message = next(r for r in rows if r[8] == "chat.Message")
    assert "author" in message[10]
    assert AuditEntry.objects.filter(action="processing.record_exported").count() == 2


def test_the_role_holds_only_this_permission() -> None:
    role = Group.objects.get(name="Datenschutzbeauftragte")
    assert [p.codename for p in role.permissions.all()] == ["view_processing_record"]


def test_german(client_for, dpo) -> None:
    page = client_for(dpo).get(PAGE).content.decode()
    assert "Verzeichnis der Verarbeitungstätigkeiten" in page
    assert "Rechtsgrundlage" in page and "Zweck" in page
    assert "Unterhaltungen in Kanälen" in page
