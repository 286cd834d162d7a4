"""``{% load notifications_tags %}{% notification_bell %}``: the bell for the site header."""

from __future__ import annotations

from typing import Any

from django import template

from hanse.notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    """The bell with the unread count: one indexed query (see selectors.unread_count)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notification_unread": None}
    return {"notification_unread": selectors.unread_count(user=user)}
