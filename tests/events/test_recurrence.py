"""Recurrence: expansion in the local time zone, DST, overrides, splits, limits, texts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from hanse.core.errors import ServiceError
from hanse.events import recurrence
from hanse.events.models import Event, OccurrenceOverride, Rsvp
from hanse.events.recurrence import (
    describe_rrule,
    occurrence_at,
    occurrence_key,
    occurrences,
    parse_occurrence_key,
    validate_rrule,
)
from hanse.events.services.events import occurrence_cancel, occurrence_update, series_update_from
from hanse.events.services.rsvps import rsvp_set
from tests.events.helpers import BERLIN, UTC, berlin, make_event


def _local(occs):
    return [o.start.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") for o in occs]


def _unsaved(start, end, rrule="", all_day=False):
    return Event(pk=1, start=start, end=end, rrule=rrule, all_day=all_day, title="T")


@pytest.fixture
def no_overrides(monkeypatch):
    monkeypatch.setattr(recurrence, "_overrides", lambda event: {})


def test_weekly_across_march_dst_stays_local(no_overrides):
    """Weekly 17:00 Berlin across the last Sunday of March: 17:00 local, UTC 16:00 -> 15:00."""
    event = _unsaved(berlin(2026, 3, 17, 17), berlin(2026, 3, 17, 19), "FREQ=WEEKLY;BYDAY=TU")
    occs = occurrences(event, start=berlin(2026, 3, 16), end=berlin(2026, 4, 8))
    assert _local(occs) == [
        "2026-03-17 17:00",
        "2026-03-24 17:00",
        "2026-03-31 17:00",
        "2026-04-07 17:00",
    ]
    assert [o.start.astimezone(UTC).hour for o in occs] == [16, 16, 15, 15]
    assert all(o.end - o.start == timedelta(hours=2) for o in occs)
    assert all(o.recurrence_id.utcoffset() == timedelta(0) for o in occs)


def test_weekly_across_october_dst_stays_local(no_overrides):
    """Across the last Sunday of October the UTC hour goes from 15 back to 16."""
    event = _unsaved(berlin(2026, 10, 20, 17), berlin(2026, 10, 20, 18), "FREQ=WEEKLY")
    occs = occurrences(event, start=berlin(2026, 10, 19), end=berlin(2026, 11, 4))
    assert _local(occs) == ["2026-10-20 17:00", "2026-10-27 17:00", "2026-11-03 17:00"]
    assert [o.start.astimezone(UTC).hour for o in occs] == [15, 16, 16]


def test_monthly_first_tuesday(no_overrides):
    """FREQ=MONTHLY;BYDAY=1TU gives the first Tuesday of each month."""
    event = _unsaved(berlin(2026, 1, 6, 18), berlin(2026, 1, 6, 20), "FREQ=MONTHLY;BYDAY=1TU")
    occs = occurrences(event, start=berlin(2026, 1, 1), end=berlin(2026, 5, 1))
    assert _local(occs) == [
        "2026-01-06 18:00",
        "2026-02-03 18:00",
        "2026-03-03 18:00",
        "2026-04-07 18:00",
    ]


def test_every_second_week(no_overrides):
    """INTERVAL=2 skips every other week."""
    event = _unsaved(berlin(2026, 5, 5, 9), berlin(2026, 5, 5, 10), "FREQ=WEEKLY;INTERVAL=2")
    occs = occurrences(event, start=berlin(2026, 5, 1), end=berlin(2026, 6, 10))
    assert _local(occs) == ["2026-05-05 09:00", "2026-05-19 09:00", "2026-06-02 09:00"]


def test_count_and_until(no_overrides):
    """COUNT stops after n occurrences, UNTIL (a date: the whole local day) on that day."""
    counted = _unsaved(berlin(2026, 5, 4, 9), berlin(2026, 5, 4, 10), "FREQ=DAILY;COUNT=3")
    assert len(occurrences(counted, start=berlin(2026, 5, 1), end=berlin(2026, 6, 1))) == 3
    until = _unsaved(berlin(2026, 5, 4, 9), berlin(2026, 5, 4, 10), "FREQ=DAILY;UNTIL=20260506")
    assert _local(occurrences(until, start=berlin(2026, 5, 1), end=berlin(2026, 6, 1))) == [
        "2026-05-04 09:00",
        "2026-05-05 09:00",
        "2026-05-06 09:00",
    ]
    utc_until = _unsaved(
        berlin(2026, 5, 4, 9), berlin(2026, 5, 4, 10), "FREQ=DAILY;UNTIL=20260505T070000Z"
    )
    assert len(occurrences(utc_until, start=berlin(2026, 5, 1), end=berlin(2026, 6, 1))) == 2


def test_single_event_is_one_occurrence(no_overrides):
    """A single event yields one occurrence whose recurrence id is its start."""
    event = _unsaved(berlin(2026, 5, 4, 9), berlin(2026, 5, 4, 10))
    (occ,) = occurrences(event, start=berlin(2026, 5, 1), end=berlin(2026, 6, 1))
    assert occ.recurrence_id == event.start
    assert occurrences(event, start=berlin(2026, 6, 1), end=berlin(2026, 7, 1)) == []
    assert occurrence_at(event, event.start).start == event.start
    with pytest.raises(ServiceError) as err:
        occurrence_at(event, berlin(2026, 5, 5, 9))
    assert err.value.status == 404
    assert str(err.value.message) == "This date is not part of the event."


def test_overlap_counts_running_occurrences(no_overrides):
    """An occurrence that started before the range and still runs is in it."""
    event = _unsaved(berlin(2026, 5, 4, 9), berlin(2026, 5, 4, 12))
    assert len(occurrences(event, start=berlin(2026, 5, 4, 11), end=berlin(2026, 5, 5))) == 1


def test_all_day_weekly_across_dst(make_user):
    """All-day events are whole local days, also on the day summer time starts (23 hours)."""
    anna = make_user()
    event = make_event(
        anna,
        start=berlin(2030, 3, 24, 10),
        end=berlin(2030, 3, 24, 10),
        all_day=True,
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    assert event.start == berlin(2030, 3, 24)
    assert event.end == berlin(2030, 3, 25)
    occs = occurrences(event, start=berlin(2030, 3, 1), end=berlin(2030, 5, 1))
    assert _local(occs) == ["2030-03-24 00:00", "2030-03-31 00:00", "2030-04-07 00:00"]
    assert occs[1].end.astimezone(BERLIN) == berlin(2030, 4, 1)
    assert occs[1].end - occs[1].start == timedelta(hours=23)  # 31 March 2030: summer time
    assert recurrence.last_day(event).isoformat() == "2030-03-24"


def test_all_day_several_days(make_user):
    """A three-day all-day event ends at midnight after its last day."""
    event = make_event(make_user(), start=berlin(2030, 6, 1), end=berlin(2030, 6, 3), all_day=True)
    assert (event.start, event.end) == (berlin(2030, 6, 1), berlin(2030, 6, 4))


def test_series_starts_on_its_first_occurrence(make_user):
    """A start that the rule does not match moves to the first match (like the UI expects)."""
    event = make_event(make_user(), start=berlin(2030, 1, 1, 18), rrule="FREQ=MONTHLY;BYDAY=1TU")
    assert event.start == berlin(2030, 1, 1, 18)  # 1 January 2030 is a Tuesday
    other = make_event(make_user(), start=berlin(2030, 1, 2, 18), rrule="FREQ=MONTHLY;BYDAY=1TU")
    assert other.start == berlin(2030, 2, 5, 18)
    assert other.end == berlin(2030, 2, 5, 20)


def test_edit_one_occurrence_keeps_rsvps(make_user):
    """Moving one occurrence changes only it; its RSVPs stay; the others are unchanged."""
    anna, ben = make_user(), make_user()
    event = make_event(anna, start=berlin(2030, 3, 5, 17), rrule="FREQ=WEEKLY;COUNT=4")
    second = berlin(2030, 3, 12, 17)
    rsvp_set(event=event, recurrence_id=second, user=ben, status="going")
    occ = occurrence_update(
        event=event, recurrence_id=second, by=anna, start=berlin(2030, 3, 13, 18), title="Extra"
    )
    assert (occ.start, occ.end, occ.title, occ.is_exception) == (
        berlin(2030, 3, 13, 18),
        berlin(2030, 3, 13, 20),
        "Extra",
        True,
    )
    event.refresh_from_db()
    occs = occurrences(event, start=berlin(2030, 3, 1), end=berlin(2030, 4, 1))
    assert _local(occs) == [
        "2030-03-05 17:00",
        "2030-03-13 18:00",
        "2030-03-19 17:00",
        "2030-03-26 17:00",
    ]
    assert occs[1].recurrence_id == second
    assert Rsvp.objects.get(user=ben).occurrence == second
    assert event.sequence == 1


def test_moved_into_range_from_outside(make_user):
    """An occurrence moved into a range appears there even though it originally was not."""
    anna = make_user()
    event = make_event(anna, start=berlin(2030, 3, 5, 17), rrule="FREQ=WEEKLY;COUNT=4")
    occurrence_update(
        event=event, recurrence_id=berlin(2030, 3, 5, 17), by=anna, start=berlin(2030, 4, 20, 10)
    )
    occs = occurrences(event, start=berlin(2030, 4, 15), end=berlin(2030, 4, 25))
    assert _local(occs) == ["2030-04-20 10:00"]
    assert occs[0].recurrence_id == berlin(2030, 3, 5, 17)
    assert occurrences(event, start=berlin(2030, 3, 4), end=berlin(2030, 3, 6)) == []


def test_cancel_one_occurrence(make_user):
    """A cancelled occurrence is left out, or marked with include_cancelled."""
    anna = make_user()
    event = make_event(anna, start=berlin(2030, 3, 5, 17), rrule="FREQ=WEEKLY;COUNT=3")
    occurrence_cancel(event=event, recurrence_id=berlin(2030, 3, 12, 17), by=anna)
    span = {"start": berlin(2030, 3, 1), "end": berlin(2030, 4, 1)}
    assert _local(occurrences(event, **span)) == ["2030-03-05 17:00", "2030-03-19 17:00"]
    every = occurrences(event, include_cancelled=True, **span)
    assert [o.cancelled for o in every] == [False, True, False]
    assert OccurrenceOverride.objects.get().cancelled is True


def test_split_this_and_future(make_user):
    """Old series ends just before the split (UNTIL), the new continues with the changes and
    the RSVPs of future occurrences."""
    anna, ben, cara = make_user(), make_user(), make_user()
    event = make_event(anna, start=berlin(2030, 3, 5, 17), rrule="FREQ=WEEKLY")
    first, third = berlin(2030, 3, 5, 17), berlin(2030, 3, 19, 17)
    rsvp_set(event=event, recurrence_id=first, user=ben, status="going")
    rsvp_set(event=event, recurrence_id=third, user=cara, status="maybe")
    new = series_update_from(
        event=event,
        recurrence_id=third,
        by=anna,
        start=berlin(2030, 3, 19, 18),
        end=berlin(2030, 3, 19, 20),
        room="Raum 2",
    )
    event.refresh_from_db()
    assert event.rrule == "FREQ=WEEKLY;UNTIL=20300319T155959Z"
    assert new.split_from == event
    assert new.uid != event.uid
    assert (new.start, new.room, new.rrule) == (berlin(2030, 3, 19, 18), "Raum 2", "FREQ=WEEKLY")
    span = {"start": berlin(2030, 3, 1), "end": berlin(2030, 4, 3)}
    assert _local(occurrences(event, **span)) == ["2030-03-05 17:00", "2030-03-12 17:00"]
    assert _local(occurrences(new, **span)) == [
        "2030-03-19 18:00",
        "2030-03-26 18:00",
        "2030-04-02 18:00",
    ]
    assert Rsvp.objects.get(user=ben).event == event
    moved = Rsvp.objects.get(user=cara)
    assert (moved.event, moved.occurrence) == (new, berlin(2030, 3, 19, 18))


def test_split_count_rule(make_user):
    """A COUNT rule is divided between the two series."""
    anna = make_user()
    event = make_event(anna, start=berlin(2030, 3, 5, 17), rrule="FREQ=WEEKLY;COUNT=5")
    new = series_update_from(
        event=event, recurrence_id=berlin(2030, 3, 19, 17), by=anna, title="Neu"
    )
    event.refresh_from_db()
    assert event.rrule == "FREQ=WEEKLY;COUNT=2"
    assert new.rrule == "FREQ=WEEKLY;COUNT=3"
    assert new.title == "Neu"


def test_validate_rrule_normalises_and_refuses():
    """Normal form; clear messages for what is not allowed."""
    assert validate_rrule("rrule:byday=tu;freq=weekly") == "FREQ=WEEKLY;BYDAY=TU"
    assert validate_rrule("  ") == ""
    cases = {
        "FREQ=HOURLY": "Events can repeat at most daily.",
        "FREQ=DAILY;COUNT=501": "An event can repeat at most 500 times.",
        "INTERVAL=2": "The repeat rule needs a frequency (FREQ).",
        "FREQ=WEEKLY;BYDAY=XX": "The repeat rule is not valid: “XX” is not a weekday.",
        "FREQ=WEEKLY;COUNT=2;UNTIL=20300101": (
            "A repeat rule can end after a number of times or on a date, not both."
        ),
        "FREQ=WEEKLY;FOO=1": "The repeat rule is not valid: “FOO” is not supported.",
        "FREQ=WEEKLY;UNTIL=tomorrow": "The end date of the repeat rule is not valid.",
        "FREQ=WEEKLY;INTERVAL=0": "The interval must be between 1 and 99.",
    }
    for rule, message in cases.items():
        with pytest.raises(ServiceError) as err:
            validate_rrule(rule)
        assert str(err.value.message) == message, rule


def test_describe_rrule_english():
    """Sentences for people."""
    assert describe_rrule("FREQ=WEEKLY;BYDAY=TU", "en") == "every week on Tuesday"
    assert describe_rrule("FREQ=WEEKLY;INTERVAL=2", "en") == "every 2 weeks"
    assert describe_rrule("FREQ=MONTHLY;BYDAY=1TU", "en") == "monthly on the first Tuesday"
    assert describe_rrule("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1", "en") == (
        "monthly on the last Tuesday"
    )
    assert describe_rrule("FREQ=DAILY;COUNT=5", "en") == "every day, 5 times"
    assert describe_rrule("FREQ=WEEKLY;BYDAY=MO,WE", "en") == "every week on Monday and Wednesday"
    assert describe_rrule("", "en") == ""


def test_describe_rrule_german_uses_the_catalog():
    """In German the weekday names come from Django's catalog; the rest from ours."""
    assert "Dienstag" in describe_rrule("FREQ=WEEKLY;BYDAY=TU", "de")


def test_occurrence_keys_round_trip():
    """Occurrence keys in addresses are the UTC start in iCal form."""
    moment = berlin(2030, 3, 5, 17)
    assert occurrence_key(moment) == "20300305T160000Z"
    assert parse_occurrence_key("20300305T160000Z") == moment
    assert parse_occurrence_key("2030-03-05T17:00:00+01:00") == moment
    with pytest.raises(ServiceError):
        parse_occurrence_key("2030-03-05T17:00:00")


def test_past_rule_expands_only_in_range(no_overrides):
    """An endless daily rule started long ago expands only the range asked for."""
    event = _unsaved(berlin(2000, 1, 1, 8), berlin(2000, 1, 1, 9), "FREQ=DAILY")
    # Noon today: a range that starts between 8 and 9 would also hold the running occurrence.
    now = timezone.localtime(timezone.now(), BERLIN).replace(hour=12, minute=0, second=0)
    assert len(occurrences(event, start=now, end=now + timedelta(days=10))) == 10
    assert isinstance(occurrences(event, start=now, end=now + timedelta(days=1))[0].start, datetime)
