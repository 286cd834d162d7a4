"""Template filters for user-written text: Markdown (sanitised) and plain excerpts."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from hanse.core.text import TextTooLongError, plain_text_excerpt, render_markdown

register = template.Library()


@register.filter
def markdown(source: str | None) -> SafeString:
    """Render Markdown through the one sanitising pipeline (hanse.core.text)."""
    try:
        html = render_markdown(source or "")
    except TextTooLongError:
        html = render_markdown((source or "")[:20000])
    # render_markdown's output has passed nh3's allow-list, so it is safe to mark.
    return mark_safe(html)  # noqa: S308


@register.filter
def excerpt(source: str | None, length: int = 300) -> str:
    """A plain-text excerpt of Markdown, for cards and previews."""
    return plain_text_excerpt(source or "", length=int(length))
