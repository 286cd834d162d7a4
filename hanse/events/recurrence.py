"""Recurring events (RFC 5545 RRULE): expansion, validation and a sentence for people.

Rules are expanded in the event's own time zone with zoneinfo, on wall-clock time: "every
Tuesday 17:00 Europe/Berlin" stays 17:00 local across the change to and from summer time, so
its UTC offset changes. All-day events are whole local days (stored as local midnight of the
first day and of the day after the last, like DTEND;VALUE=DATE). An occurrence is identified
by its original start in UTC (its RECURRENCE-ID); overrides move, retitle or cancel one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule as du_rrule
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from hanse.core.errors import ServiceError

if TYPE_CHECKING:
    from hanse.events.models import Event, OccurrenceOverride

MAX_COUNT = 500
MAX_INTERVAL = 99
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ALLOWED_KEYS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
)
_BYDAY_RE = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL_RE = re.compile(r"^(\d{8})(T(\d{6})Z?)?$")


@dataclass
class Occurrence:
    """One occurrence of an event, after overrides."""

    event: Event
    recurrence_id: datetime  # the original start, UTC: the key of RSVPs and overrides
    start: datetime
    end: datetime
    title: str
    room: str
    cancelled: bool
    is_exception: bool  # moved, retitled or cancelled by an override
    # The viewer's answer, set by the calendar selectors (None: no answer or not looked up).
    my_status: str | None = None


def zone_of(event: Event) -> ZoneInfo:
    return zone(event.time_zone)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ServiceError(_("This time zone is not known."), code="invalid_time_zone") from exc


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# --- validation ----------------------------------------------------------------------------


def _invalid(message: object) -> ServiceError:
    return ServiceError(message, code="invalid_rrule")  # type: ignore[arg-type]  # lazy text


def _parts(value: str) -> dict[str, str]:
    text = value.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for piece in text.upper().split(";"):
        if not piece.strip():
            continue
        key, sep, val = piece.strip().partition("=")
        if not sep or not val:
            raise _invalid(
                _("The repeat rule is not valid: “%(part)s” is not KEY=VALUE.")
                % {"part": piece.strip()}
            )
        if key not in ALLOWED_KEYS:
            raise _invalid(
                _("The repeat rule is not valid: “%(key)s” is not supported.") % {"key": key}
            )
        if key in parts:
            raise _invalid(
                _("The repeat rule is not valid: “%(key)s” appears twice.") % {"key": key}
            )
        parts[key] = val
    return parts


def _int(parts: dict[str, str], key: str) -> int | None:
    if key not in parts:
        return None
    try:
        return int(parts[key])
    except ValueError:
        raise _invalid(
            _("The repeat rule is not valid: %(key)s must be a number.") % {"key": key}
        ) from None


def validate_rrule(value: str) -> str:
    """The rule in normal form ("" for none); ServiceError with a clear message if invalid."""
    if not value or not value.strip():
        return ""
    parts = _parts(value)
    freq = parts.get("FREQ")
    if freq is None:
        raise _invalid(_("The repeat rule needs a frequency (FREQ)."))
    if freq not in FREQUENCIES:
        if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
            raise _invalid(_("Events can repeat at most daily."))
        raise _invalid(
            _("The repeat rule is not valid: unknown frequency “%(freq)s”.") % {"freq": freq}
        )
    interval = _int(parts, "INTERVAL")
    if interval is not None and not 1 <= interval <= MAX_INTERVAL:
        raise _invalid(_("The interval must be between 1 and %(max)s.") % {"max": MAX_INTERVAL})
    count = _int(parts, "COUNT")
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise _invalid(_("An event can repeat at most %(max)s times.") % {"max": MAX_COUNT})
    if count is not None and "UNTIL" in parts:
        raise _invalid(_("A repeat rule can end after a number of times or on a date, not both."))
    if "UNTIL" in parts and not _UNTIL_RE.match(parts["UNTIL"]):
        raise _invalid(_("The end date of the repeat rule is not valid."))
    if "BYDAY" in parts:
        for day in parts["BYDAY"].split(","):
            if not _BYDAY_RE.match(day):
                raise _invalid(
                    _("The repeat rule is not valid: “%(day)s” is not a weekday.") % {"day": day}
                )
    for key, low, high in (("BYMONTHDAY", -31, 31), ("BYMONTH", 1, 12), ("BYSETPOS", -5, 5)):
        if key in parts:
            for item in parts[key].split(","):
                try:
                    number = int(item)
                except ValueError:
                    number = 0
                if number == 0 or not low <= number <= high:
                    raise _invalid(
                        _("The repeat rule is not valid: %(key)s is out of range.") % {"key": key}
                    )
    if "WKST" in parts and parts["WKST"] not in DAY_CODES:
        raise _invalid(
            _("The repeat rule is not valid: “%(day)s” is not a weekday.") % {"day": parts["WKST"]}
        )
    order = {key: index for index, key in enumerate(ALLOWED_KEYS)}
    normal = ";".join(f"{k}={parts[k]}" for k in sorted(parts, key=order.__getitem__))
    try:
        _build(
            normal, datetime(2026, 1, 6, 17, 0, tzinfo=ZoneInfo("Europe/Berlin")), ZoneInfo("UTC")
        )
    except ValueError as exc:
        raise _invalid(_("The repeat rule is not valid.")) from exc
    return normal


def _until(raw: str, tz: ZoneInfo) -> datetime:
    """UNTIL as an aware moment: a date means the end of that local day."""
    match = _UTC_OR_DATE(raw)
    return match.astimezone(tz) if match.tzinfo else match.replace(tzinfo=tz)


def _UTC_OR_DATE(raw: str) -> datetime:  # reads like the RFC's DATE / DATE-TIME
    found = _UNTIL_RE.match(raw)
    if not found:
        raise ValueError(raw)
    day = datetime.strptime(found.group(1), "%Y%m%d")  # noqa: DTZ007  # zone added below
    if found.group(3) is None:
        return datetime.combine(day.date(), time(23, 59, 59))
    clock = datetime.strptime(found.group(3), "%H%M%S").time()  # noqa: DTZ007  # a clock time
    return datetime.combine(day.date(), clock, tzinfo=UTC)


def _build(value: str, dtstart: datetime, tz: ZoneInfo) -> du_rrule.rrule:
    """A dateutil rule on aware local wall-clock time (UNTIL made aware in the same zone)."""
    parts = dict(p.split("=", 1) for p in value.split(";") if p)
    until = parts.pop("UNTIL", None)
    text = ";".join(f"{k}={v}" for k, v in parts.items())
    rule = du_rrule.rrulestr(text, dtstart=dtstart)
    if not isinstance(rule, du_rrule.rrule):  # pragma: no cover - rrulestr of one RRULE
        raise ValueError(value)
    if until is not None:
        rule = rule.replace(until=_until(until, tz))
    return rule


# --- expansion -----------------------------------------------------------------------------


def _local_naive(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def _wall_duration(event: Event, tz: ZoneInfo) -> timedelta:
    return _local_naive(event.end, tz) - _local_naive(event.start, tz)


def _at_local(naive: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in the zone, as UTC (a time skipped by summer time moves forward)."""
    aware = naive.replace(tzinfo=tz)
    return utc(aware)


def _rule(event: Event, tz: ZoneInfo) -> du_rrule.rrule | None:
    if not event.rrule:
        return None
    start = event.start.astimezone(tz)
    return _build(event.rrule, start, tz)


def _original_starts(
    event: Event, tz: ZoneInfo, after: datetime, before: datetime
) -> list[datetime]:
    """Original starts (UTC) with after <= start <= before."""
    rule = _rule(event, tz)
    if rule is None:
        return [utc(event.start)] if after <= event.start <= before else []
    return [
        utc(moment)
        for moment in rule.between(after.astimezone(tz), before.astimezone(tz), inc=True)
    ]


def is_occurrence(event: Event, recurrence_id: datetime) -> bool:
    """Whether the series has an occurrence that originally starts at this moment."""
    tz = zone_of(event)
    return utc(recurrence_id) in _original_starts(event, tz, recurrence_id, recurrence_id)


def _overrides(event: Event) -> dict[datetime, OccurrenceOverride]:
    cache = getattr(event, "_prefetched_objects_cache", {})
    rows = cache["overrides"] if "overrides" in cache else event.overrides.all()
    return {utc(o.recurrence_id): o for o in rows}


def _make(
    event: Event, recurrence_id: datetime, tz: ZoneInfo, override: OccurrenceOverride | None
) -> Occurrence:
    local = _local_naive(recurrence_id, tz)
    end = _at_local(local + _wall_duration(event, tz), tz)
    occurrence = Occurrence(
        event=event,
        recurrence_id=recurrence_id,
        start=recurrence_id,
        end=end,
        title=event.title,
        room=event.room,
        cancelled=event.cancelled_at is not None,
        is_exception=False,
    )
    if override is not None:
        occurrence.is_exception = True
        if override.start is not None:
            occurrence.start = utc(override.start)
        if override.end is not None:
            occurrence.end = utc(override.end)
        if override.title:
            occurrence.title = override.title
        if override.room:
            occurrence.room = override.room
        if override.cancelled:
            occurrence.cancelled = True
    return occurrence


def occurrences(
    event: Event, *, start: datetime, end: datetime, include_cancelled: bool = False
) -> list[Occurrence]:
    """Occurrences overlapping [start, end), sorted by start, overrides applied.

    Uses ``event.overrides`` prefetched when it is (the calendar selectors do), else one
    query."""
    tz = zone_of(event)
    longest = max(_wall_duration(event, tz), timedelta(0)) + timedelta(hours=2)  # DST slack
    overrides = _overrides(event)
    found: dict[datetime, Occurrence] = {}
    for rid in _original_starts(event, tz, start - longest, end):
        found[rid] = _make(event, rid, tz, overrides.get(rid))
    # An occurrence moved into the range from outside it.
    for rid, override in overrides.items():
        if rid in found or override.start is None:
            continue
        moved_end = override.end or override.start
        if override.start < end and moved_end > start and is_occurrence(event, rid):
            found[rid] = _make(event, rid, tz, override)
    result = [
        o
        for o in found.values()
        if o.start < end
        and (o.end > start or (o.end == o.start == start))
        and (include_cancelled or not o.cancelled)
    ]
    result.sort(key=lambda o: (o.start, o.event.pk or 0))
    return result


def occurrence_at(event: Event, recurrence_id: datetime) -> Occurrence:
    """The occurrence with this recurrence id (cancelled ones too); ServiceError 404 if none."""
    rid = utc(recurrence_id)
    if not is_occurrence(event, rid):
        raise ServiceError(_("This date is not part of the event."), code="not_found", status=404)
    tz = zone_of(event)
    return _make(event, rid, tz, _overrides(event).get(rid))


def first_start(event: Event) -> datetime:
    return utc(event.start)


def count_before(event: Event, recurrence_id: datetime) -> int:
    """How many occurrences start before this one (for splitting a COUNT rule)."""
    tz = zone_of(event)
    return len(_original_starts(event, tz, event.start, recurrence_id - timedelta(seconds=1)))


def all_day_bounds(start: datetime, end: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Whole local days: midnight of the first day and of the day after the last (inclusive
    last day = the local date of ``end``)."""
    first = start.astimezone(tz).date()
    last = max(end.astimezone(tz).date(), first)
    return (
        utc(datetime.combine(first, time(0), tzinfo=tz)),
        utc(datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)),
    )


def last_day(event: Event) -> date:
    """The last day of an all-day event (its end is the midnight after it)."""
    tz = zone_of(event)
    return (event.end.astimezone(tz) - timedelta(microseconds=1)).date()


def format_until(moment: datetime) -> str:
    return utc(moment).strftime("%Y%m%dT%H%M%SZ")


def with_end(value: str, *, until: datetime | None = None, count: int | None = None) -> str:
    """The rule with its end replaced: UNTIL (UTC), COUNT, or neither."""
    parts = _parts(value)
    parts.pop("UNTIL", None)
    parts.pop("COUNT", None)
    if until is not None:
        parts["UNTIL"] = format_until(until)
    if count is not None:
        parts["COUNT"] = str(count)
    return validate_rrule(";".join(f"{k}={v}" for k, v in parts.items()))


def rule_count(value: str) -> int | None:
    return _int(_parts(value), "COUNT") if value else None


# --- describing ----------------------------------------------------------------------------


def _ordinal(n: int) -> str:
    words = {
        1: pgettext("in “monthly on the first Tuesday”", "first"),
        2: pgettext("in “monthly on the second Tuesday”", "second"),
        3: pgettext("in “monthly on the third Tuesday”", "third"),
        4: pgettext("in “monthly on the fourth Tuesday”", "fourth"),
        5: pgettext("in “monthly on the fifth Tuesday”", "fifth"),
        -1: pgettext("in “monthly on the last Tuesday”", "last"),
        -2: pgettext("in “monthly on the second to last Tuesday”", "second to last"),
    }
    return words.get(n, str(n))


def _weekday(code: str) -> str:
    return str(WEEKDAYS[DAY_CODES.index(code)])


def _days(parts: dict[str, str]) -> tuple[list[str], list[tuple[int, str]]]:
    plain: list[str] = []
    nth: list[tuple[int, str]] = []
    setpos = _int(parts, "BYSETPOS")
    for item in parts.get("BYDAY", "").split(","):
        found = _BYDAY_RE.match(item)
        if not found:
            continue
        if found.group(1):
            nth.append((int(found.group(1)), found.group(2)))
        elif setpos is not None:
            nth.append((setpos, found.group(2)))
        else:
            plain.append(found.group(2))
    return plain, nth


def _describe(value: str) -> str:
    parts = _parts(value)
    freq = parts["FREQ"]
    n = _int(parts, "INTERVAL") or 1
    plain, nth = _days(parts)
    and_ = _g("and")
    day_list = get_text_list([_weekday(d) for d in plain], and_) if plain else ""
    if freq == "DAILY":
        text = (
            _g("every day")
            if n == 1
            else ngettext("every %(n)s day", "every %(n)s days", n) % {"n": n}
        )
    elif freq == "WEEKLY":
        if day_list:
            text = (
                _g("every week on %(days)s") % {"days": day_list}
                if n == 1
                else ngettext("every %(n)s week on %(days)s", "every %(n)s weeks on %(days)s", n)
                % {"n": n, "days": day_list}
            )
        else:
            text = (
                _g("every week")
                if n == 1
                else ngettext("every %(n)s week", "every %(n)s weeks", n) % {"n": n}
            )
    elif freq == "MONTHLY":
        if nth:
            which = get_text_list(
                [
                    _g("the %(ordinal)s %(weekday)s")
                    % {"ordinal": _ordinal(k), "weekday": _weekday(d)}
                    for k, d in nth
                ],
                and_,
            )
            text = (
                _g("monthly on %(which)s") % {"which": which}
                if n == 1
                else ngettext(
                    "every %(n)s month on %(which)s", "every %(n)s months on %(which)s", n
                )
                % {"n": n, "which": which}
            )
        elif "BYMONTHDAY" in parts:
            days = get_text_list(parts["BYMONTHDAY"].split(","), and_)
            text = (
                _g("monthly on day %(days)s") % {"days": days}
                if n == 1
                else ngettext(
                    "every %(n)s month on day %(days)s", "every %(n)s months on day %(days)s", n
                )
                % {"n": n, "days": days}
            )
        else:
            text = (
                _g("every month")
                if n == 1
                else ngettext("every %(n)s month", "every %(n)s months", n) % {"n": n}
            )
    else:
        text = (
            _g("every year")
            if n == 1
            else ngettext("every %(n)s year", "every %(n)s years", n) % {"n": n}
        )
    count = _int(parts, "COUNT")
    if count is not None:
        text = ngettext("%(rule)s, %(n)s time", "%(rule)s, %(n)s times", count) % {
            "rule": text,
            "n": count,
        }
    elif "UNTIL" in parts:
        until = _UTC_OR_DATE(parts["UNTIL"])
        shown = until.astimezone(ZoneInfo("Europe/Berlin")).date() if until.tzinfo else until.date()
        text = _g("%(rule)s, until %(date)s") % {
            "rule": text,
            "date": date_format(shown, "DATE_FORMAT"),
        }
    return text


def describe_rrule(value: str, language: str | None = None) -> str:
    """A sentence for people: "every week on Tuesday", "monthly on the first Tuesday"."""
    if not value:
        return ""
    normal = validate_rrule(value)
    if language is None:
        return _describe(normal)
    with translation.override(language):
        return _describe(normal)


# --- occurrence keys in addresses ----------------------------------------------------------


def occurrence_key(recurrence_id: datetime) -> str:
    """The occurrence in an address or API path: ``20260407T150000Z`` (its original start)."""
    return format_until(recurrence_id)


def parse_occurrence_key(raw: str) -> datetime:
    """The reverse of :func:`occurrence_key` (ISO 8601 with an offset is accepted too);
    ServiceError 404 for anything else."""
    text = (raw or "").strip()
    try:
        moment = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ServiceError(
                _("This date is not part of the event."), code="not_found", status=404
            ) from None
        if moment.tzinfo is None:
            raise ServiceError(
                _("This date is not part of the event."), code="not_found", status=404
            ) from None
    return utc(moment)


def original_bounds(event: Event, recurrence_id: datetime) -> tuple[datetime, datetime]:
    """Start and end of an occurrence as the rule makes it, without its override."""
    occ = _make(event, utc(recurrence_id), zone_of(event), None)
    return occ.start, occ.end
