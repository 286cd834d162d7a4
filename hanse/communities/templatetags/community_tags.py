"""Small display helpers for community templates (no permission logic: that is rules.py)."""

from __future__ import annotations

from django import template

from hanse.communities.models import Membership

register = template.Library()


@register.filter
def role_label(value: str | None) -> str:
    """The translated name of a membership role ("owner" -> "Owner")."""
    if value in Membership.Role.values:
        return str(Membership.Role(value).label)
    return ""
