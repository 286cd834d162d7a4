"""iCal: the .ics download of an event and the personal subscription feed (RFC 5545)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from hanse.communities.models import Community
from hanse.communities.services import membership_remove
from hanse.events.models import Event
from hanse.events.services import calendars as calendar_services
from hanse.events.services import events as event_services
from hanse.events.services import rsvps as rsvp_services
from hanse.people.models import User
from tests.events.test_views import make_event

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def parse(body: bytes) -> Calendar:
    cal = Calendar.from_ical(body)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"]
    for vevent in cal.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert required in vevent, required
    return cal


def download(client: Client, event: Event) -> Calendar:
    response = client.get(reverse("events:ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    return parse(response.content)


def test_single_event_download_is_valid_with_time_zone(
    make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    """One VEVENT with a stable UID, TZID Europe/Berlin and its VTIMEZONE, URL, ORGANIZER."""
    owner = make_user("olga", email="olga@example.org")
    event = make_event(owner, location=None, room="Raum 1", online_url="https://meet.example.org/a")
    cal = download(client_for(owner), event)
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == f"{event.uid}@127.0.0.1"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert vevent.decoded("DTSTART").hour == 17
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(vevent["URL"]).endswith(reverse("events:detail", args=[event.pk]))
    assert str(vevent["ORGANIZER"]) == "mailto:olga@example.org"
    assert str(vevent["LOCATION"]) == "Raum 1"
    assert "Wir treffen uns" in str(vevent["DESCRIPTION"])
    assert int(vevent["SEQUENCE"]) == 0


def test_uid_stays_and_sequence_rises_on_edits(
    make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    """An edit keeps the UID and raises SEQUENCE, so clients replace the event."""
    owner = make_user("olga")
    event = make_event(owner)
    before = download(client_for(owner), event).walk("VEVENT")[0]
    event_services.event_update(event=event, by=owner, start=event.start + timedelta(hours=1),
                          end=event.end + timedelta(hours=1))  # fmt: skip
    event.refresh_from_db()
    after = download(client_for(owner), event).walk("VEVENT")[0]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART").hour == 18


def test_series_has_rrule_exdate_and_recurrence_id(
    make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    """A cancelled date is an EXDATE; a moved one a VEVENT with RECURRENCE-ID and the same UID."""
    owner = make_user("olga")
    event = make_event(owner, rrule="FREQ=WEEKLY;INTERVAL=2")
    second = event.start + timedelta(days=14)
    third = event.start + timedelta(days=28)
    event_services.occurrence_cancel(event=event, recurrence_id=second, by=owner)
    event_services.occurrence_update(event=event, recurrence_id=third, by=owner,
                               start=third + timedelta(hours=1), end=third + timedelta(hours=3),
                               title="Sommer-Stammtisch")  # fmt: skip
    event.refresh_from_db()
    cal = download(client_for(owner), event)
    master, moved = cal.walk("VEVENT")
    assert master["RRULE"]["FREQ"] == ["WEEKLY"]
    assert master["RRULE"]["INTERVAL"] == [2]
    exdates = master["EXDATE"] if isinstance(master["EXDATE"], list) else [master["EXDATE"]]
    excluded = [d.dt for ex in exdates for d in ex.dts]
    assert excluded == [second.astimezone(BERLIN)]
    assert exdates[0].params["TZID"] == "Europe/Berlin"
    assert str(moved["UID"]) == str(master["UID"])
    assert moved.decoded("RECURRENCE-ID") == third.astimezone(BERLIN)
    assert moved.decoded("DTSTART") == (third + timedelta(hours=1)).astimezone(BERLIN)
    assert str(moved["SUMMARY"]) == "Sommer-Stammtisch"
    assert int(moved["SEQUENCE"]) >= 1


def test_all_day_event_uses_dates(
    make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    """All-day events are DATE values, DTEND the day after the last day."""
    owner = make_user("olga")
    day = timezone.localdate() + timedelta(days=10)
    start = datetime(day.year, day.month, day.day, tzinfo=BERLIN)
    # The services take the last day (inclusive) and store the midnight after it.
    event = make_event(owner, start=start, end=start + timedelta(days=1), all_day=True)
    (vevent,) = download(client_for(owner), event).walk("VEVENT")
    assert vevent.decoded("DTSTART") == day
    assert type(vevent.decoded("DTSTART")) is date
    assert vevent.decoded("DTEND") == day + timedelta(days=2)


def test_cancelled_event_is_marked_cancelled(
    make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    """A cancelled event keeps its UID and says STATUS:CANCELLED."""
    owner = make_user("olga")
    event = make_event(owner)
    event_services.event_cancel(event=event, by=owner)
    event.refresh_from_db()
    (vevent,) = download(client_for(owner), event).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"


# --- the subscription feed ----------------------------------------------------------------------


def test_feed_works_without_a_session_and_only_with_a_live_token(
    make_user: Callable[..., User],
) -> None:
    """The token in the address is enough; a revoked token is a 404."""
    anna = make_user("anna")
    event = make_event(anna, title="Mein Treffen")
    raw = calendar_services.calendar_token_create(user=anna)
    url = reverse("events:feed", args=[raw])
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    cal = parse(response.content)
    assert [str(v["UID"]) for v in cal.walk("VEVENT")] == [f"{event.uid}@127.0.0.1"]
    token = anna.calendar_tokens.get()
    calendar_services.calendar_token_revoke(user=anna, token_id=token.pk)
    assert Client().get(url).status_code == 404
    assert Client().get(reverse("events:feed", args=["nonsense"])).status_code == 404


def test_feed_shows_only_attended_and_visible_events(
    make_user: Callable[..., User], make_community: Callable[..., Community]
) -> None:
    """Events I go to or organise are in; others are out; a left community's events vanish."""
    owner, anna = make_user("olga"), make_user("anna")
    private = make_community(Community.Kind.PRIVATE, owner=owner, members=(anna,))
    going = make_event(owner, title="Ich gehe hin")
    make_event(owner, title="Nicht geantwortet")
    declined = make_event(owner, title="Abgesagt")
    closed = make_event(owner, title="Im privaten Kreis", community=private)
    series = make_event(owner, title="Reihe", rrule="FREQ=WEEKLY")
    for event, status in ((going, "going"), (declined, "not_going"), (closed, "maybe")):
        rsvp_services.rsvp_set(event=event, recurrence_id=event.start, user=anna, status=status)
    second = series.start + timedelta(days=7)
    rsvp_services.rsvp_set(event=series, recurrence_id=second, user=anna, status="going")
    url = reverse("events:feed", args=[calendar_services.calendar_token_create(user=anna)])

    def titles() -> list[str]:
        cal = parse(Client().get(url).content)
        return sorted(str(v["SUMMARY"]) for v in cal.walk("VEVENT"))

    assert titles() == ["Ich gehe hin", "Im privaten Kreis", "Reihe"]
    cal = parse(Client().get(url).content)
    (occurrence,) = [v for v in cal.walk("VEVENT") if str(v["SUMMARY"]) == "Reihe"]
    assert occurrence.decoded("DTSTART") == second.astimezone(BERLIN)
    assert "RRULE" not in occurrence
    membership_remove(community=private, user=anna, by=owner)
    assert titles() == ["Ich gehe hin", "Reihe"]


def test_feed_of_an_organiser_holds_the_whole_series(make_user: Callable[..., User]) -> None:
    """Organisers subscribe to their series as a whole (RRULE, same UID as the download)."""
    owner = make_user("olga")
    series = make_event(owner, title="Reihe", rrule="FREQ=WEEKLY")
    url = reverse("events:feed", args=[calendar_services.calendar_token_create(user=owner)])
    (vevent,) = parse(Client().get(url).content).walk("VEVENT")
    assert str(vevent["UID"]) == f"{series.uid}@127.0.0.1"
    assert "RRULE" in vevent
