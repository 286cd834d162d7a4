"""Event pages: calendars, the event page, RSVP, the form, occurrence changes, CSV, notes."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hanse.communities.models import Community
from hanse.events.models import Event, OccurrenceOverride, Rsvp
from hanse.events.services import events as event_services
from hanse.events.services import rsvps as rsvp_services
from hanse.events.views.common import stamp
from hanse.events.views.pages import csv_cell
from hanse.notifications.selectors import forget_unread_counts
from hanse.people.models import User
from hanse.posts.models import Post

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _next_tuesday_17() -> datetime:
    today = timezone.localdate() + timedelta(days=2)
    day = today + timedelta(days=(1 - today.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=BERLIN)


def make_event(by: User, **fields: Any) -> Event:
    start = fields.pop("start", None) or _next_tuesday_17()
    fields.setdefault("title", "Connectoren-Stammtisch")
    fields.setdefault("description", "Wir treffen uns **im Café**.")
    return event_services.event_create(
        by=by, start=start, end=fields.pop("end", None) or start + timedelta(hours=2), **fields
    )


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "owner": make_user("olga"),
        "member": make_user("mia"),
        "outsider": make_user("otto"),
        "admin": make_user("root", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def communities(
    make_community: Callable[..., Community], people: dict[str, User]
) -> dict[str, Community]:
    return {
        kind: make_community(
            kind, owner=people["owner"], name=f"Kreis {kind}", members=(people["member"],)
        )
        for kind in (Community.Kind.OPEN, Community.Kind.PRIVATE, Community.Kind.SECRET)
    }


# --- calendars -------------------------------------------------------------------------------


def test_month_view_shows_a_monday_first_grid_with_today_and_event_chips(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """The month grid starts on Monday, marks today and shows events as chips with the time."""
    start = timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0) + timedelta(
        days=1
    )
    make_event(people["owner"], title="Tag der offenen Tür", start=start)
    month = start.strftime("%Y-%m")
    response = client_for(people["member"]).get(reverse("events:calendar"), {"month": month})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tag der offenen Tür" in html
    assert "17:00" in html
    weeks = response.context["weeks"]
    assert all(week[0]["date"].weekday() == 0 for week in weeks)
    assert 'scope="col"><abbr title="Monday"' in html
    if timezone.localdate().strftime("%Y-%m") == month:
        assert 'aria-current="date"' in html


def test_list_views_group_upcoming_events_by_day(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """Upcoming and "my events" list occurrences by day; "mine" only what I said yes to."""
    mine = make_event(people["owner"], title="Working Out Loud Kick-off")
    make_event(people["owner"], title="Online-Talk: KI in der Kundenberatung")
    rsvp_services.rsvp_set(
        event=mine, recurrence_id=mine.start, user=people["member"], status=Rsvp.Status.GOING
    )
    client = client_for(people["member"])
    upcoming = client.get(reverse("events:upcoming")).content.decode()
    assert "Working Out Loud Kick-off" in upcoming
    assert "Online-Talk" in upcoming
    own = client.get(reverse("events:mine")).content.decode()
    assert "Working Out Loud Kick-off" in own
    assert "Online-Talk" not in own


def test_calendar_page_needs_a_fixed_number_of_queries(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """The month page costs the same number of queries for 2 events as for 12."""
    client = client_for(people["member"])
    start = _next_tuesday_17()
    month = start.strftime("%Y-%m")

    def count() -> int:
        # The bell's cached count would make the second page cheaper.
        forget_unread_counts([people["member"].pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("events:calendar"), {"month": month}).status_code == 200
        return len(queries)

    for n in range(2):
        make_event(people["owner"], title=f"Treffen {n}", start=start + timedelta(hours=n))
    few = count()
    for n in range(10):
        make_event(
            people["owner"],
            title=f"Reihe {n}",
            start=start + timedelta(days=n % 3),
            rrule="FREQ=WEEKLY" if n % 2 else "",
        )
    assert count() == few


def test_calendar_page_query_budget(
    people: dict[str, User],
    client_for: Callable[..., Client],
    django_assert_max_num_queries: Any,
) -> None:
    """The month and list pages stay within a small query budget."""
    for n in range(5):
        make_event(people["owner"], title=f"Treffen {n}", rrule="FREQ=WEEKLY" if n % 2 else "")
    client = client_for(people["member"])
    with django_assert_max_num_queries(12):
        client.get(reverse("events:calendar"))
    with django_assert_max_num_queries(12):
        client.get(reverse("events:upcoming"))


def test_community_tab_lists_its_events_and_hides_them_from_outsiders(
    people: dict[str, User],
    communities: dict[str, Community],
    client_for: Callable[..., Client],
) -> None:
    """The community's Events tab lists its events; a private one shows outsiders nothing."""
    private = communities[Community.Kind.PRIVATE]
    make_event(people["owner"], title="Geheimes Planungstreffen", community=private)
    url = reverse("events:community", args=[private.slug])
    member = client_for(people["member"]).get(url)
    assert member.status_code == 200
    assert "Geheimes Planungstreffen" in member.content.decode()
    outsider = client_for(people["outsider"]).get(url)
    assert outsider.status_code == 403
    assert "Geheimes Planungstreffen" not in outsider.content.decode()
    secret = communities[Community.Kind.SECRET]
    assert (
        client_for(people["outsider"])
        .get(reverse("events:community", args=[secret.slug]))
        .status_code
        == 404
    )
    tab = client_for(people["member"]).get(reverse("communities:detail", args=[private.slug]))
    assert url in tab.content.decode()


def test_home_page_shows_upcoming_events(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """The start page lists the next events in its right column."""
    make_event(people["owner"], title="Online-Talk: KI in der Kundenberatung")
    html = client_for(people["member"]).get(reverse("home:index")).content.decode()
    assert "Upcoming events" in html
    assert "Online-Talk: KI in der Kundenberatung" in html


# --- permissions -------------------------------------------------------------------------------


def _surfaces(event: Event) -> list[tuple[str, str]]:
    on = stamp(event.start)
    return [
        ("get", reverse("events:detail", args=[event.pk])),
        ("get", reverse("events:ics", args=[event.pk])),
        ("get", reverse("events:attendees_csv", args=[event.pk]) + f"?on={on}"),
        ("get", reverse("events:edit", args=[event.pk])),
        ("get", reverse("events:cancel", args=[event.pk])),
        ("get", reverse("events:occurrence_cancel", args=[event.pk]) + f"?on={on}"),
        ("get", reverse("events:occurrence_edit", args=[event.pk]) + f"?on={on}"),
        ("get", reverse("events:notes", args=[event.pk])),
        ("get", reverse("events:cover", args=[event.pk])),
        ("post", reverse("events:rsvp", args=[event.pk])),
    ]


@pytest.mark.parametrize("kind", [Community.Kind.PRIVATE, Community.Kind.SECRET])
def test_events_of_closed_communities_are_404_for_outsiders_on_every_page(
    kind: str,
    people: dict[str, User],
    communities: dict[str, Community],
    client_for: Callable[..., Client],
) -> None:
    """Detail, .ics, CSV, forms, RSVP, cover and notes: all 404 for a non-member."""
    event = make_event(
        people["owner"],
        title="Nur für Mitglieder",
        community=communities[kind],
        rrule="FREQ=WEEKLY",
    )
    client = client_for(people["outsider"])
    for method, url in _surfaces(event):
        data = {"status": "going", "on": stamp(event.start)} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
        assert b"Nur f\xc3\xbcr Mitglieder" not in response.content
    assert not Rsvp.objects.exists()
    for url in (reverse("events:calendar"), reverse("events:upcoming"), reverse("home:index")):
        assert "Nur für Mitglieder" not in client.get(url).content.decode()
    assert client_for(None).get(reverse("events:detail", args=[event.pk])).status_code == 302
    member = client_for(people["member"])
    assert member.get(reverse("events:detail", args=[event.pk])).status_code == 200
    assert "Nur für Mitglieder" in member.get(reverse("events:upcoming")).content.decode()


def test_only_organisers_may_change_an_event(
    people: dict[str, User], communities: dict[str, Community], client_for: Callable[..., Client]
) -> None:
    """Members who can see the event get no organiser pages; moderators and admins do."""
    event = make_event(people["member"], community=communities[Community.Kind.OPEN])
    edit = reverse("events:edit", args=[event.pk])
    assert client_for(people["outsider"]).get(edit).status_code == 404
    assert client_for(people["member"]).get(edit).status_code == 200
    assert client_for(people["owner"]).get(edit).status_code == 200  # the community's owner
    assert client_for(people["admin"]).get(edit).status_code == 200
    response = client_for(people["outsider"]).post(reverse("events:cancel", args=[event.pk]))
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.cancelled_at is None


# --- the event page and RSVP ---------------------------------------------------------------


def test_event_page_shows_time_place_organisers_and_the_series(
    people: dict[str, User], client_for: Callable[..., Client], org: dict[str, Any]
) -> None:
    """Title, when (with the repeat sentence), where, online link, organisers, Markdown."""
    event = make_event(
        people["owner"],
        rrule="FREQ=WEEKLY;INTERVAL=2",
        location=org["head_office"],
        room="Raum 4.12",
        address="Breite Straße 1, 23552 Lübeck",
        online_url="https://meet.example.org/stammtisch",
        co_organisers=[people["member"]],
        capacity=12,
    )
    html = client_for(people["outsider"]).get(reverse("events:detail", args=[event.pk])).content
    text = html.decode()
    assert "Connectoren-Stammtisch" in text
    assert "Hauptstelle, Raum 4.12, Breite Straße 1, 23552 Lübeck" in text
    assert 'href="https://meet.example.org/stammtisch"' in text
    assert "<strong>im Café</strong>" in text
    assert "every 2 weeks" in text.lower() or "every second" in text.lower()
    assert people["member"].display_name in text
    assert "17:00" in text
    assert "12 of 12 places free" in text
    assert "Edit this date" not in text  # not an organiser
    organiser = client_for(people["owner"]).get(reverse("events:detail", args=[event.pk]))
    assert "Edit this date" in organiser.content.decode()
    assert "Cancel this date" in organiser.content.decode()


def test_full_event_says_fully_booked(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """A full event reads "ausgebucht · 1 Zusage", not "0 freie Plätze von 1"."""
    event = make_event(people["owner"], capacity=1)
    rsvp_services.rsvp_set(
        event=event, recurrence_id=event.start, user=people["member"], status="going"
    )
    client = client_for(people["outsider"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    text = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "<strong>ausgebucht</strong> · 1 Zusage" in text
    assert "frei" not in text.split('class="rsvp__seats"')[1].split("</p>")[0]


def test_event_in_another_time_zone_shows_both_times(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """An event planned in New York shows Berlin time and, below, the event's own time."""
    start = (timezone.now() + timedelta(days=5)).astimezone(ZoneInfo("America/New_York"))
    start = start.replace(hour=10, minute=0, second=0, microsecond=0)
    event = make_event(people["owner"], start=start, time_zone="America/New_York")
    text = client_for(people["member"]).get(reverse("events:detail", args=[event.pk])).content
    assert "America/New_York" in text.decode()
    assert "10 a.m." in text.decode()


def test_rsvp_with_capacity_puts_the_second_on_the_waiting_list_and_promotes(
    people: dict[str, User], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    """Going beyond the places means the waiting list with a position; a cancellation
    promotes the first waiting."""
    event = make_event(people["owner"], capacity=1, rrule="FREQ=WEEKLY")
    second = make_user("sven")
    url = reverse("events:rsvp", args=[event.pk])
    on = stamp(event.start)
    first = client_for(people["member"])
    response = first.post(url, {"status": "going", "on": on})
    assert response.status_code == 302
    assert response["Location"] == reverse("events:detail", args=[event.pk]) + f"?on={on}"
    waiting = client_for(second)
    page = waiting.post(url, {"status": "going", "on": on}, follow=True).content.decode()
    assert "you are on the waiting list" in page
    assert "You are on the waiting list, position 1." in page
    assert Rsvp.objects.get(user=second).status == Rsvp.Status.WAITLIST
    first.post(url, {"status": "not_going", "on": on})
    assert Rsvp.objects.get(user=second).status == Rsvp.Status.GOING
    page = waiting.get(reverse("events:detail", args=[event.pk]) + f"?on={on}").content.decode()
    assert "You are going." in page


def test_rsvp_refuses_an_unknown_answer_and_a_foreign_date(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """A made-up status or a date not in the series writes nothing."""
    event = make_event(people["owner"], rrule="FREQ=WEEKLY")
    client = client_for(people["member"])
    url = reverse("events:rsvp", args=[event.pk])
    client.post(url, {"status": "waitlist", "on": stamp(event.start)})
    wrong = stamp(event.start + timedelta(days=1))
    assert client.post(url, {"status": "going", "on": wrong}).status_code == 404
    assert not Rsvp.objects.exists()


def test_occurrence_picker_and_per_occurrence_rsvp(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """A series lists its next dates; an answer counts for the chosen date only."""
    event = make_event(people["owner"], rrule="FREQ=WEEKLY")
    client = client_for(people["member"])
    second = event.start + timedelta(days=7)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert f"?on={stamp(second)}" in page
    client.post(reverse("events:rsvp", args=[event.pk]), {"status": "maybe", "on": stamp(second)})
    answer = Rsvp.objects.get()
    assert answer.occurrence == second
    assert answer.status == Rsvp.Status.MAYBE


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_export_for_organisers_with_formula_escaping(
    people: dict[str, User], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    """Organisers download the attendee list; cells that would be formulas stay text."""
    event = make_event(people["owner"])
    evil = make_user("evil", first_name='=HYPERLINK("http://x")', last_name="", job_title="@SUM")
    for person in (people["member"], evil):
        rsvp_services.rsvp_set(event=event, recurrence_id=event.start, user=person, status="going")
    url = reverse("events:attendees_csv", args=[event.pk])
    assert client_for(people["member"]).get(url).status_code == 403
    response = client_for(people["owner"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Name", "Username", "E-mail", "Job title", "Answer"]
    names = {row[0]: row for row in rows[1:]}
    assert people["member"].display_name in names
    assert '\'=HYPERLINK("http://x")' in names
    assert names['\'=HYPERLINK("http://x")'][3] == "'@SUM"
    assert names['\'=HYPERLINK("http://x")'][4] == "Going"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+49 451", "'+49 451"), ("-2", "'-2"), ("@x", "'@x"),
     ("\tx", "'\tx"), ("Anna", "Anna"), ("", "")],
)  # fmt: skip
def test_csv_cell_escapes_formula_starts(value: str, expected: str) -> None:
    """Every character that starts a spreadsheet formula is neutralised."""
    assert csv_cell(value) == expected


# --- the form ----------------------------------------------------------------------------------


def _form_data(**overrides: Any) -> dict[str, Any]:
    day = _next_tuesday_17().date()
    data = {
        "title": "Connectoren-Stammtisch",
        "description": "Austausch bei Kaffee.",
        "start_date": day.isoformat(),
        "start_time": "17:00",
        "end_date": "",
        "end_time": "19:00",
        "time_zone": "Europe/Berlin",
        "repeats": "biweekly",
        "custom_rule": "",
        "until": "",
        "count": "",
        "room": "Café",
        "address": "",
        "online_url": "https://meet.example.org/x",
        "capacity": "20",
        "co_organisers": "",
        "community": "",
    }
    data.update(overrides)
    return data


def test_create_a_recurring_event_in_berlin_time(
    people: dict[str, User], client_for: Callable[..., Client], communities: dict[str, Community]
) -> None:
    """The form turns local date and time plus "every two weeks" into a stored series."""
    community = communities[Community.Kind.PRIVATE]
    data = _form_data(community=str(community.pk), co_organisers="olga", count="10")
    response = client_for(people["member"]).post(reverse("events:create"), data)
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:detail", args=[event.pk])
    assert event.start.astimezone(BERLIN).hour == 17
    assert event.end.astimezone(BERLIN).hour == 19
    assert event.rrule.startswith("FREQ=WEEKLY;INTERVAL=2")
    assert "COUNT=10" in event.rrule
    assert event.community == community
    assert event.organiser == people["member"]
    assert list(event.co_organisers.all()) == [people["owner"]]
    assert event.capacity == 20


def test_create_monthly_on_the_nth_weekday_and_all_day(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """A "monthly" rule repeats on the same weekday of the month; all-day events are whole days."""
    day = _next_tuesday_17().date()
    data = _form_data(repeats="monthly", all_day="on", start_time="", end_time="")
    client_for(people["member"]).post(reverse("events:create"), data)
    event = Event.objects.get()
    n = (day.day - 1) // 7 + 1
    assert f"BYDAY={'-1' if n == 5 else f'+{n}'}TU" in event.rrule or f"BYDAY={n}TU" in (
        event.rrule
    )
    assert event.all_day
    assert event.start.astimezone(BERLIN).hour == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_time": "16:00", "repeats": "none"}, "end_time",
         "The event must end after it starts."),
        ({"co_organisers": "nobody-here"}, "co_organisers",
         "There is no colleague with the username “nobody-here”."),
        ({"until": "2020-01-01"}, "until", "The series cannot end before it starts."),
        ({"repeats": "custom", "custom_rule": ""}, "custom_rule",
         "Please enter a recurrence rule."),
        ({"title": "   "}, "title", "This field is required."),
    ],
)  # fmt: skip
def test_form_errors_write_nothing(
    overrides: dict[str, str],
    field: str,
    message: str,
    people: dict[str, User],
    client_for: Callable[..., Client],
) -> None:
    """Each mistake is shown at its field; no event is written."""
    response = client_for(people["member"]).post(reverse("events:create"), _form_data(**overrides))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Event.objects.exists()


def test_custom_rule_errors_come_from_the_rule_check(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """An hourly custom rule is refused with the recurrence module's message."""
    data = _form_data(repeats="custom", custom_rule="FREQ=HOURLY")
    response = client_for(people["member"]).post(reverse("events:create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["custom_rule"]
    assert not Event.objects.exists()


def test_cannot_create_in_a_community_one_is_not_in(
    people: dict[str, User], client_for: Callable[..., Client], communities: dict[str, Community]
) -> None:
    """The community select offers only one's own communities."""
    data = _form_data(community=str(communities[Community.Kind.SECRET].pk))
    response = client_for(people["outsider"]).post(reverse("events:create"), data)
    assert response.status_code == 400
    assert "community" in response.context["form"].errors
    assert not Event.objects.exists()


def test_cover_upload_refuses_what_is_not_a_picture(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """A text file named .jpg is refused by its content."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _form_data(cover=SimpleUploadedFile("cover.jpg", b"not an image", "image/jpeg"))
    response = client_for(people["member"]).post(reverse("events:create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["cover"] == [
        "This file is not a picture. Please upload a JPEG, PNG, WebP or GIF image."
    ]
    assert not Event.objects.exists()


def test_cover_upload_is_stored_and_served_to_viewers(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """A real picture becomes the cover and is served through the event's visibility."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), "navy").save(buffer, format="PNG")
    data = _form_data(cover=SimpleUploadedFile("c.png", buffer.getvalue(), "image/png"))
    client_for(people["member"]).post(reverse("events:create"), data)
    event = Event.objects.get()
    assert event.cover
    response = client_for(people["outsider"]).get(reverse("events:cover", args=[event.pk]))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_edit_prefills_and_saves_raising_the_sequence(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """The edit form shows the stored values; saving changes the event and its SEQUENCE."""
    event = make_event(people["member"], rrule="FREQ=WEEKLY;INTERVAL=2")
    client = client_for(people["member"])
    form = client.get(reverse("events:edit", args=[event.pk])).context["form"]
    assert form.initial["repeats"] == "biweekly"
    assert form.initial["start_time"].hour == 17
    data = _form_data(title="Stammtisch (neu)", start_time="18:00", end_time="20:00")
    data.pop("community")
    response = client.post(reverse("events:edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Stammtisch (neu)"
    assert event.start.astimezone(BERLIN).hour == 18
    assert event.sequence == 1


# --- occurrences and cancellation -------------------------------------------------------------


def test_cancel_one_date_after_confirmation(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """GET asks; POST cancels this date only."""
    event = make_event(people["owner"], rrule="FREQ=WEEKLY")
    second = event.start + timedelta(days=7)
    url = reverse("events:occurrence_cancel", args=[event.pk]) + f"?on={stamp(second)}"
    client = client_for(people["owner"])
    page = client.get(url)
    assert "Cancel this date?" in page.content.decode()
    assert not OccurrenceOverride.objects.exists()
    response = client.post(
        reverse("events:occurrence_cancel", args=[event.pk]), {"on": stamp(second)}
    )
    assert response.status_code == 302
    override = OccurrenceOverride.objects.get()
    assert override.cancelled
    assert override.recurrence_id == second
    event.refresh_from_db()
    assert event.cancelled_at is None


def test_edit_one_date_and_this_and_all_future(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """Changing "this date" writes an override; "this and all future" splits the series."""
    event = make_event(people["owner"], rrule="FREQ=WEEKLY")
    client = client_for(people["owner"])
    second = event.start + timedelta(days=7)
    day = second.astimezone(BERLIN).date().isoformat()
    url = reverse("events:occurrence_edit", args=[event.pk])
    form = {"on": stamp(second), "title": "Sommerfest", "start_date": day,
            "start_time": "18:00", "end_time": "21:00", "room": "Garten"}  # fmt: skip
    assert client.post(url, form).status_code == 302
    override = OccurrenceOverride.objects.get(event=event)
    assert override.title == "Sommerfest"
    assert override.start is not None and override.start.astimezone(BERLIN).hour == 18
    third = event.start + timedelta(days=14)
    form.update(on=stamp(third), title="Stammtisch neu", scope="future",
                start_date=third.astimezone(BERLIN).date().isoformat())  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302
    continuation = Event.objects.exclude(pk=event.pk).get()
    assert continuation.split_from == event
    assert continuation.title == "Stammtisch neu"
    assert response["Location"] == reverse("events:detail", args=[continuation.pk])


def test_cancel_the_event(people: dict[str, User], client_for: Callable[..., Client]) -> None:
    """Cancelling asks first, then marks the event cancelled and says so on its page."""
    event = make_event(people["owner"])
    client = client_for(people["owner"])
    assert (
        "Cancel this event?"
        in client.get(reverse("events:cancel", args=[event.pk])).content.decode()
    )
    client.post(reverse("events:cancel", args=[event.pk]))
    event.refresh_from_db()
    assert event.cancelled_at is not None
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "This event has been cancelled." in page


# --- after the meetup ------------------------------------------------------------------------


def test_notes_after_the_meetup_link_a_post_from_the_event(
    people: dict[str, User], client_for: Callable[..., Client], communities: dict[str, Community]
) -> None:
    """The organiser posts notes in the community and links the post from the event."""
    community = communities[Community.Kind.OPEN]
    event = make_event(people["owner"], community=community)
    past = timezone.now() - timedelta(days=2)
    Event.objects.filter(pk=event.pk).update(start=past, end=past + timedelta(hours=2))
    client = client_for(people["owner"])
    detail = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert reverse("events:notes", args=[event.pk]) in detail
    page = client.get(reverse("events:notes", args=[event.pk]))
    assert page.context["where"] == f"community:{community.slug}"
    assert reverse("events:detail", args=[event.pk]) in page.context["body"]
    posted = client.post(
        reverse("posts:create"),
        {"body": page.context["body"] + "Wir haben viel gelacht.", "where": page.context["where"],
         "fixed": "1", "next": page.context["next"]},
    )  # fmt: skip
    assert posted.status_code == 302
    assert posted["Location"] == reverse("events:notes", args=[event.pk])
    post = Post.objects.get(author=people["owner"])
    assert post.community == community
    assert client.get(reverse("events:notes", args=[event.pk])).context["recent_posts"] == [post]
    response = client.post(reverse("events:notes", args=[event.pk]), {"post": post.pk})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.notes_post == post
    detail = client_for(people["member"]).get(reverse("events:detail", args=[event.pk]))
    assert reverse("posts:detail", args=[post.pk]) in detail.content.decode()
    assert (
        client_for(people["member"]).get(reverse("events:notes", args=[event.pk])).status_code
        == 404
    )


# --- subscription page ---------------------------------------------------------------------


def test_subscription_page_shows_a_new_address_once_and_revokes(
    people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    """Creating shows the secret URL once; the list never shows it again; revoke ends it."""
    client = client_for(people["member"])
    created = client.post(reverse("events:subscription"), {"action": "create"})
    url = created.context["new_url"]
    assert "/events/ical/" in url and url.endswith(".ics")
    assert url in created.content.decode()
    again = client.get(reverse("events:subscription")).content.decode()
    assert url not in again
    token = people["member"].calendar_tokens.get()
    client.post(reverse("events:subscription"), {"action": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    other = client_for(people["outsider"])
    other.post(reverse("events:subscription"), {"action": "revoke", "token": token.pk})
