"""What the audit log stores about a person as the actor of an entry."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.audit.models import AuditEntry
from hanse.core import personal_data


def _export(user: Any) -> personal_data.Export:
    records = personal_data.rows(
        AuditEntry.objects.filter(actor_id=user.pk).order_by("seq"),
        "seq",
        "at",
        "action",
        "target_type",
        "target_id",
        "source_ip",
        "request_id",
        "data",
        kind="audit_entry",
    )
    return personal_data.Export(records)


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="audit",
            label=_("Audit log"),
            description=_(
                "Audit log entries of what you did (sign-ins, changes to security settings, "
                "administrative actions): action, target, address and time."
            ),
            export=_export,
            erasure=personal_data.ErasureNote(
                kept=_(
                    "The audit log is not changed (tamper-evident; Art. 17(3)(b) GDPR): its "
                    "entries, among them “erasure requested” and “erasure completed” with who "
                    "asked and the policy, keep the account's internal number, which names no one "
                    "after the erasure. They are deleted with the audit log's retention period. "
                    "The erasure's own record keeps the policy, who asked, the counts and the "
                    "dates, never the person's name or id."
                ),
                retention_policies=("audit",),
            ),
            order=150,
        )
    )
