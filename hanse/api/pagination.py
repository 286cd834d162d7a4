"""The two ways an API list pages, each defined once.

- Streams (feeds, comments, chat messages, notifications) page by cursor: the answer is
  `{"items": [...], "next_cursor": "…" | null}` and the next page is `?cursor=<next_cursor>`.
  A cursor names a position (the last item seen), so items arriving at the top do not shift
  what the next page holds. It is opaque to clients: only a `next_cursor` Hanse gave out is a
  valid `cursor`, which leaves us free to change what it holds.
- Directories (people, communities, members, announcements) page by offset: the answer is
  `{"items": [...], "total": n, "limit": l, "offset": o}` for `?limit=&offset=`.

A list declares its page as a subclass named after what it holds (`PostPage(CursorPage[PostOut])`):
django-ninja names OpenAPI components after the class, and one generic name for every list
would make them one component.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError

from hanse.api.schemas import Offset, limit_field

T = TypeVar("T")

# A cursor Hanse gives out is a few dozen characters; a long one is not ours.
MAX_CURSOR_LENGTH = 200


def encode_cursor(position: Any) -> str | None:
    """The opaque cursor for a position (an id, a time, or a small list of them); None for
    None, which is how the last page says so."""
    if position is None:
        return None
    if isinstance(position, datetime):
        position = position.isoformat()
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _invalid() -> ValueError:
    return ValueError(_("This cursor is not valid. Pass the next_cursor of a previous page."))


def _decode(raw: str | None) -> Any:
    if raw is None or raw == "":
        return None
    try:
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        return json.loads(data)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _invalid() from None


class CursorQuery(Schema):
    """Paging of a stream: `cursor` from the previous page and the page size."""

    cursor: str | None = Field(
        None,
        max_length=MAX_CURSOR_LENGTH,
        description="The previous page's `next_cursor`; leave out for the first page.",
    )
    limit: int = limit_field(20, 100)

    def position(self) -> Any:
        """What the cursor holds (None for the first page); a 422 if it is not one of ours."""
        try:
            return _decode(self.cursor)
        except ValueError as exc:
            raise invalid_cursor(str(exc)) from None

    def id_position(self) -> int | None:
        """The cursor as an id (the last item of the previous page)."""
        value = self.position()
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise invalid_cursor()
        return value

    def time_position(self) -> datetime | None:
        """The cursor as a time (the last item of the previous page)."""
        value = self.position()
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise invalid_cursor() from None
        if moment.tzinfo is None:
            raise invalid_cursor()
        return moment


def invalid_cursor(message: str | None = None) -> ValidationError:
    """A 422 naming the `cursor` parameter, in the one error shape."""
    text = message or str(_invalid())
    return ValidationError(
        [{"loc": ("query", "cursor"), "msg": text, "type": "value_error", "ctx": {"error": text}}]
    )


class CursorPage(Schema, Generic[T]):
    """One page of a stream."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


def cursor_page(items: Iterable[T], next_position: Any) -> dict[str, Any]:
    """The body of a cursor page: the items and the cursor for the position after them."""
    return {"items": list(items), "next_cursor": encode_cursor(next_position)}


class OffsetQuery(Schema):
    """Paging of a directory: `limit` and `offset`."""

    limit: int = limit_field(20, 100)
    offset: Offset = 0


class OffsetPage(Schema, Generic[T]):
    """One page of a directory."""

    items: list[T]
    total: int = Field(description="How many items match, over all pages.")
    limit: int = Field(description="The page size asked for.")
    offset: int = Field(description="How many items were skipped.")


def offset_page(
    qs: QuerySet[Any] | list[Any], query: OffsetQuery, out: Callable[[Any], T]
) -> dict[str, Any]:
    """The body of an offset page of `qs`: its total, the requested rows as `out` makes them."""
    total = qs.count() if isinstance(qs, QuerySet) else len(qs)
    rows = qs[query.offset : query.offset + query.limit]
    return {
        "items": [out(row) for row in rows],
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
    }
