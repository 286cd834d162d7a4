"""``{% js_catalog %}``: the script tag of the JavaScript translations of the page's language
(see hanse/core/jsi18n.py)."""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hanse.core.jsi18n import catalog_url

register = template.Library()


@register.simple_tag
def js_catalog() -> SafeString:
    """A deferred script: it runs before the page's other deferred scripts that follow it."""
    return format_html('<script src="{}" defer></script>', catalog_url(translation.get_language()))
