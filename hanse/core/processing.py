"""The record of processing activities (Art. 30 GDPR): machinery only, it imports no app.

Two halves. What Hanse stores about people is read from the models themselves
(:func:`stored_models`): every model with a foreign key, one-to-one or many-to-many field to the
user model, and every field of the user model and of models bound one-to-one to it. A new model
with a reference to a person shows up without anyone writing a line. Why it is stored, on which
legal basis, for how long and who receives it is written by hand (:class:`Activity`),
registered per app label from ``AppConfig.ready()``::

    from hanse.core import processing

    processing.register(processing.Activity(
        app_label="chat",
        name=_("Chat"),
        purpose=_("Conversations between colleagues in channels and direct messages."),
        legal_basis=_("Art. 6(1)(b) GDPR, Section 26 BDSG: employment relationship"),
        recipients=_("Members of the channel; administrators through Django admin"),
        retention=_("Deleted after the chat retention period."),
        retention_policies=("chat",),          # keys in hanse.core.retention
    ))

:func:`undocumented` lists the models that reference a person and that no activity covers; a
test fails while it is not empty, so a new model cannot be stored without a description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import models

from hanse.core import personal_data, retention

if TYPE_CHECKING:
    from django.utils.functional import Promise


@dataclass(frozen=True)
class Activity:
    app_label: str
    name: str | Promise
    purpose: str | Promise
    legal_basis: str | Promise
    recipients: str | Promise
    # In words; the policies below add their setting and current period.
    retention: str | Promise
    # Keys of retention policies (hanse.core.retention) that delete this app's data.
    retention_policies: tuple[str, ...] = ()
    # Categories of people concerned.
    data_subjects: str | Promise = ""
    # Models that hold a person's id without a foreign key (the audit log's actor id, the
    # session store): "app_label.ModelName". They are listed as declared, not discovered.
    also_stores: tuple[str, ...] = ()


_activities: dict[str, Activity] = {}


def register(activity: Activity) -> None:
    """Register the description of one app's processing; the same label again replaces it."""
    _activities[activity.app_label] = activity


def unregister(app_label: str) -> None:
    _activities.pop(app_label, None)


def activities() -> dict[str, Activity]:
    return dict(_activities)


@dataclass(frozen=True)
class PersonalField:
    name: str
    verbose_name: str
    # "reference": points to a person (foreign key, one-to-one, many-to-many);
    # "attribute": a field of the person's own record (user model, one-to-one profile);
    # "declared": named by the app's description (a person's id without a foreign key).
    kind: str


@dataclass(frozen=True)
class StoredModel:
    label: str  # "app_label.ModelName"
    app_label: str
    verbose_name: str
    db_table: str
    fields: tuple[PersonalField, ...]


@dataclass(frozen=True)
class RetentionInfo:
    key: str
    label: str
    setting: str
    days: int  # 0 = kept forever


@dataclass(frozen=True)
class AppRecord:
    app_label: str
    app_name: str
    activity: Activity | None
    models: tuple[StoredModel, ...]
    retention: tuple[RetentionInfo, ...] = field(default=())


def _user_model() -> type[models.Model]:
    return apps.get_model(settings.AUTH_USER_MODEL)


def _points_to_user(f: Any, user: type[models.Model]) -> bool:
    return bool(
        getattr(f, "concrete", False)
        and f.is_relation
        and (f.many_to_one or f.one_to_one or f.many_to_many)
        and f.related_model is not None
        and f.related_model is user
    )


def _stored_model(model: type[models.Model], user: type[models.Model]) -> StoredModel | None:
    meta = model._meta
    fields = meta.get_fields()
    bound_to_person = model is user or any(
        _points_to_user(f, user) and f.one_to_one for f in fields
    )
    found: list[PersonalField] = []
    for f in fields:
        if not isinstance(f, models.Field):
            continue
        if _points_to_user(f, user):
            found.append(PersonalField(f.name, str(f.verbose_name), "reference"))
        elif bound_to_person and not f.primary_key:
            found.append(
                PersonalField(f.name, str(getattr(f, "verbose_name", f.name)), "attribute")
            )
    if not found:
        return None
    return StoredModel(
        label=meta.label,
        app_label=meta.app_label,
        verbose_name=str(meta.verbose_name),
        db_table=meta.db_table,
        fields=tuple(found),
    )


def stored_models() -> list[StoredModel]:
    """Every model that stores something about a person, found in the app registry."""
    user = _user_model()
    found = []
    for model in apps.get_models():
        stored = _stored_model(model, user)
        if stored is not None:
            found.append(stored)
    return sorted(found, key=lambda s: s.label)


def _declared(label: str) -> StoredModel | None:
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    meta = model._meta
    return StoredModel(
        label=meta.label,
        app_label=meta.app_label,
        verbose_name=str(meta.verbose_name),
        db_table=meta.db_table,
        fields=(PersonalField("", "", "declared"),),
    )


def undocumented() -> list[str]:
    """Labels of models that reference a person while no activity describes their app."""
    described = set(_activities)
    return [s.label for s in stored_models() if s.app_label not in described]


def _retention(keys: tuple[str, ...]) -> tuple[RetentionInfo, ...]:
    found = []
    for key in keys:
        policy = retention.get(key)
        if policy is not None:
            found.append(RetentionInfo(key, str(policy.label), policy.setting, int(policy.days())))
    return tuple(found)


def retention_of(keys: tuple[str, ...]) -> tuple[RetentionInfo, ...]:
    """The retention policies with these keys, with their setting and current period."""
    return _retention(keys)


@dataclass(frozen=True)
class ErasureInfo:
    """What an erasure (Art. 17 GDPR) does to one app's data, as its ``ErasureNote`` says."""

    key: str
    name: str
    # Whether the app has an erase step of its own (else its data goes with the account).
    own_step: bool
    # False for an erase step without a note: shown as undescribed, and a test fails.
    described: bool
    both: str
    pseudonymise: str
    delete: str
    kept: str
    retention: tuple[RetentionInfo, ...] = ()


def erasure_by_app() -> list[ErasureInfo]:
    """Per app of the personal-data registry, in the order the erase steps run: what an
    erasure does to its data. Read from the same registry the erasure runs
    (hanse/core/personal_data.py), so the record cannot drift from the steps."""
    found = []
    for exporter in personal_data.all_exporters():
        note = exporter.erasure
        found.append(
            ErasureInfo(
                key=exporter.key,
                name=str(exporter.label),
                own_step=exporter.erase is not None,
                described=note is not None or exporter.erase is None,
                both=str(note.both) if note else "",
                pseudonymise=str(note.pseudonymise) if note else "",
                delete=str(note.delete) if note else "",
                kept=str(note.kept) if note else "",
                retention=_retention(note.retention_policies) if note else (),
            )
        )
    return found


def record() -> list[AppRecord]:
    """The record: one entry per app that stores something about people, with its
    description (None when there is none: shown as missing, and a test fails)."""
    by_app: dict[str, list[StoredModel]] = {}
    for stored in stored_models():
        by_app.setdefault(stored.app_label, []).append(stored)
    for activity in _activities.values():
        for label in activity.also_stores:
            declared = _declared(label)
            if declared is not None and all(
                s.label != label for s in by_app.get(declared.app_label, [])
            ):
                by_app.setdefault(activity.app_label, []).append(declared)
    rows = []
    for app_label, listed in by_app.items():
        described = _activities.get(app_label)
        try:
            app_name = str(apps.get_app_config(app_label).verbose_name)
        except LookupError:
            app_name = app_label
        rows.append(
            AppRecord(
                app_label=app_label,
                app_name=str(described.name) if described else app_name,
                activity=described,
                models=tuple(sorted(listed, key=lambda s: s.label)),
                retention=_retention(described.retention_policies) if described else (),
            )
        )
    return sorted(rows, key=lambda r: (r.activity is not None, r.app_name.lower()))


def as_data() -> list[dict[str, Any]]:
    """The record as plain data (the JSON download; the CSV flattens it)."""
    return [
        {
            "app": row.app_label,
            "name": row.app_name,
            "purpose": str(row.activity.purpose) if row.activity else None,
            "legal_basis": str(row.activity.legal_basis) if row.activity else None,
            "data_subjects": str(row.activity.data_subjects) if row.activity else None,
            "recipients": str(row.activity.recipients) if row.activity else None,
            "retention": str(row.activity.retention) if row.activity else None,
            "retention_policies": [
                {"key": r.key, "label": r.label, "setting": r.setting, "days": r.days}
                for r in row.retention
            ],
            "models": [
                {
                    "model": m.label,
                    "table": m.db_table,
                    "name": m.verbose_name,
                    "fields": [
                        {"field": f.name, "name": f.verbose_name, "kind": f.kind}
                        for f in m.fields
                        if f.kind != "declared"
                    ],
                    "declared": any(f.kind == "declared" for f in m.fields),
                }
                for m in row.models
            ],
        }
        for row in record()
    ]
