"""Writes of data exports: asking for one."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hanse.audit.services import record
from hanse.core.errors import ServiceError
from hanse.jobs.outbox import enqueue_on_commit
from hanse.privacy import tasks
from hanse.privacy.models import DataExport

IN_PROGRESS = _("An export of your data is already being prepared. Please wait until it is ready.")


def export_request(*, user: Any, request: HttpRequest | None = None) -> DataExport:
    """Queue an export of the person's data; one at a time per person."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ServiceError(_("Only an active account can export its data."), status=403)
    if DataExport.objects.filter(
        user=user, status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING]
    ).exists():
        raise ServiceError(IN_PROGRESS, code="export_in_progress", status=409)
    try:
        with transaction.atomic():
            export = DataExport.objects.create(user=user)
            record("privacy.export_requested", actor=user, target=export, request=request)
            enqueue_on_commit(tasks.build_export, export.pk)
    except IntegrityError:
        # The database's one-in-progress constraint: a second request at the same moment.
        raise ServiceError(IN_PROGRESS, code="export_in_progress", status=409) from None
    return export


def export_downloaded(*, export: DataExport, request: HttpRequest | None = None) -> None:
    """Record that the owner downloaded their archive (the audit log keeps exports)."""
    record("privacy.export_downloaded", actor=export.user, target=export, request=request)
