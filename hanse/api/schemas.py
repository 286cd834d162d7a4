"""The schemas every API module shares: one definition per concept.

django-ninja names an OpenAPI component after its class, so two classes called `PersonRef`
in two apps become one component and one of them is described wrongly. Whatever more than one
app sends or takes lives here: the person reference, the error, the bounded numbers (ids,
offsets, limits) and times of day; the two pages of a list are in `hanse.api.pagination`.
App modules give their own schemas names that say which app they belong to when a concept
is theirs alone.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema

# The largest value of a 64-bit signed integer: every id column (BigAutoField) and every
# integer SQLite and PostgreSQL compare against. A larger number overflows the database
# driver (a 500) before any query runs; refusing it here makes it a 422 like any bad input.
MAX_ID = 2**63 - 1
# Far beyond any list Hanse holds; offset + limit stays well inside a 64-bit integer.
MAX_OFFSET = 1_000_000_000

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id of a stored object (path parameters and references in bodies)."""

Cursor = Annotated[int, Field(ge=0, le=MAX_ID)]
"""An id used as a position ("newer than", "read up to"): 0 means before the first."""

Offset = Annotated[
    int, Field(ge=0, le=MAX_OFFSET, description="How many results to skip (at most 10⁹).")
]

_NUMBER_RE = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


def _no_timestamp(value: Any) -> Any:
    # pydantic reads a bare number ("0.5", 1700000000) as seconds since 1970. No client of
    # ours means that: it is almost always a mistake (a local time without a date, a float),
    # and answering with 1970 hides it.
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and _NUMBER_RE.match(value)
    ):
        raise ValueError(
            _("Please give a date and time in ISO 8601, e.g. 2026-04-07T15:00:00+02:00.")
        )
    return value


DateTime = Annotated[datetime, BeforeValidator(_no_timestamp)]
"""A date and time in ISO 8601 (with a time zone); a bare number is refused."""

_TIME_OF_DAY_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$"

TimeOfDay = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _TIME_OF_DAY_PATTERN,
            "description": "A local time of day, HH:MM or HH:MM:SS, without a time zone.",
        }
    ),
]
"""A local time of day. JSON Schema's `time` format demands a UTC offset, which a wall-clock
time ("quiet from 20:00") has not: it is declared as a pattern instead."""


class PersonRef(Schema):
    """A person as other objects refer to them."""

    username: str = Field(description="The login name; identifies the person in URLs.")
    display_name: str = Field(description="First and last name, or the username.")
    is_guest: bool = Field(
        default=False,
        description="A guest from a partner organisation (shown with a guest mark).",
    )
    guest_organisation: str = Field(
        default="", description="A guest's organisation; empty otherwise."
    )
    is_former: bool = Field(
        default=False,
        description=(
            "The pseudonymous account that holds an erased person's content (shown as "
            '"Former employee"): it has no profile, so /people/{username} answers 404; '
            "show the name without a link."
        ),
    )

    @classmethod
    def of(cls, user: Any) -> PersonRef:
        """The one way a person becomes a reference, so that every endpoint marks guests."""
        guest = bool(getattr(user, "is_guest", False))
        return cls(
            username=user.username,
            display_name=user.display_name,
            is_guest=guest,
            guest_organisation=user.guest_organisation if guest else "",
            is_former=bool(getattr(user, "is_former", False)),
        )


class UnitRef(Schema):
    """An org unit as other objects refer to it."""

    id: int = Field(description="The org unit's id.")
    slug: str = Field(description="The org unit's address, used in /org-units/{slug}.")
    name: str = Field(description="The org unit's name.")


class Error(Schema):
    """Every error the API answers, in the caller's language."""

    detail: str = Field(description="What went wrong, in the caller's language.")
    code: str = Field(description="A stable machine-readable error code.")
    errors: dict[str, list[str]] | list[str] | None = Field(
        None, description="For invalid input (422): the messages per field."
    )


class Message(Schema):
    """A confirmation for the person, in the caller's language."""

    detail: str


# Errors any operation may answer: invalid JSON or a refused write (400), no or a wrong token
# (401), not allowed (403), not found or not visible (404), a body over the size limit (413),
# input that does not fit the schema (422).
ERRORS: dict[int, type[Schema]] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    413: Error,
    422: Error,
}


def limit_field(default: int, maximum: int) -> Any:
    """The `limit` query parameter of a list: 1 to `maximum`, `default` when left out."""
    return Field(default, ge=1, le=maximum, description=f"Page size (1 to {maximum}).")
