"""HR import runs: a preview (dry run) in the task queue, then the real run an administrator
confirms after reading it; the command line runs both in the foreground. Every run is written
to the audit log (ids and counts only: the report with names stays on the run).

Progress goes to the cache (Redis when there is one, shared by every process) because the real
run writes in one transaction: a progress column updated inside it would be seen by nobody
until the end.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from hanse.audit.services import record
from hanse.core.errors import ServiceError
from hanse.identity.hrimport import reader
from hanse.identity.hrimport.plan import Plan, Progress, apply_plan, plan_import
from hanse.identity.models import HrImportRun
from hanse.jobs.outbox import enqueue_on_commit

logger = logging.getLogger(__name__)
Status = HrImportRun.Status
PROGRESS_TTL = 6 * 3600


def _progress_key(run_id: int) -> str:
    return f"hr_import:progress:{run_id}"


def progress_of(run: HrImportRun) -> int:
    """Percent done, as the worker last reported it."""
    if not run.in_progress:
        return 100 if run.status != Status.QUEUED else 0
    value = cache.get(_progress_key(run.pk))
    return int(value) if value is not None else run.progress


def _reporter(run: HrImportRun, outer: Progress | None) -> Progress:
    last = {"value": -1}

    def report(fraction: float) -> None:
        # The plan is the first half of a real run, the writing the second.
        if outer is not None:
            outer(fraction)
        value = max(0, min(99, int(fraction * 100)))
        if value != last["value"]:
            last["value"] = value
            cache.set(_progress_key(run.pk), value, timeout=PROGRESS_TTL)

    return report


def check_size(size: int) -> None:
    if size > settings.HR_IMPORT_MAX_BYTES:
        raise reader.FileRefused(
            _("The file is larger than %(max)s MB.")
            % {"max": settings.HR_IMPORT_MAX_BYTES // (1024 * 1024)}
        )


def run_request(*, data: bytes, file_name: str, by: Any, request: Any = None) -> HrImportRun:
    """Check the file can be read (or raise ``FileRefused``) and queue its preview."""
    check_size(len(data))
    parsed = reader.read(data)
    text, _encoding = reader.decode(data)
    with transaction.atomic():
        run = HrImportRun.objects.create(
            dry_run=True,
            trigger=HrImportRun.Trigger.ADMIN,
            file_name=file_name[:255],
            content=text.lstrip("\ufeff"),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            created_by=by,
            rows=len(parsed.rows),
        )
        record(
            "hr_import.requested",
            actor=by,
            target=run,
            request=request,
            data={"dry_run": True, "rows": len(parsed.rows)},
        )
        enqueue_on_commit(run_in_queue, run.pk)
    return run


def run_confirm(*, preview: HrImportRun, by: Any, request: Any = None) -> HrImportRun:
    """The administrator has read the preview: queue the real run of the same file."""
    with transaction.atomic():
        preview = HrImportRun.objects.select_for_update().get(pk=preview.pk)
        if preview.status != Status.PREVIEWED or preview.errors or not preview.content:
            raise ServiceError(
                _("Only a preview without errors can be imported. Please upload the file again."),
                code="hr_not_confirmable",
            )
        if preview.report.get("refused"):
            raise ServiceError(preview.report["refused"], code="hr_refused")
        if preview.confirmations.exists():
            raise ServiceError(_("This preview has already been imported."), code="hr_done")
        run = HrImportRun.objects.create(
            dry_run=False,
            trigger=HrImportRun.Trigger.ADMIN,
            file_name=preview.file_name,
            content=preview.content,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            created_by=by,
            preview_of=preview,
            rows=preview.rows,
        )
        record(
            "hr_import.confirmed",
            actor=by,
            target=run,
            request=request,
            data={"preview_id": preview.pk, "rows": preview.rows},
        )
        enqueue_on_commit(run_in_queue, run.pk)
    return run


def execute(run: HrImportRun, *, progress: Progress | None = None) -> Plan | None:
    """Plan (and, for a real run without errors, write) the run's file; record the outcome
    on the run and in the audit log. Returns the plan (None when the file was unreadable)."""
    report = _reporter(run, progress)
    run.status, run.started_at = Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    plan: Plan | None = None
    try:
        parsed = reader.read(run.content.encode("utf-8"))
        half = (lambda f: report(f / 2)) if not run.dry_run else report
        plan = plan_import(parsed.rows, progress=half)
        if run.dry_run:
            status = Status.PREVIEWED
        elif not plan.ok:
            status = Status.REFUSED
        else:
            apply_plan(plan, actor=run.created_by, progress=lambda f: report(0.5 + f / 2))
            status = Status.DONE
        _finish(run, plan, status)
    except reader.FileRefused as refused:
        _finish(run, None, Status.FAILED, error=str(refused.message))
    except Exception as exc:
        logger.exception("HR import run %s failed", run.pk)
        _finish(run, None, Status.FAILED, error=type(exc).__name__)
        raise
    return plan


def _finish(run: HrImportRun, plan: Plan | None, status: str, *, error: str = "") -> None:
    run.status, run.finished_at, run.progress = status, timezone.now(), 100
    if plan is not None:
        counts = plan.counts()
        run.report = plan.report()
        run.rows, run.errors = counts["rows"], counts["errors"]
        wrote = status == Status.DONE
        run.created = counts["created"] if wrote or run.dry_run else 0
        run.updated = counts["updated"] if wrote or run.dry_run else 0
        run.deactivated = counts["deactivated"] if wrote or run.dry_run else 0
    else:
        counts = {}
        run.report = {"failed": error}
    fields = ["status", "finished_at", "progress", "report", "rows", "errors"]
    fields += ["created", "updated", "deactivated"]
    # The file is personal data: kept only while a preview may still be confirmed.
    if not run.dry_run or status != Status.PREVIEWED or run.errors or run.report.get("refused"):
        run.content = ""
        fields.append("content")
        if run.preview_of_id:
            HrImportRun.objects.filter(pk=run.preview_of_id).update(content="")
    run.save(update_fields=fields)
    cache.delete(_progress_key(run.pk))
    actions: dict[str, str] = {
        Status.PREVIEWED: "hr_import.previewed",
        Status.DONE: "hr_import.imported",
        Status.REFUSED: "hr_import.refused",
    }
    action = actions.get(status, "hr_import.failed")
    if plan is not None and plan.refused and status != Status.PREVIEWED:
        action = "hr_import.refused"
    record(
        action,
        actor=run.created_by,
        target=run,
        data={"trigger": run.trigger, "dry_run": run.dry_run, **counts},
    )


@task()
def run_in_queue(run_id: int) -> str:
    """Run one queued HR import (preview or real run); returns its status."""
    claimed = HrImportRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING
    )
    if not claimed:
        return "skipped"  # a second delivery of the task
    run = HrImportRun.objects.select_related("created_by").get(pk=run_id)
    with translation.override(run.language or settings.LANGUAGE_CODE):
        try:
            execute(run)
        except Exception:
            return Status.FAILED
    return run.status
