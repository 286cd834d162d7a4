"""``{% person_link person "post__author" %}``: a person's name as a link to their profile, or
as plain text when there is no profile to link to: the pseudonymous account that holds an
erased person's content ("Former employee", ``User.is_former``, GDPR Art. 17,
hanse/privacy/erasure.py), and any deactivated account (a leaver, or a person whose erasure is
under way), whose profile answers 404 (``people.selectors.get_person_for`` shows active people
only). Every template that names a person links them through this tag (or asks
``has_profile``), so what has a profile is decided here once."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hanse.core.templatetags.hanse_urls import reverse_one

register = template.Library()


@register.filter
def has_profile(person: Any) -> bool:
    """Whether the person has a profile page (``{% if person|has_profile %}``): an active
    account that is not an erased person's pseudonym."""
    return (
        person is not None
        and bool(getattr(person, "is_active", False))
        and not getattr(person, "is_former", False)
    )


@register.simple_tag
def person_link(person: Any, css: str = "") -> SafeString:
    """The name, linked to the profile when there is one; a ``span`` otherwise. Use
    ``{% person_link person as name %}`` to put it into a translated sentence."""
    if person is None:
        return SafeString("")
    if not has_profile(person):
        state = "person--former" if getattr(person, "is_former", False) else "person--inactive"
        return format_html(
            '<span class="{}">{}</span>', f"{css} {state}".strip(), person.display_name
        )
    url = reverse_one("people:profile", person.username)
    if css:
        return format_html('<a class="{}" href="{}">{}</a>', css, url, person.display_name)
    return format_html('<a href="{}">{}</a>', url, person.display_name)
