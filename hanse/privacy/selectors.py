"""Reads of data exports. A person's export is theirs alone: no role, not even a platform
administrator, may see or download another person's (everyone else gets 404)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone

from hanse.privacy.models import DataExport, Erasure


def exports_of(user: Any, *, limit: int = 5) -> list[DataExport]:
    """The person's latest exports, newest first."""
    return list(DataExport.objects.filter(user=user)[:limit])


def latest_export_of(user: Any) -> DataExport | None:
    return DataExport.objects.filter(user=user).first()


def get_export_for(user: Any, export_id: int) -> DataExport:
    """The export if it is this person's own, else 404 (unknown and foreign alike)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    export = DataExport.objects.filter(user=user, pk=export_id).first()
    if export is None:
        raise Http404
    return export


def get_ready_export_for(user: Any, export_id: int) -> DataExport:
    """An export of this person's that can be downloaded now, else 404."""
    export = get_export_for(user, export_id)
    if export.status != DataExport.Status.READY or not export.file:
        raise Http404
    if export.expires_at is not None and export.expires_at <= timezone.now():
        raise Http404  # past its date; the hourly job deletes it
    return export


def person_to_erase(username: str) -> Any:
    """The person with this username who can be erased (not a pseudonym), or None."""
    return get_user_model().objects.filter(username=username, is_former=False).first()


def recent_erasures(limit: int = 20) -> list[Erasure]:
    return list(Erasure.objects.order_by("-created_at", "-pk")[:limit])
