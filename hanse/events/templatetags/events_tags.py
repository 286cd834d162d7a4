"""Template helpers of the event pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template

register = template.Library()


@register.filter
def occurrence_key(moment: datetime | None) -> str:
    """An occurrence's recurrence id as it appears in URLs (``?on=20260310T160000Z``)."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


@register.filter
def get_item(mapping: dict[str, object] | None, key: str) -> object:
    """``counts|get_item:"going"``: a dictionary value by key in a template."""
    if not mapping:
        return None
    return mapping.get(key)
