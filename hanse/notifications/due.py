"""Reminders that a date has come: "notify once per due date".

Ideas (an experiment's end date) and decisions (a proposal's deadline, a decision's review
date) remind people when a date in a row has come. The pattern is the same each time, so it
lives here once: pick the rows whose date has come and that were not told yet, mark each one
told and write its notifications in one transaction with a ledger row (``notify_once``). The
ledger key carries the date, so a task that runs twice tells nobody twice, and a row whose
date is moved later (its service clears the mark) is told again for the new date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.utils import timezone

from hanse.notifications.tasks import notify_once

if TYPE_CHECKING:
    from hanse.notifications.models import Notification

M = TypeVar("M", bound=models.Model)

# Rows reminded per run of a schedule; the next run takes the rest.
BATCH = 200


def notify_once_per_due_date(
    queryset: models.QuerySet[M],
    *,
    due_field: str,
    until: date | datetime,
    sent_field: str,
    ledger: str,
    send: Callable[[M], list[Notification]],
    batch: int = BATCH,
) -> int:
    """Tell ``send``'s people about every row of ``queryset`` whose ``due_field`` is at or
    before ``until`` and whose ``sent_field`` is empty, once per row and date; returns how
    many rows were told. ``ledger`` names the event ("ideas.experiment_due")."""
    rows = list(
        queryset.filter(**{f"{due_field}__lte": until, f"{sent_field}__isnull": True}).order_by(
            due_field, "pk"
        )[:batch]
    )
    told = 0
    for row in rows:
        due = getattr(row, due_field)

        def hook(row: M = row) -> list[Notification]:
            type(row)._default_manager.filter(pk=row.pk).update(**{sent_field: timezone.now()})
            return send(row)

        if notify_once(f"{ledger}:{row.pk}:{due.isoformat()}", hook):
            told += 1
        else:
            # Told for this date before (the date moved away and back): mark it, so the row
            # leaves the batch instead of being picked again on every run.
            type(row)._default_manager.filter(pk=row.pk).update(**{sent_field: timezone.now()})
    return told
