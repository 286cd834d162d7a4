"""``{% profile_sections person %}``: what other apps add to a profile (profile_sections.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from hanse.people import profile_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def profile_sections_for(context: template.Context, person: Any) -> SafeString:
    return profile_sections.render_all(context["request"], person)
