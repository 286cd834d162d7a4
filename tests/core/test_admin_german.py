"""Every name the German admin shows is translated: apps, models, columns, filters, fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.admin.utils import label_for_field
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy, trans_real

from hanse.people.models import User


def _catalog() -> Any:
    # The merged German catalog: our django.po first, then Django's and the apps' own.
    return trans_real.translation("de")._catalog


def _untranslated(text: Any) -> str | None:
    """The English source of `text` when German has no entry for it, else None."""
    with translation.override(None):
        msgid = str(text)
    with translation.override("de"):
        german = str(text)
    if german != msgid:
        return None
    catalog = _catalog()
    # The admin capitalises names ("created at" -> "Created at"); either spelling counts.
    candidates = {msgid, msgid[:1].lower() + msgid[1:], msgid[:1].upper() + msgid[1:]}
    return None if any(c in catalog for c in candidates) else msgid


# Names that are the same in German and that Django offers no way to translate: the Meta of a
# third-party model, spelled as a plain string. Each with its reason.
SAME_IN_GERMAN = {
    "django_rq.Dashboard": "django-rq's dashboard (with Redis) is named after the product",
}


def _request() -> Any:
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return request


def _shown_names(model_admin: BaseModelAdmin[Any], request: Any) -> Iterator[str]:
    """Field and column names the admin shows for one model (lists, filters, forms)."""
    if isinstance(model_admin, admin.ModelAdmin):
        for name in model_admin.get_list_display(request):
            if isinstance(name, str) and name != "__str__":
                yield name
        for entry in model_admin.get_list_filter(request):
            if isinstance(entry, str):
                yield entry.split("__")[0]
            elif isinstance(entry, tuple):
                yield entry[0].split("__")[0]
    for _title, options in model_admin.get_fieldsets(request, None):
        for name in options["fields"]:
            yield from name if isinstance(name, list | tuple) else [name]
    yield from model_admin.get_readonly_fields(request, None)


def _problems_for(model: type[models.Model], model_admin: BaseModelAdmin[Any], request: Any):
    meta = model._meta
    if meta.label in SAME_IN_GERMAN:
        return
    for what, text in (
        ("verbose_name", meta.verbose_name),
        ("verbose_name_plural", meta.verbose_name_plural),
    ):
        if isinstance(text, str):
            # Django's default from the class name ("rsvp", "calendar tokens"): never German,
            # even when the same English word happens to be in the catalog.
            yield f"{meta.label}.{what}: {text!r} is not marked for translation"
        elif (msgid := _untranslated(text)) is not None:
            yield f"{meta.label}.{what}: {msgid!r}"
    for name in dict.fromkeys(_shown_names(model_admin, request)):
        try:
            field = meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if field is not None and hasattr(field, "verbose_name"):
            label: Any = field.verbose_name
            if isinstance(label, str) and not field.auto_created:
                yield f"{meta.label}.{name}: {label!r} is not marked for translation"
                continue
            help_text = getattr(field, "help_text", "")
            if help_text and (msgid := _untranslated(help_text)) is not None:
                yield f"{meta.label}.{name} help text: {msgid!r}"
        else:
            try:
                label = label_for_field(name, model, model_admin)
            except AttributeError:
                continue  # a form-only field (the user form's passwords): Django labels it
        if (msgid := _untranslated(label)) is not None:
            yield f"{meta.label}.{name}: {msgid!r}"


def test_the_check_tells_translated_from_untranslated():
    """The walker's test itself: a catalog entry passes, a plain English name does not."""
    assert _untranslated(gettext_lazy("created at")) is None
    assert _untranslated(gettext_lazy("Task Results")) is None  # a third-party name
    assert _untranslated("calendar tokens") == "calendar tokens"
    assert _untranslated(gettext_lazy("no German for this one")) == "no German for this one"


def test_every_admin_name_is_german():
    """Walk every registered admin model and its inlines; list what German does not name."""
    request = _request()
    problems: list[str] = []
    app_labels = set()
    for model, model_admin in admin.site._registry.items():
        app_labels.add(model._meta.app_label)
        problems.extend(_problems_for(model, model_admin, request))
        for inline in model_admin.get_inline_instances(request, None):
            problems.extend(_problems_for(inline.model, inline, request))
            app_labels.add(inline.model._meta.app_label)
    problems.extend(
        f"app {label}: {msgid!r}"
        for label in sorted(app_labels)
        if (msgid := _untranslated(apps.get_app_config(label).verbose_name)) is not None
    )
    assert problems == []


@pytest.mark.django_db
def test_admin_index_reads_german(client, django_user_model):
    """The index a German administrator opens names apps and models in German."""
    boss = django_user_model.objects.create_superuser(
        username="chefin", email="chefin@example.com", password="pw-chefin-12345"
    )
    client.force_login(boss)
    with translation.override("de"):
        html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    for german in ("Kalender-Abos", "Zu- und Absagen", "Aufgabenergebnisse", "Abrufe der"):
        assert german in html
    for english in ("Calendar tokens", "Rsvps", "Task Results", "accesss"):
        assert english not in html


@pytest.mark.django_db
def test_task_results_list_and_page_read_german(client, django_user_model):
    """django-tasks' results: German columns, a short id in the list, the whole one inside."""
    from django.utils import timezone  # why: only this test needs the clock
    from django_tasks_db.models import DBTaskResult  # why: a third-party model, test-only

    boss = django_user_model.objects.create_superuser(
        username="chefin", email="chefin@example.com", password="pw-chefin-12345"
    )
    client.force_login(boss)
    result = DBTaskResult.objects.create(
        task_path="hanse.notifications.tasks.send_digest",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
    )
    with translation.override("de"):
        listing = client.get(
            "/admin/django_tasks_database/dbtaskresult/", HTTP_ACCEPT_LANGUAGE="de"
        ).content.decode()
        page = client.get(
            f"/admin/django_tasks_database/dbtaskresult/{result.pk}/change/",
            HTTP_ACCEPT_LANGUAGE="de",
        ).content.decode()
    for german in ("Aufgabenergebnis zum Ansehen auswählen", "Eingereiht am", "bereit"):
        assert german in listing
    assert f"{str(result.id)[:8]}…" in listing
    assert str(result.id) not in listing.replace(f"/{result.pk}/", "")
    for german in ("Fehlerverlauf", "Frühestens ab", "Rückgabewert", str(result.id)):
        assert german in page
