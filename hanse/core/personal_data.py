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
        erase=_erase,                 # GDPR Art. 17, see "Erasure" below
        erasure=personal_data.ErasureNote(pseudonymise=_("Posts ... stay under the pseudonym."),
                                          delete=_("Posts ... are deleted.")),
    ))

``export(user)`` returns the person's records as JSON-serialisable dicts (datetimes and
decimals are written by Django's JSON encoder) and the files that are theirs as
``(path in the archive, stored file)``. An exporter reads only what is *about this person*:
their own content and settings, never another person's private data (their e-mail, their
messages, votes that are anonymous by design). The archive is built in ``hanse/privacy``.
"""

from __future__ import annotations

import contextlib
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
class ErasureNote:
    """What an app's erasure does, in words, next to the step it describes: the record of
    processing activities (hanse/processing, Art. 30 with Art. 17 GDPR) is generated from
    these, so a new erase step cannot go undescribed (``undescribed_erasers``). Each field is
    one or two sentences for the data protection officer; leave out what does not apply."""

    # Under either policy: what goes (or ends) besides what cascades with the account.
    both: str | Promise = ""
    # Policy "pseudonymise": what stays, under the pseudonymous account.
    pseudonymise: str | Promise = ""
    # Policy "delete": what goes, with what hangs under it.
    delete: str | Promise = ""
    # What stays under either policy, and why (whose record it is, which obligation).
    kept: str | Promise = ""
    # Keys of retention policies (hanse.core.retention) that later delete what is kept.
    retention_policies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exporter:
    key: str
    label: str | Promise
    export: Callable[[Any], Export]
    # One sentence for the archive's README: what the file holds (and what it leaves out).
    description: str | Promise = ""
    order: int = 100
    # GDPR Art. 17: ``erase(user, erasure) -> {what: count}`` (see "Erasure" below). None
    # when everything the app stores about a person goes with the account (cascades).
    erase: Callable[[Any, Erasure], dict[str, int]] | None = None
    # What ``erase`` does, for the record of processing activities; required with ``erase``
    # (tests/processing/test_erasure_record.py). Without either, the record says the app's
    # data goes with the account.
    erasure: ErasureNote | None = None


_exporters: dict[str, Exporter] = {}


def register(exporter: Exporter) -> None:
    """Register an exporter; registering the same key again replaces it (autoreload, tests)."""
    _exporters[exporter.key] = exporter


def all_exporters() -> list[Exporter]:
    return sorted(_exporters.values(), key=lambda e: (e.order, e.key))


def all_erasers() -> list[Exporter]:
    """The registered apps with an erase step, in the order they run (``erase_order``)."""
    return [e for e in all_exporters() if e.erase is not None]


def undescribed_erasers() -> list[str]:
    """Keys of apps with an erase step but no ``ErasureNote``: the record of processing
    activities shows them as undescribed, and a test fails while there is one."""
    return [e.key for e in all_erasers() if e.erasure is None]


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


# --- Erasure (GDPR Art. 17) -------------------------------------------------------------------
#
# The same registry erases: an exporter may carry ``erase(user, erasure) -> counts``. The
# service in ``hanse/privacy/erasure.py`` runs each app's step in its own transaction and
# records it as done, so a crashed erasure resumes where it stopped. Every step must be safe to
# run twice (it works on the rows still pointing at the person). What an app leaves to the
# final step: rows that cascade with the account (settings, memberships, sessions...) go with
# it, and ``delete_rows`` takes their stored files along.

PSEUDONYMISE = "pseudonymise"
DELETE = "delete"
POLICIES = (PSEUDONYMISE, DELETE)


@dataclass
class Erasure:
    """What an app's erase step is given: the policy and the pseudonymous account ("former
    employee") that content moves to when it stays (always present: some records, such as a
    report one made, stay under both policies)."""

    policy: str
    pseudonym: Any
    # Names, username and e-mail of the person: what must not remain in free text.
    needles: tuple[str, ...] = ()
    # The platform administrator who asked for it (None: the command); who people are told
    # acted when an erasure changes something of theirs (a community's ownership passes on).
    requested_by: Any = None

    @property
    def keeps_content(self) -> bool:
        return self.policy == PSEUDONYMISE


def stored_files(instances: Iterable[models.Model]) -> list[tuple[Any, str]]:
    """(storage, name) of every stored file of these rows (files and thumbnails alike)."""
    out = []
    for instance in instances:
        for f in instance._meta.concrete_fields:
            if isinstance(f, models.FileField):
                stored = getattr(instance, f.attname)
                name = getattr(stored, "name", stored) or ""
                if name:
                    out.append((f.storage, str(name)))
    return out


def delete_files_on_commit(files: list[tuple[Any, str]]) -> None:
    """Delete stored files once the transaction that removed their rows commits (a rolled
    back step keeps them; a missing file is no error)."""
    from django.db import transaction

    def _delete() -> None:
        for storage, name in files:
            # A file already gone is no error (a rerun after a crash).
            with contextlib.suppress(OSError):
                storage.delete(name)

    if files:
        transaction.on_commit(_delete)


def delete_rows(queryset: models.QuerySet[Any]) -> int:
    """Delete these rows and everything that cascades from them, with signals (the search
    index follows), and their stored files after the commit. Returns how many rows went."""
    from django.db import router
    from django.db.models.deletion import Collector

    collector = Collector(using=router.db_for_write(queryset.model))
    collector.collect(list(queryset))
    files: list[tuple[Any, str]] = []
    for instances in collector.data.values():
        files += stored_files(instances)
    for qs in collector.fast_deletes:
        model = qs.model
        if any(isinstance(f, models.FileField) for f in model._meta.concrete_fields):
            files += stored_files(qs)
    total, _per_model = collector.delete()
    delete_files_on_commit(files)
    return total


def reassign(queryset: models.QuerySet[Any], field_name: str, to: Any) -> int:
    """Point ``field_name`` of these rows at ``to`` (the pseudonym); returns the count."""
    return queryset.update(**{field_name: to})


def keep_or_delete(
    user: Any, erasure: Erasure, kinds: Iterable[tuple[str, type[models.Model], str]]
) -> dict[str, int]:
    """For each ``(label, model, field)``: the person's rows move to the pseudonym when the
    policy keeps content, else they go (with their files). Returns the count per label."""
    counts: dict[str, int] = {}
    for label, model, field_name in kinds:
        rows = model.objects.filter(**{field_name: user})  # type: ignore[attr-defined]
        if erasure.keeps_content:
            counts[label] = reassign(rows, field_name, erasure.pseudonym)
        else:
            counts[label] = rows.count()
            delete_rows(rows)
    return counts
