"""How an entry is hashed, and how the chain is checked. Pure functions, no database writes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hanse.audit.models import GENESIS, AuditEntry


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    source_ip: str | None,
    request_id: str,
    data: Any,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [
            seq,
            at.isoformat(timespec="microseconds"),
            actor_id,
            action,
            target_type,
            target_id,
            source_ip,
            request_id,
            data,
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def hash_of(entry: AuditEntry) -> str:
    return entry_hash(
        seq=entry.seq,
        at=entry.at,
        actor_id=entry.actor_id,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        source_ip=entry.source_ip,
        request_id=entry.request_id,
        data=entry.data,
        prev_hash=entry.prev_hash,
    )


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold."""

    seq: int
    reason: str


def first_break(
    entries: Iterable[AuditEntry],
    *,
    head_seq: int,
    head_hash: str,
    start_seq: int = 0,
    start_hash: str = GENESIS,
) -> Break | None:
    """Walk the entries in ``seq`` order; name the first broken link, or None. After retention
    the chain starts after ``start_seq``, whose hash was ``start_hash``."""
    expected_seq = start_seq + 1
    prev = start_hash
    for entry in entries:
        if entry.seq != expected_seq:
            return Break(expected_seq, f"entry #{expected_seq} is missing or out of order")
        if entry.prev_hash != prev:
            return Break(entry.seq, f"entry #{entry.seq} does not follow the entry before it")
        if hash_of(entry) != entry.hash:
            return Break(entry.seq, f"entry #{entry.seq} was altered")
        prev = entry.hash
        expected_seq += 1
    last = expected_seq - 1
    if last != head_seq or prev != head_hash:
        return Break(last + 1, f"the chain ends at #{last}, but #{head_seq} was written last")
    return None
