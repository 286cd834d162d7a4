"""``{% load chat_tags %}{% chat_unread_badge %}``: the chat link for the site header."""

from __future__ import annotations

from typing import Any

from django import template

from hanse.chat import selectors

register = template.Library()


@register.inclusion_tag("chat/_header_link.html", takes_context=True)
def chat_unread_badge(context: dict[str, Any]) -> dict[str, Any]:
    """The link to the chat with the unread count of all conversations not muted: one
    query (selectors.global_unread_count)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"chat_unread": None, "request": request}
    return {"chat_unread": selectors.global_unread_count(user=user), "request": request}
