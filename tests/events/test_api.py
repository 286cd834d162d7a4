"""/api/v1/events: create, list, get, change, occurrences, RSVP, attendees, tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from hanse.events.models import CalendarToken, Event, Rsvp
from hanse.events.recurrence import occurrence_key
from tests.events.helpers import make_event, on_commit_now, soon  # noqa: F401

API = "/api/v1/events"


def send(client, method, url, body=None):
    return getattr(client, method)(
        url, data=json.dumps(body or {}), content_type="application/json"
    )


def test_create_get_update_cancel(make_user, client_for):
    """The organiser creates, reads with occurrences, changes and cancels."""
    anna, ben = make_user(), make_user()
    client = client_for(anna)
    start = soon()
    response = send(
        client,
        "post",
        API,
        {
            "title": "Stammtisch",
            "start": start.isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(),
            "rrule": "FREQ=WEEKLY;BYDAY="
            + ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start.weekday()],
            "capacity": 5,
            "co_organisers": [ben.username],
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["repeats"].startswith("every week on")
    assert data["co_organisers"][0]["username"] == ben.username
    event_id = data["id"]
    got = client.get(f"{API}/{event_id}").json()
    assert len(got["occurrences"]) >= 12
    assert got["can_manage"] is True
    bad = send(
        client, "post", API, {"title": "", "start": start.isoformat(), "end": start.isoformat()}
    )
    assert bad.status_code == 400
    assert bad.json() == {"detail": "Please give the event a title.", "code": "title_required"}
    patched = send(client, "patch", f"{API}/{event_id}", {"room": "Raum 1", "clear_capacity": True})
    assert patched.json()["room"] == "Raum 1" and patched.json()["capacity"] is None
    assert (
        send(client_for(make_user()), "patch", f"{API}/{event_id}", {"room": "x"}).status_code
        == 403
    )
    assert send(client, "post", f"{API}/{event_id}/cancel").json()["cancelled"] is True
    assert Event.objects.get().cancelled_at is not None


def test_occurrences_rsvp_attendees(make_user, client_for):
    """Move and cancel one occurrence, answer, see attendees; split the series."""
    org, anna, ben = make_user(), make_user(), make_user()
    event = make_event(org, rrule="FREQ=WEEKLY;COUNT=4", capacity=1)
    first = occurrence_key(event.start)
    second = occurrence_key(event.start + timedelta(days=7))
    third = occurrence_key(event.start + timedelta(days=14))
    a, b = client_for(anna), client_for(ben)
    assert (
        send(a, "put", f"{API}/{event.pk}/occurrences/{first}/rsvp", {"status": "going"}).json()[
            "status"
        ]
        == "going"
    )
    waiting = send(b, "put", f"{API}/{event.pk}/occurrences/{first}/rsvp", {"status": "going"})
    assert waiting.json()["status"] == "waitlist"
    assert waiting.json()["waitlist_position"] == 1
    assert (
        send(
            b, "put", f"{API}/{event.pk}/occurrences/{first}/rsvp", {"status": "waitlist"}
        ).status_code
        == 422
    )
    people = b.get(f"{API}/{event.pk}/occurrences/{first}/attendees").json()
    assert [p["username"] for p in people["going"]] == [anna.username]
    o = client_for(org)
    moved = send(
        o,
        "patch",
        f"{API}/{event.pk}/occurrences/{second}",
        {"start": (event.start + timedelta(days=8)).isoformat()},
    )
    assert moved.json()["is_exception"] is True
    assert send(o, "post", f"{API}/{event.pk}/occurrences/{second}/cancel").json()["cancelled"]
    assert send(a, "post", f"{API}/{event.pk}/occurrences/{second}/cancel").status_code == 403
    assert a.get(f"{API}/{event.pk}/occurrences/20200101T000000Z/rsvp").status_code == 404
    split = send(o, "post", f"{API}/{event.pk}/occurrences/{third}/split", {"title": "Neu"})
    assert split.status_code == 201
    assert split.json()["split_from"] == event.pk and split.json()["title"] == "Neu"
    listed = a.get(API, {"mine": True}).json()
    assert [x["occurrence"] for x in listed["items"]] == [first]
    assert Rsvp.objects.count() == 2


def test_calendar_tokens(make_user, client_for):
    """Create (secret shown once), list without secrets, revoke."""
    client = client_for(make_user())
    created = send(client, "post", f"{API}/calendar-tokens")
    assert created.status_code == 201
    assert created.json()["token"].startswith("hcal_")
    listed = client.get(f"{API}/calendar-tokens").json()["items"]
    assert listed[0]["id"] == created.json()["id"] and "token" not in listed[0]
    other = client_for(make_user())
    assert other.delete(f"{API}/calendar-tokens/{created.json()['id']}").status_code == 404
    assert client.delete(f"{API}/calendar-tokens/{created.json()['id']}").status_code == 204
    assert CalendarToken.objects.get().revoked_at is not None


def test_anonymous_is_refused(client_for):
    """Without a session or token the API answers 401."""
    assert client_for(None).get(API).status_code == 401


# --- the API table: every endpoint x actor x kind of event ------------------------------------

EVENT_ACTORS = ["anonymous", "outsider", "member", "organiser", "admin"]
EVENT_KINDS = ["company", "open", "private", "secret"]
TITLE = "Tischrunde Zinswende"


@dataclass
class EventWorld:
    event: Event
    occurrence: str
    people: dict[str, Any]


@pytest.fixture
def event_world(make_user, make_community):
    """A weekly event of `kind` (company-wide, or in a community of that kind) by its
    organiser, with a community member, an outsider and a platform administrator."""

    def make(kind: str) -> EventWorld:
        organiser, member = make_user("organiser_e"), make_user("member_e")
        community = None
        if kind != "company":
            community = make_community(kind, owner=organiser, members=(member,))
        event = make_event(organiser, title=TITLE, community=community, rrule="FREQ=WEEKLY;COUNT=3")
        return EventWorld(
            event=event,
            occurrence=occurrence_key(event.start),
            people={
                "anonymous": None,
                "outsider": make_user("outsider_e"),
                "member": member,
                "organiser": organiser,
                "admin": make_user("admin_e", is_staff=True, is_superuser=True),
            },
        )

    return make


def _event_call(client, surface: str, world: EventWorld):
    base = f"{API}/{world.event.pk}"
    occ = f"{base}/occurrences/{world.occurrence}"
    calls = {
        "calendar": ("get", API, None),
        "get": ("get", base, None),
        "ics": ("get", reverse("events:ics", args=[world.event.pk]), None),
        "patch": ("patch", base, {"room": "Raum 2"}),
        "cancel": ("post", f"{base}/cancel", {}),
        "move": ("patch", occ, {"room": "Raum 3"}),
        "cancel_one": ("post", f"{occ}/cancel", {}),
        "split": ("post", f"{occ}/split", {"title": "Neu"}),
        "my_rsvp": ("get", f"{occ}/rsvp", None),
        "rsvp": ("put", f"{occ}/rsvp", {"status": "going"}),
        "attendees": ("get", f"{occ}/attendees", None),
    }
    method, url, body = calls[surface]
    if body is None:
        return getattr(client, method)(url)
    return send(client, method, url, body)


# Outcome per surface, per actor, for (company-wide, open, private, secret community):
# "<status>" or "<status>:t" when the event's title appears. "member" is a member of the
# event's community (for a company-wide event: any employee). The .ics download is a page
# (anonymous: the login redirect); the rest is the API.
EVENT_TABLE: dict[str, dict[str, tuple[str, str, str, str]]] = {
    "calendar": {
        "anonymous": ("401", "401", "401", "401"),
        "outsider": ("200:t", "200:t", "200", "200"),
        "member": ("200:t", "200:t", "200:t", "200:t"),
        "organiser": ("200:t", "200:t", "200:t", "200:t"),
        "admin": ("200:t", "200:t", "200:t", "200:t"),
    },
    "get": {
        "anonymous": ("401", "401", "401", "401"),
        "outsider": ("200:t", "200:t", "404", "404"),
        "member": ("200:t", "200:t", "200:t", "200:t"),
        "organiser": ("200:t", "200:t", "200:t", "200:t"),
        "admin": ("200:t", "200:t", "200:t", "200:t"),
    },
    "ics": {
        "anonymous": ("302", "302", "302", "302"),
        "outsider": ("200:t", "200:t", "404", "404"),
        "member": ("200:t", "200:t", "200:t", "200:t"),
        "organiser": ("200:t", "200:t", "200:t", "200:t"),
        "admin": ("200:t", "200:t", "200:t", "200:t"),
    },
    "patch": {
        "anonymous": ("401", "401", "401", "401"),
        "outsider": ("403", "403", "404", "404"),
        "member": ("403", "403", "403", "403"),
        "organiser": ("200:t", "200:t", "200:t", "200:t"),
        "admin": ("200:t", "200:t", "200:t", "200:t"),
    },
    "cancel": {
        "anonymous": ("401", "401", "401", "401"),
        "outsider": ("403", "403", "404", "404"),
        "member": ("403", "403", "403", "403"),
        "organiser": ("200:t", "200:t", "200:t", "200:t"),
        "admin": ("200:t", "200:t", "200:t", "200:t"),
    },
    "move": {
        "anonymous": ("401", "401", "401", "401"),
        "outsider": ("403", "403", "404", "404"),
        "member": ("403", "403", "403", "403"),
        "organiser": ("200:t", "200:t", "200:t", "200:t"),
        "admin": ("200:t", "200:t", "200:t", "200:t"),
    },
    "cancel_one": {
        "anonymous": ("401", "401", "401", "401"),
        "outsider": ("403", "403", "404", "404"),
        "member": ("403", "403", "403", "403"),
        "organiser": ("200:t", "200:t", "200:t", "200:t"),
        "admin": ("200:t", "200:t", "200:t", "200:t"),
    },
    "split": {
        "anonymous": ("401", "401", "401", "401"),
        "outsider": ("403", "403", "404", "404"),
        "member": ("403", "403", "403", "403"),
        "organiser": ("201", "201", "201", "201"),
        "admin": ("201", "201", "201", "201"),
    },
    "my_rsvp": {
        "anonymous": ("401", "401", "401", "401"),
        "outsider": ("200", "200", "404", "404"),
        "member": ("200", "200", "200", "200"),
        "organiser": ("200", "200", "200", "200"),
        "admin": ("200", "200", "200", "200"),
    },
    "rsvp": {
        "anonymous": ("401", "401", "401", "401"),
        "outsider": ("200", "200", "404", "404"),
        "member": ("200", "200", "200", "200"),
        "organiser": ("200", "200", "200", "200"),
        "admin": ("200", "200", "200", "200"),
    },
    "attendees": {
        "anonymous": ("401", "401", "401", "401"),
        "outsider": ("200", "200", "404", "404"),
        "member": ("200", "200", "200", "200"),
        "organiser": ("200", "200", "200", "200"),
        "admin": ("200", "200", "200", "200"),
    },
}


@pytest.mark.parametrize("kind", EVENT_KINDS)
def test_api_table(kind, event_world, client_for):
    """Every events surface, for every actor, answers as the table says; each call is
    undone before the next (a savepoint), so all see the same event."""
    world = event_world(kind)
    wrong = []
    for surface, by_actor in EVENT_TABLE.items():
        for actor, outcomes in by_actor.items():
            expected = outcomes[EVENT_KINDS.index(kind)]
            point = transaction.savepoint()
            response = _event_call(client_for(world.people[actor]), surface, world)
            transaction.savepoint_rollback(point)
            shown = "t" if TITLE.encode() in response.content else ""
            got = f"{response.status_code}:{shown}".rstrip(":")
            if got != expected:
                wrong.append((surface, actor, expected, got))
    assert wrong == []
