"""``{% person_link person "post__author" %}``: a person's name as a link to their profile, or
as plain text for the pseudonymous account that holds an erased person's content ("Former
employee", ``User.is_former``), which has no profile to link to (GDPR Art. 17,
hanse/privacy/erasure.py). Every template that names a person next to content uses it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hanse.core.templatetags.hanse_urls import reverse_one

register = template.Library()


@register.filter
def has_profile(person: Any) -> bool:
    """Whether the person has a profile page (``{% if person|has_profile %}``)."""
    return person is not None and not getattr(person, "is_former", False)


@register.simple_tag
def person_link(person: Any, css: str = "") -> SafeString:
    """The name, linked to the profile when there is one; a ``span`` otherwise."""
    if person is None:
        return SafeString("")
    if not has_profile(person):
        classes = f"{css} person--former".strip()
        return format_html('<span class="{}">{}</span>', classes, person.display_name)
    url = reverse_one("people:profile", person.username)
    if css:
        return format_html('<a class="{}" href="{}">{}</a>', css, url, person.display_name)
    return format_html('<a href="{}">{}</a>', url, person.display_name)
