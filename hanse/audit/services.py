"""Writing to the audit log: ``record()`` is the one way in.

Call it inside the transaction of the change it records, so that an entry exists exactly when
the change does (a rolled-back change leaves no entry). Events without a change of their own
(a failed login, a view of a named list, an export) record on their own.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from hanse.audit.chain import entry_hash
from hanse.audit.models import AuditEntry, AuditHead
from hanse.core.net import client_ip
from hanse.observability import context

Target = models.Model | tuple[str, Any] | None


def _target(target: Target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        meta = target._meta
        return f"{meta.app_label}.{meta.model_name}", str(target.pk)
    kind, ident = target
    return str(kind)[:64], str(ident)[:64]


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    ip = client_ip(request)
    if not ip:
        return None
    # Stored as the database will give it back, so that the hash can be checked later.
    return clean_ipv6_address(ip) if ":" in ip else ip


def _request_id(request: HttpRequest | None) -> str:
    # The id the request log and the request's tasks carry (hanse/observability/context.py).
    rid = context.current()
    if not rid and request is not None:
        rid = context.clean(request.headers.get("X-Request-ID"))
    return str(rid or "")[:64]


def _actor_id(actor: Any, request: HttpRequest | None) -> int | None:
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return int(actor.pk)


def record(
    action: str,
    *,
    actor: Any = None,
    target: Target = None,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. ``action`` is a dotted name ("auth.login_failed", "roles.granted").

    ``actor`` defaults to the request's signed-in person. ``data`` holds ids and settings,
    never names, e-mail addresses or content: the log is kept longer than people are.
    """
    target_type, target_id = _target(target)
    fields: dict[str, Any] = {
        "at": timezone.now(),
        "actor_id": _actor_id(actor, request),
        "action": action[:64],
        "target_type": target_type,
        "target_id": target_id,
        "source_ip": _ip(request),
        "request_id": _request_id(request),
        "data": data or {},
    }
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.seq + 1
        digest = entry_hash(seq=seq, prev_hash=head.hash, **fields)
        entry = AuditEntry.objects.create(seq=seq, prev_hash=head.hash, hash=digest, **fields)
        AuditHead.objects.filter(pk=1).update(seq=seq, hash=digest)
    return entry
