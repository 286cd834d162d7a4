from __future__ import annotations

from hanse.audit.chain import Break, first_break
from hanse.audit.models import AuditEntry, AuditHead


def verify_chain() -> Break | None:
    """The first broken link of the whole log, or None when it is intact."""
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, "0" * 64)
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    return first_break(entries, head_seq=head_seq, head_hash=head_hash)
