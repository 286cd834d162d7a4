"""Relative times, one wording everywhere: ``{{ when|ago }}`` gives "vor 3 Stunden" /
"3 hours ago", "in 2 Tagen" / "in 2 days" for the future, "gerade eben" / "just now" for the
last minute. Babel's CLDR data does the grammar (German dative plural: "vor 3 Tagen"), which
Django's ``timesince`` cannot ("1 Tage, 10 Stunden her").

Days in words, for lists of dates: ``{{ when|day }}`` gives "Di., 8. Dez." / "Tue, Dec 8" (with
the year when it is not this year), ``{{ when|day_time }}`` adds the local time ("Di., 8. Dez.,
17:00"). Django's ``date:"D, j M"`` gave "Di, 8 Dez" (no German abbreviation dots) and
``SHORT_DATETIME_FORMAT`` a row of digits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from babel.dates import format_skeleton, format_timedelta
from django import template
from django.utils import timezone
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

register = template.Library()

JUST_NOW = timedelta(seconds=45)


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """The time from ``now`` to ``value`` in the active language, with its direction."""
    if not isinstance(value, datetime):
        return ""
    now = now or timezone.now()
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    delta = value - now
    if abs(delta) < JUST_NOW:
        return _("just now")
    locale = to_locale(get_language() or "de")
    # threshold 1: "vor 23 Stunden", not "vor 1 Tag" at 21 hours.
    return str(format_timedelta(delta, threshold=1, add_direction=True, locale=locale))


# While a cached fragment is rendered (hanse/posts/cards.py), ``|ago`` writes a slot that the
# cache fills with the relative time of each request: a fragment whose only change is
# "5 minutes ago" becoming "6 minutes ago" stays one cache entry.
_deferred: ContextVar[Callable[[datetime], str] | None] = ContextVar("hanse_ago", default=None)


@contextmanager
def ago_as_slots(slot: Callable[[datetime], str]) -> Iterator[None]:
    """Within this block ``|ago`` renders ``slot(value)`` instead of the relative time."""
    token = _deferred.set(slot)
    try:
        yield
    finally:
        _deferred.reset(token)


@register.filter("ago")
def ago_filter(value: datetime | None) -> str:
    slot = _deferred.get()
    if slot is not None and isinstance(value, datetime):
        return slot(value)
    return ago(value)


def _locale() -> str:
    return to_locale(get_language() or "de")


def day(value: datetime | None, now: datetime | None = None) -> str:
    """The local day in words: "Di., 8. Dez."; "Di., 8. Dez. 2026" in another year."""
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value)
    this_year = timezone.localtime(now or timezone.now()).year
    skeleton = "MMMEd" if local.year == this_year else "yMMMEd"
    return str(format_skeleton(skeleton, local, locale=_locale()))


def day_time(value: datetime | None, now: datetime | None = None) -> str:
    """The local day in words and the time: "Di., 8. Dez., 17:00"."""
    if not isinstance(value, datetime):
        return ""
    time = format_skeleton("Hm", timezone.localtime(value), locale=_locale())
    return f"{day(value, now)}, {time}"


register.filter("day", day)
register.filter("day_time", day_time)
