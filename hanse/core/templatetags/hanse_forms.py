"""Template tags of forms."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hanse.core.idempotency import FORM_FIELD, new_key

register = template.Library()


@register.simple_tag
def idempotency_field() -> SafeString:
    """A hidden field with a fresh key: sending this form twice creates one object
    (hanse/core/idempotency.py)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, new_key())
