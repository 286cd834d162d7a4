from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from hanse.audit.chain import Break, first_break
from hanse.audit.models import AuditEntry, AuditHead

PAGE_SIZE = 50


def verify_chain() -> Break | None:
    """The first broken link of the whole log, or None when it is intact."""
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        head = AuditHead()
    if head.pruned_seq:
        # Retention deleted the oldest entries; the latest ``audit.pruned`` entry (inside the
        # chain, so it cannot be forged without breaking it) must name the same start.
        pruned = AuditEntry.objects.filter(action="audit.pruned").order_by("-seq").first()
        data = pruned.data if pruned is not None else {}
        if (data.get("through_seq"), data.get("through_hash")) != (
            head.pruned_seq,
            head.pruned_hash,
        ):
            return Break(
                head.pruned_seq + 1,
                "the chain's start after retention is not recorded by an audit.pruned entry",
            )
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    return first_break(
        entries,
        head_seq=head.seq,
        head_hash=head.hash,
        start_seq=head.pruned_seq,
        start_hash=head.pruned_hash,
    )


@dataclass(frozen=True)
class Filters:
    """What the viewer and the export narrow the log to; every part is optional."""

    action: str = ""
    actor_id: int | None = None
    target_type: str = ""
    target_id: str = ""
    since: date | None = None
    until: date | None = None

    def as_data(self) -> dict[str, Any]:
        """For the entry that records an export: which part of the log left the system."""
        return {k: str(v) for k, v in self.__dict__.items() if v not in ("", None)}


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def entries(filters: Filters) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all()
    if filters.action:
        # "auth" finds auth.login, auth.logout, ...; "auth.login" only that action.
        if "." in filters.action:
            qs = qs.filter(action=filters.action)
        else:
            qs = qs.filter(action__startswith=filters.action + ".")
    if filters.actor_id is not None:
        qs = qs.filter(actor_id=filters.actor_id)
    if filters.target_type:
        qs = qs.filter(target_type=filters.target_type)
    if filters.target_id:
        qs = qs.filter(target_id=filters.target_id)
    if filters.since:
        qs = qs.filter(at__gte=_start_of(filters.since))
    if filters.until:
        qs = qs.filter(at__lt=_start_of(filters.until + timedelta(days=1)))
    return qs


@dataclass
class Page:
    rows: list[AuditEntry]
    newer: int | None  # seq to pass as ``after`` for the newer page
    older: int | None  # seq to pass as ``before`` for the older page


def page(filters: Filters, *, before: int | None = None, after: int | None = None) -> Page:
    """Newest first, keyed on the sequence number (no COUNT over a log of millions)."""
    qs = entries(filters)
    if after is not None:
        rows = list(qs.filter(seq__gt=after).order_by("seq")[: PAGE_SIZE + 1])
        more_newer = len(rows) > PAGE_SIZE
        rows = list(reversed(rows[:PAGE_SIZE]))
        more_older = bool(rows) and qs.filter(seq__lt=rows[-1].seq).exists()
    else:
        if before is not None:
            qs = qs.filter(seq__lt=before)
        rows = list(qs.order_by("-seq")[: PAGE_SIZE + 1])
        more_older = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        more_newer = (
            before is not None
            and bool(rows)
            and entries(filters).filter(seq__gt=rows[0].seq).exists()
        )
    return Page(
        rows=rows,
        newer=rows[0].seq if rows and more_newer else None,
        older=rows[-1].seq if rows and more_older else None,
    )


def action_choices() -> list[str]:
    """The actions that occur in the log, for the filter's list."""
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def actor_names(ids: set[int]) -> dict[int, str]:
    """Names for the ids on one page; a person who no longer exists shows as their id."""
    people = get_user_model().objects.filter(pk__in=ids)
    return {person.pk: str(person.display_name) for person in people}


def export_lines(filters: Filters) -> Iterator[dict[str, Any]]:
    """Oldest first with the hashes, so that a SIEM can check the chain it receives."""
    for entry in entries(filters).order_by("seq").iterator(chunk_size=2000):
        yield {
            "seq": entry.seq,
            "at": entry.at.isoformat(timespec="microseconds"),
            "actor_id": entry.actor_id,
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "source_ip": entry.source_ip,
            "request_id": entry.request_id,
            "data": entry.data,
            "prev_hash": entry.prev_hash,
            "hash": entry.hash,
        }
