"""Background work of data exports: building the archive, and the hourly expiry
(scheduled in hanse/privacy/jobs.py)."""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django_tasks import task

from hanse.notifications.services import notify
from hanse.notifications.tasks import notify_once
from hanse.privacy.archive import write_archive
from hanse.privacy.models import EXPORTS_FOLDER, DataExport
from hanse.privacy.notifications import EXPORT_READY

logger = logging.getLogger(__name__)

# An export still queued or running after this was left by a worker that died: it fails,
# so the person can ask again.
STALE_AFTER = timedelta(hours=6)


def _set_progress(export_id: int, value: int) -> None:
    DataExport.objects.filter(pk=export_id, status=DataExport.Status.RUNNING).update(
        progress=max(0, min(value, 99))
    )


@task()
def build_export(export_id: int) -> str:
    """Build the ZIP of one export, store it, and tell the person it is ready."""
    # Claimed with one conditional update: a second delivery of the task finds nothing.
    claimed = DataExport.objects.filter(pk=export_id, status=DataExport.Status.QUEUED).update(
        status=DataExport.Status.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        return "skipped"
    export = DataExport.objects.select_related("user").get(pk=export_id)
    user = export.user
    try:
        with tempfile.TemporaryDirectory(prefix="hanse-export-") as folder:
            path = os.path.join(folder, "export.zip")
            with (
                open(path, "w+b") as out,
                translation.override(user.ui_language or settings.LANGUAGE_CODE),
            ):
                write_archive(user, out, progress=lambda p: _set_progress(export_id, p))
                out.seek(0)
                stamp = timezone.localdate().isoformat()
                export.file.save(f"hanse-{user.username}-{stamp}.zip", File(out), save=False)
                export.size = export.file.size
    except Exception:
        logger.exception("Data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id).update(
            status=DataExport.Status.FAILED, finished_at=timezone.now()
        )
        return "failed"
    now = timezone.now()
    days = settings.DATA_EXPORT_DAYS
    export.status = DataExport.Status.READY
    export.progress = 100
    export.finished_at = now
    export.expires_at = now + timedelta(days=days)
    export.save(update_fields=["status", "progress", "file", "size", "finished_at", "expires_at"])
    # Once per export (the ledger of notifications), then e-mail right away after the commit.
    notify_once(
        f"privacy_export_ready:{export_id}",
        lambda: notify(
            type_key=EXPORT_READY.key,
            recipients=[user],
            data={"export_id": export_id, "days": days},
        ),
    )
    return "ready"


def delete_export_file(export: DataExport) -> None:
    """Remove an export's stored archive (a missing file is no error)."""
    if export.file and export.file.name:
        try:
            export.file.storage.delete(export.file.name)
        except OSError:
            logger.warning("Could not delete export file %s", export.file.name, exc_info=True)


@task()
def expire_exports() -> int:
    """Delete the archives of exports past their date, and fail those a dead worker left."""
    now = timezone.now()
    count = 0
    for export in DataExport.objects.filter(
        status=DataExport.Status.READY, expires_at__lte=now
    ).iterator():
        delete_export_file(export)
        count += DataExport.objects.filter(pk=export.pk, status=DataExport.Status.READY).update(
            status=DataExport.Status.EXPIRED, file=""
        )
    DataExport.objects.filter(
        status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING],
        created_at__lt=now - STALE_AFTER,
    ).update(status=DataExport.Status.FAILED, finished_at=now)
    return count + len(sweep_orphaned_archives(now=now))


def sweep_orphaned_archives(*, now: datetime | None = None) -> list[str]:
    """Remove archives no export row points to any more (the person's account was deleted,
    a task died between storing and saving): older than an hour, so none being written."""
    storage = default_storage
    cutoff = (now or timezone.now()) - timedelta(hours=1)
    try:
        folders, _files = storage.listdir(EXPORTS_FOLDER)
    except FileNotFoundError:
        return []
    names = []
    for folder in folders:
        try:
            _dirs, files = storage.listdir(f"{EXPORTS_FOLDER}/{folder}")
        except FileNotFoundError:
            continue
        names += [f"{EXPORTS_FOLDER}/{folder}/{name}" for name in files]
    kept = set(DataExport.objects.filter(file__in=names).values_list("file", flat=True))
    removed = []
    for name in names:
        if name in kept:
            continue
        try:
            if storage.get_modified_time(name) >= cutoff:
                continue
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete orphaned export %s", name, exc_info=True)
            continue
        logger.info("Removed orphaned export archive %s (no export row points to it).", name)
        removed.append(name)
    return removed
