"""What the stream's pages share: reading the page parameters, the post or comment a person
may see (else 404)."""

from __future__ import annotations

from typing import Any

from django.http import (
    HttpRequest,
)
from django.utils.http import urlencode

from hanse.core import http
from hanse.posts.models import Comment, Post
from hanse.posts.selectors import posts as post_selectors
from hanse.posts.selectors.feed import FEED_FILTERS

PAGE_SIZE = 20
# Service error codes that belong to the text field rather than the whole form.
BODY_ERRORS = {"empty", "too_long", "invalid"}

# --- helpers -------------------------------------------------------------------------------


def parse_before(request: HttpRequest) -> int | None:
    """The keyset cursor ?before=<id>; anything that is not a positive id means "newest"."""
    raw = request.GET.get("before", "")
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value > 0 else None


def parse_filter(request: HttpRequest) -> str:
    value = request.GET.get("filter", "all")
    return value if value in FEED_FILTERS else "all"


def with_query(url: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{url}?{query}" if query else url


def post_or_404(request: HttpRequest, post_id: int) -> Post:
    return post_selectors.get_post_for(viewer=http.viewer(request), post_id=post_id)


def comment_or_404(request: HttpRequest, comment_id: int) -> Comment:
    return post_selectors.get_comment_for(viewer=http.viewer(request), comment_id=comment_id)
