"""``{% praise_section person %}``: the praise on a profile (people's page embeds it without
its views knowing about participation, like the stream's profile section)."""

from __future__ import annotations

from typing import Any

from django import template

from hanse.core import http
from hanse.participation import rules, selectors

register = template.Library()


@register.inclusion_tag("participation/_profile_praise.html", takes_context=True)
def praise_section(context: template.Context, person: Any) -> dict[str, Any]:
    viewer = http.viewer(context["request"])
    found = selectors.praise_for_profile(viewer=viewer, person=person)
    return {
        "praise_list": found,
        "person": person,
        "own": viewer.pk == person.pk,
        "may_hide": bool(found) and rules.may_hide_praise(viewer, found[0]),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
