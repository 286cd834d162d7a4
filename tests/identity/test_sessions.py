"""One's own sessions: listed with device, place and last activity; one or all others ended,
recorded, and their WebSockets closed; idle and absolute timeouts as the session's expiry."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from importlib import import_module
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings as django_settings
from django.test import Client

from hanse.audit.models import AuditEntry
from hanse.identity import services
from hanse.identity.middleware import AUTH_AT_KEY, SEEN_AT_KEY
from hanse.identity.models import NetworkPlace
from hanse.identity.selectors import truncated_ip
from hanse.identity.useragent import describe
from hanse.people.models import Location, User
from hanse.realtime.sessions import session_valid
from tests.identity.conftest import FIREFOX_WINDOWS, SAFARI_IPHONE

pytestmark = pytest.mark.django_db


def _store(client: Client) -> Any:
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=key)


def _signed_in(client: Client) -> bool:
    return client.get("/people/").status_code == 200


@pytest.fixture
def closed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str | None, int]]:
    """The WebSocket closes the services asked for (hanse.realtime.publish, after commit)."""
    calls: list[tuple[int, str | None, int]] = []
    monkeypatch.setattr(
        services,
        "close_connections",
        lambda user_id, *, session_key=None, code: calls.append((user_id, session_key, code)),
    )
    return calls


def test_the_page_lists_my_sessions_with_device_and_place(logged_in: Any, user: User) -> None:
    laptop = logged_in(user, agent=FIREFOX_WINDOWS, ip="10.12.3.4")
    logged_in(user, agent=SAFARI_IPHONE, ip="192.0.2.77")
    NetworkPlace.objects.create(
        network="10.12.0.0/16", location=Location.objects.create(name="Filiale Altstadt")
    )
    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(r.device, r.place, r.current) for r in rows] == [
        ("Firefox on Windows", "Filiale Altstadt", True),
        ("Safari on iPhone", "192.0.2.x", False),
    ]
    html = page.content.decode()
    assert "192.0.2.77" not in html
    assert "End all other sessions" in html


def test_nobody_sees_anothers_sessions(logged_in: Any, user: User, make_user: Any) -> None:
    """An administrator's page lists their own sessions only."""
    admin = make_user("boss", is_staff=True, is_superuser=True)
    logged_in(user, agent=SAFARI_IPHONE)
    page = logged_in(admin).get("/accounts/sessions/")
    assert [row.device for row in page.context["rows"]] == ["Firefox on Windows"]


def test_ending_one_session_signs_it_out_records_and_closes_its_sockets(
    logged_in: Any, user: User, closed: Any, django_capture_on_commit_callbacks: Any
) -> None:
    laptop = logged_in(user, agent=FIREFOX_WINDOWS)
    phone = logged_in(user, agent=SAFARI_IPHONE)
    phone_key = _store(phone).session_key
    target = UserSession.objects.get(session_key=phone_key)
    with django_capture_on_commit_callbacks(execute=True):
        response = laptop.post(f"/accounts/sessions/{target.pk}/end/")
    assert response.status_code == 302
    assert not _signed_in(phone)
    assert _signed_in(laptop)
    assert not session_valid(user_id=user.pk, session_key=phone_key)
    assert closed == [(user.pk, phone_key, 4401)]
    entry = AuditEntry.objects.get(action="session.ended")
    assert entry.actor_id == user.pk
    assert entry.data == {"user_id": user.pk, "reason": "ended_by_owner"}


def test_end_all_others_keeps_this_one(
    logged_in: Any, user: User, closed: Any, django_capture_on_commit_callbacks: Any
) -> None:
    laptop, phone, tablet = (logged_in(user) for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        response = laptop.post("/accounts/sessions/end-others/", follow=True)
    assert "2 other sessions were ended." in response.content.decode()
    assert _signed_in(laptop)
    assert not _signed_in(phone)
    assert not _signed_in(tablet)
    assert len(closed) == 2
    assert AuditEntry.objects.filter(action="session.ended").count() == 2


def test_refused_endings_change_nothing(
    logged_in: Any, user: User, make_user: Any, closed: Any
) -> None:
    """Another person's session, an unknown id and the current session: a message, nothing
    ended, nothing recorded. A GET ends nothing."""
    other = make_user()
    theirs = logged_in(other)
    mine = logged_in(user)
    their_id = UserSession.objects.get(user=other).pk
    my_id = UserSession.objects.get(user=user).pk
    for session_id, message in [
        (their_id, "This session has already ended."),
        (999999, "This session has already ended."),
        (my_id, "To end this session, log out."),
    ]:
        response = mine.post(f"/accounts/sessions/{session_id}/end/", follow=True)
        assert message in response.content.decode()
    assert mine.get(f"/accounts/sessions/{their_id}/end/").status_code == 405
    assert mine.get("/accounts/sessions/end-others/").status_code == 405
    assert _signed_in(theirs)
    assert _signed_in(mine)
    assert closed == []
    assert not AuditEntry.objects.filter(action="session.ended").exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/accounts/sessions/"),
        ("post", "/accounts/sessions/1/end/"),
        ("post", "/accounts/sessions/end-others/"),
    ],
)
def test_anonymous_is_sent_to_login(client: Client, method: str, path: str) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_idle_timeout_is_the_sessions_expiry(logged_in: Any, user: User, settings: Any) -> None:
    """Each minute of activity moves the end to now + idle; an idle session is gone from the
    store (and so for an open WebSocket's check)."""
    settings.SESSION_IDLE_TIMEOUT = 600
    settings.SESSION_ABSOLUTE_TIMEOUT = 0
    client = logged_in(user)
    store = _store(client)
    assert 590 <= store.get_expiry_age() <= 600
    # An hour later (as far as the session knows): still within... no, idle for 600 s.
    store[SEEN_AT_KEY] = time.time() - 700
    store.set_expiry(datetime.fromtimestamp(time.time() - 100, tz=UTC))
    store.save()
    assert not session_valid(user_id=user.pk, session_key=store.session_key)
    assert not _signed_in(client)


def test_activity_moves_the_idle_end(logged_in: Any, user: User, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 600
    settings.SESSION_ABSOLUTE_TIMEOUT = 0
    client = logged_in(user)
    store = _store(client)
    store[SEEN_AT_KEY] = time.time() - 120
    store.set_expiry(datetime.fromtimestamp(time.time() + 30, tz=UTC))
    store.save()
    assert _signed_in(client)
    assert 590 <= _store(client).get_expiry_age() <= 600


def test_absolute_timeout_is_not_moved_by_activity(
    logged_in: Any, user: User, settings: Any
) -> None:
    settings.SESSION_IDLE_TIMEOUT = 600
    settings.SESSION_ABSOLUTE_TIMEOUT = 3600
    client = logged_in(user)
    store = _store(client)
    store[AUTH_AT_KEY] = time.time() - 3600 + 100  # 100 s left of the hour
    store[SEEN_AT_KEY] = time.time() - 120
    store.save()
    assert _signed_in(client)
    assert _store(client).get_expiry_age() <= 100


def test_stay_logged_in_unticked_keeps_a_browser_cookie(user: User, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 600
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": user.username, "password": "Hanse-Test-2026!"}
    )
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert 590 <= _store(client).get_expiry_age() <= 600
    remembered = Client()
    response = remembered.post(
        "/accounts/login/",
        {"login": user.username, "password": "Hanse-Test-2026!", "remember": "on"},
    )
    assert 590 <= int(response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"]) <= 600


def test_devices_are_named() -> None:
    assert describe(FIREFOX_WINDOWS) == "Firefox on Windows"
    assert describe(SAFARI_IPHONE) == "Safari on iPhone"
    edge = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
    )
    assert describe(edge) == "Edge on Windows"
    assert describe("") == "Unknown device"
    assert truncated_ip("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert truncated_ip("not an address") == ""


def test_an_api_call_with_a_token_makes_no_session(user: User) -> None:
    """A personal access token signs no one in: its calls save no session row, set no session
    cookie and add nothing to the person's sessions page, however many there are."""
    from django.contrib.sessions.models import Session

    from hanse.api.services import token_create

    raw = token_create(user=user, name="script").raw
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for _ in range(3):
        response = api.get("/api/v1/people/me")
        assert response.status_code == 200
        assert django_settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()
    assert not UserSession.objects.filter(user=user).exists()
