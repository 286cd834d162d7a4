"""Retention of the audit log (hanse/core/retention.py), registered from AuditConfig.ready().

Only the oldest entries go, always a prefix of the chain, so that what remains is still one
unbroken chain. Each batch appends an ``audit.pruned`` entry naming the last deleted entry's
number and hash, and ``AuditHead`` keeps the same pair as the chain's new start:
``audit_verify`` checks from there and refuses a start that no ``audit.pruned`` entry vouches
for (hanse/audit/selectors.py).

On PostgreSQL a trigger refuses every UPDATE and DELETE of entries (migration 0002). Retention
does not weaken it: it asks PostgreSQL to skip ordinary triggers for its own transaction
(``SET LOCAL session_replication_role = replica``), which only a superuser or a role granted
``SET`` on that parameter may do. The application's role may not, so the scheduled job reports
the refusal and the operator runs ``manage.py hanse_retention --only audit`` with the
privileged role (docs/operations.md).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils.translation import gettext_lazy as _

from hanse.audit.models import AuditEntry, AuditHead
from hanse.audit.services import record
from hanse.core import retention

REFUSED = (
    "PostgreSQL keeps the audit log append-only for this database role. Run "
    "`manage.py hanse_retention --only audit` as a role that may SET session_replication_role "
    "(docs/operations.md, audit log retention)."
)


def _expired(cutoff: datetime) -> models.QuerySet[AuditEntry]:
    """Entries older than the cut-off, up to the first newer one: always the chain's start."""
    older = AuditEntry.objects.filter(at__lt=cutoff)
    first_kept = (
        AuditEntry.objects.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True)
    ).first()
    return older if first_kept is None else older.filter(seq__lt=first_kept)


def _lift_trigger() -> None:
    if connection.vendor != "postgresql":
        return  # SQLite has no trigger; the hash chain is its protection
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError as error:
        raise retention.RetentionRefused(REFUSED) from error


def _delete(ids: list[int]) -> int:
    with transaction.atomic():
        _lift_trigger()
        last = AuditEntry.objects.filter(pk__in=ids).order_by("-seq").values_list("seq", "hash")
        through = last.first()
        if through is None:
            return 0
        seq, digest = through
        head = AuditHead.objects.select_for_update().get(pk=1)
        record(
            "audit.pruned",
            target=("audit", seq),
            data={"from_seq": head.pruned_seq + 1, "through_seq": seq, "through_hash": digest},
        )
        deleted, _rows = AuditEntry.objects.filter(seq__lte=seq).delete()
        AuditHead.objects.filter(pk=1).update(pruned_seq=seq, pruned_hash=digest)
    return deleted


def register() -> None:
    retention.register(
        retention.RetentionPolicy(
            key="audit",
            label=_("Audit log entries"),
            setting="RETENTION_AUDIT_DAYS",
            days=lambda: settings.RETENTION_AUDIT_DAYS,
            expired=_expired,
            delete=_delete,
            batch_size=2000,
            order=90,
        )
    )
