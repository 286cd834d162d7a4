"""Ranged retrieval of a multi-valued attribute (Active Directory, Samba): the one home for
reading every value of an attribute such as a group's ``member``.

Active Directory hands out at most MaxValRange values of an attribute per answer (1,500 by
default, at most 5,000). Beyond that it answers ``member;range=0-1499`` (and an empty
``member``); the client asks again for ``member;range=1500-*``, and so on, until a range ends
in ``*``. A client that reads only the first answer sees 1,500 members of a group of 5,000.

``read_all`` asks for the plain attribute (or, with ``size``, for the first ``size`` values:
``member;range=0-9``) and follows the ranges the directory answers with. A directory that
does not range (OpenLDAP) answers the plain attribute with every value: one request. What a
misbehaving directory could make an endless or lossy loop is an error instead: a range that
does not start where it was asked to, one that makes no progress, a value count that does not
match its range, and more than ``MAX_ROUNDS`` requests for one attribute.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

# A hard stop for a directory whose ranges never end: 15 million values at Active
# Directory's default of 1,500 per answer.
MAX_ROUNDS = 10_000

_RANGE = re.compile(r"range=(\d+)-(\d+|\*)", re.IGNORECASE)


class RangeError(Exception):
    """The directory's ranges cannot be followed; the message says why."""


@dataclass(frozen=True)
class Part:
    """What one answer holds of an attribute: its values and, for a ranged answer, the
    positions they cover (``end`` None: ``*``, the last part)."""

    values: list[str]
    ranged: bool = False
    start: int = 0
    end: int | None = None


def description(attribute: str, start: int, size: int) -> str:
    """The attribute description that asks for the values from ``start``: ``size`` of them
    (``member;range=10-19``), or as many as the directory hands out (``member;range=10-*``)."""
    end = str(start + size - 1) if size > 0 else "*"
    return f"{attribute};range={start}-{end}"


def part_of(attrs: Mapping[str, list[str]], attribute: str) -> Part | None:
    """The part of ``attribute`` in one answer's attributes: a ranged one if there is one (Active
    Directory sends the plain name empty beside it), else the plain attribute; None when the
    answer holds neither. Attribute names and the ``range`` option compare without letter
    case (LDAP's rule), so ``Member;Range=0-9`` is a part of ``member``."""
    wanted = attribute.lower()
    plain: list[str] | None = None
    ranged: list[Part] = []
    for name, values in attrs.items():
        base, _sep, options = name.partition(";")
        if base.lower() != wanted:
            continue
        if not options:
            plain = list(values)
            continue
        match = _RANGE.fullmatch(options)
        if match is None:
            continue  # another option (a language tag, ;binary): not what was asked for
        end = None if match.group(2) == "*" else int(match.group(2))
        ranged.append(Part(values=list(values), ranged=True, start=int(match.group(1)), end=end))
    if len(ranged) > 1:
        raise RangeError(
            _("the directory answered %(count)s ranges of %(attribute)s at once")
            % {"count": len(ranged), "attribute": attribute}
        )
    if ranged:
        return ranged[0]
    return Part(values=plain) if plain is not None else None


def read_all(
    fetch: Callable[[str], Mapping[str, list[str]] | None],
    attribute: str,
    *,
    size: int = 0,
    max_rounds: int = MAX_ROUNDS,
) -> list[str] | None:
    """Every value of ``attribute`` of one entry, ranges followed; None when there is no entry.

    ``fetch(description)`` reads the entry asking for that attribute description and returns
    its attributes (None: no such entry). ``size`` > 0 asks for that many values at a time
    (only for a directory that supports ranges); 0 asks for the plain attribute, and the
    directory decides whether to range."""
    values: list[str] = []
    start = 0
    ask = description(attribute, 0, size) if size > 0 else attribute
    for round_ in range(max_rounds):
        attrs = fetch(ask)
        if attrs is None:
            if round_ == 0:
                return None
            raise RangeError(
                _("the entry disappeared while its %(attribute)s values were read")
                % {"attribute": attribute}
            )
        part = part_of(attrs, attribute)
        if part is None:
            # Nothing of the attribute: an entry without it or, after a range, an empty last
            # range the directory left out (the values ended exactly at the last range's end).
            return values
        if not part.ranged:
            if round_ == 0:
                return part.values  # the directory does not range: every value at once
            raise RangeError(
                _("the directory answered a ranged read of %(attribute)s without a range")
                % {"attribute": attribute}
            )
        if part.start != start:
            raise RangeError(
                _(
                    "the directory answered %(attribute)s from value %(got)s where value "
                    "%(asked)s was asked for"
                )
                % {"attribute": attribute, "got": part.start, "asked": start}
            )
        values.extend(part.values)
        if part.end is None:
            return values  # "*": the last range (possibly empty)
        if part.end < part.start or len(part.values) != part.end - part.start + 1:
            raise RangeError(
                _(
                    "the directory answered the range %(start)s-%(end)s of %(attribute)s with "
                    "%(count)s values"
                )
                % {
                    "start": part.start,
                    "end": part.end,
                    "attribute": attribute,
                    "count": len(part.values),
                }
            )
        start = part.end + 1
        ask = description(attribute, start, size)
    raise RangeError(
        _(
            "the directory did not end the ranges of %(attribute)s after %(rounds)s requests "
            "(%(count)s values so far)"
        )
        % {"attribute": attribute, "rounds": max_rounds, "count": len(values)}
    )
