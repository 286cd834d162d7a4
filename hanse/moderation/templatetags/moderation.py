"""``{% moderation_notice "post" post %}``: what the author and moderators see on content
that moderation hid or removed (nothing for everyone else, who do not see it at all).

One query per type and page: the notices of a type are looked up once per request."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string

from hanse.moderation import selectors

register = template.Library()

_CACHE = "_hanse_moderation_notices"


@register.simple_tag(takes_context=True)
def moderation_notice(context: template.Context, kind: str, obj: Any) -> str:
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if obj is None or user is None or not user.is_authenticated:
        return ""
    holder: Any = request if request is not None else context
    cache: dict[str, Any] = getattr(holder, _CACHE, None) or {}
    if kind not in cache:
        cache[kind] = selectors.hidden_notices(viewer=user, kind=kind)
        setattr(holder, _CACHE, cache)
    hiding = cache[kind].get(obj.pk)
    if hiding is None:
        return ""
    return render_to_string(
        "moderation/_notice.html",
        {"hiding": hiding, "is_author": hiding.author_id == user.pk},
    )
