"""Personal data exporters (GDPR Art. 15 and 20): what Hanse stores about a person, registered
by the apps that store it.

Like the searchable and retention types, this is machinery only: it imports no app. Each app
declares its exporters in ``<app>/personal_data.py`` and registers them from
``AppConfig.ready()``::

    from hanse.core import personal_data

    personal_data.register(personal_data.Exporter(
        key="posts",                  # the file in the archive: posts.json
        label=_("Posts, comments and reactions"),
        export=_export,               # (user) -> Export(records, files)
    ))

``export(user)`` returns the person's records as JSON-serialisable dicts (datetimes and
decimals are written by Django's JSON encoder) and the files that are theirs as
``(path in the archive, stored file)``. An exporter reads only what is *about this person*:
their own content and settings, never another person's private data (their e-mail, their
messages, votes that are anonymous by design). The archive is built in ``hanse/privacy``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile
    from django.utils.functional import Promise


@dataclass
class Export:
    records: list[dict[str, Any]] = field(default_factory=list)
    # (path inside the archive, the stored file): written under files/<key>/ in the ZIP.
    files: list[tuple[str, FieldFile]] = field(default_factory=list)


@dataclass(frozen=True)
class Exporter:
    key: str
    label: str | Promise
    export: Callable[[Any], Export]
    # One sentence for the archive's README: what the file holds (and what it leaves out).
    description: str | Promise = ""
    order: int = 100


_exporters: dict[str, Exporter] = {}


def register(exporter: Exporter) -> None:
    """Register an exporter; registering the same key again replaces it (autoreload, tests)."""
    _exporters[exporter.key] = exporter


def all_exporters() -> list[Exporter]:
    return sorted(_exporters.values(), key=lambda e: (e.order, e.key))


def rows(queryset: models.QuerySet[Any], *fields: str, kind: str = "") -> list[dict[str, Any]]:
    """The ``fields`` of each row (``values()``, so related fields as ``fk__name``), tagged
    with ``kind`` when given: the building block of most exporters."""
    out = []
    for row in queryset.values(*fields):
        record = {"kind": kind, **row} if kind else dict(row)
        out.append(record)
    return out


def file_entry(prefix: str, pk: Any, stored: FieldFile, original_name: str = "") -> tuple[str, Any]:
    """An archive path for a stored file that cannot collide: ``<prefix>/<pk>-<name>``."""
    name = posixpath.basename(original_name or stored.name or "file").replace("/", "_")
    return (f"{prefix}/{pk}-{name}", stored)


def files_of(
    items: Iterable[Any], prefix: str, *, field_name: str = "file", name_attr: str = "original_name"
) -> list[tuple[str, Any]]:
    """Archive entries for the stored files of these rows (rows without a file are skipped)."""
    out = []
    for item in items:
        stored = getattr(item, field_name)
        if stored and stored.name:
            out.append(file_entry(prefix, item.pk, stored, getattr(item, name_attr, "") or ""))
    return out
