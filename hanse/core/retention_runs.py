"""Running the retention policies (hanse/core/retention.py): preview, confirmation, deletion.

The gate: the scheduled job deletes nothing of a type until a platform administrator has seen
what would go and confirmed it, on the retention page or with ``manage.py hanse_retention
--confirm``. Until then each run only records the preview (period, cut-off, count). The
confirmation holds for the period it was given for: when the setting changes, the job stops
deleting that type and waits for a new confirmation. Confirmations and runs are written to
the audit log.

Deletion goes in batches (``policy.batch_size`` ids, one short transaction each), so that it
never holds locks on a large table for long.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from hanse.audit.services import record
from hanse.core import retention
from hanse.core.models import RetentionState
from hanse.core.retention import RetentionPolicy, RetentionRefused

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preview:
    policy: RetentionPolicy
    days: int
    cutoff: datetime | None  # None: kept forever
    count: int
    confirmed: bool
    state: RetentionState | None


@dataclass(frozen=True)
class Outcome:
    key: str
    days: int
    cutoff: datetime | None
    count: int  # what was due
    deleted: int
    status: str  # "kept forever" | "awaiting confirmation" | "deleted" | "refused: ..."


def _policies(keys: list[str] | None) -> list[RetentionPolicy]:
    policies = retention.all_policies()
    if keys:
        unknown = set(keys) - {p.key for p in policies}
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        policies = [p for p in policies if p.key in keys]
    return policies


def is_confirmed(state: RetentionState | None, days: int) -> bool:
    return state is not None and days > 0 and state.confirmed_days == days


def preview(*, keys: list[str] | None = None, now: datetime | None = None) -> list[Preview]:
    """What each policy would delete now; reads only (the dry run)."""
    now = now or timezone.now()
    states = {s.key: s for s in RetentionState.objects.all()}
    rows = []
    for policy in _policies(keys):
        days = int(policy.days())
        cutoff = retention.cutoff_for(policy, now)
        count = policy.expired(cutoff).count() if cutoff is not None else 0
        state = states.get(policy.key)
        rows.append(Preview(policy, days, cutoff, count, is_confirmed(state, days), state))
    return rows


def _remember_preview(row: Preview, now: datetime) -> RetentionState:
    state, _ = RetentionState.objects.get_or_create(key=row.policy.key)
    state.previewed_at, state.preview_days = now, row.days
    state.preview_cutoff, state.preview_count = row.cutoff, row.count
    state.save(update_fields=["previewed_at", "preview_days", "preview_cutoff", "preview_count"])
    return state


def confirm(
    *, by: Any, keys: list[str] | None = None, request: Any = None, now: datetime | None = None
) -> list[Preview]:
    """An administrator has seen the preview: the job may delete these types from now on,
    for the period in force. Types kept forever have nothing to confirm."""
    now = now or timezone.now()
    confirmed = []
    with transaction.atomic():
        for row in preview(keys=keys, now=now):
            if row.cutoff is None:
                continue
            state = _remember_preview(row, now)
            state.confirmed_days, state.confirmed_at = row.days, now
            state.confirmed_by_id = getattr(by, "pk", None)
            state.save(update_fields=["confirmed_days", "confirmed_at", "confirmed_by_id"])
            record(
                "retention.confirmed",
                actor=by,
                request=request,
                target=("retention", row.policy.key),
                data={"days": row.days, "cutoff": row.cutoff.isoformat(), "count": row.count},
            )
            confirmed.append(row)
    return confirmed


def _delete_in_batches(policy: RetentionPolicy, cutoff: datetime) -> int:
    total = 0
    while True:
        ids = list(
            policy.expired(cutoff).order_by("pk").values_list("pk", flat=True)[: policy.batch_size]
        )
        if not ids:
            return total
        deleted = policy.delete(ids)  # one short transaction per batch (the policy's own)
        total += deleted
        if deleted == 0:
            return total  # nothing more it can delete now; never loop


def run(
    *, keys: list[str] | None = None, actor: Any = None, now: datetime | None = None
) -> list[Outcome]:
    """Record the preview of every type; delete what is due for the confirmed ones."""
    now = now or timezone.now()
    outcomes = []
    for row in preview(keys=keys, now=now):
        if row.cutoff is None:
            outcomes.append(Outcome(row.policy.key, 0, None, 0, 0, "kept forever"))
            continue
        state = _remember_preview(row, now)
        if not row.confirmed:
            outcomes.append(
                Outcome(row.policy.key, row.days, row.cutoff, row.count, 0, "awaiting confirmation")
            )
            continue
        deleted, error = 0, ""
        try:
            deleted = _delete_in_batches(row.policy, row.cutoff)
        except RetentionRefused as refused:
            error = str(refused)
            logger.warning("Retention of %s refused: %s", row.policy.key, error)
        state.last_run_at, state.last_deleted, state.last_error = now, deleted, error
        state.save(update_fields=["last_run_at", "last_deleted", "last_error"])
        status = f"refused: {error}" if error else "deleted"
        outcomes.append(Outcome(row.policy.key, row.days, row.cutoff, row.count, deleted, status))
    ran = [o for o in outcomes if o.status != "kept forever"]
    if any(o.deleted or o.status.startswith("refused") for o in ran):
        record(
            "retention.run",
            actor=actor,
            data={o.key: {"deleted": o.deleted, "status": o.status[:200]} for o in ran},
        )
    return outcomes


@task()
def apply_retention() -> dict[str, int]:
    """The scheduled run (hanse/core/jobs.py): deleted counts per type."""
    return {o.key: o.deleted for o in run()}
