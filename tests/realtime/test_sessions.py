"""An open WebSocket does not outlive its session: logout, password change, deactivation and
a session gone or changed behind the signals' back all close it."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from hanse.people.models import User
from hanse.realtime.publish import publish_to_user
from tests.conftest import PASSWORD
from tests.realtime.conftest import communicator
from tests.realtime.test_consumer import connected

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Neues-Hanse-Passwort-2026!"


def _client_with(cookie: str) -> Client:
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    return client


async def _closed_with(ws: Any) -> int:
    """The close code the server sent (frames before it are skipped)."""
    while True:
        output = await ws.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return int(output["code"])


async def _still_open(ws: Any, person: User) -> bool:
    await database_sync_to_async(publish_to_user)(person.pk, {"type": "counter", "counter": "x"})
    frame = await ws.receive_json_from()
    return bool(frame["type"] == "counter")


async def _two_devices(make_user: Any, cookie_for: Any) -> tuple[User, list[str], list[Any]]:
    person = await database_sync_to_async(make_user)()
    cookies = [await database_sync_to_async(cookie_for)(person) for _ in range(2)]
    assert cookies[0] != cookies[1]
    return person, cookies, [await connected(cookie) for cookie in cookies]


async def test_logout_closes_only_the_connections_of_that_session(
    make_user: Any, cookie_for: Any
) -> None:
    """Logging out on one device closes that device's socket (4401); the other stays."""
    person, cookies, (laptop, phone) = await _two_devices(make_user, cookie_for)
    response = await database_sync_to_async(_client_with(cookies[0]).post)(
        reverse("account_logout")
    )
    assert response.status_code == 302
    assert await _closed_with(laptop) == 4401
    assert await phone.receive_nothing(timeout=0.3)
    assert await _still_open(phone, person)
    await laptop.disconnect()
    await phone.disconnect()


async def test_password_change_closes_every_connection(make_user: Any, cookie_for: Any) -> None:
    """Changing the password closes all sockets; only the device that changed it can
    connect again."""
    _person, cookies, sockets = await _two_devices(make_user, cookie_for)
    laptop = _client_with(cookies[0])
    response = await database_sync_to_async(laptop.post)(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert [await _closed_with(ws) for ws in sockets] == [4001, 4001]
    for ws in sockets:
        await ws.disconnect()
    # The device that changed it got a new session with the new hash (a new cookie).
    again = await connected(laptop.cookies[django_settings.SESSION_COOKIE_NAME].value)
    await again.disconnect()
    other = communicator(cookies[1])
    assert (await other.connect())[0]
    assert await other.receive_output() == {"type": "websocket.close", "code": 4401}
    await other.disconnect()


async def test_password_set_in_the_admin_closes_every_connection(
    make_user: Any, admin_user: Any, client_for: Any, cookie_for: Any
) -> None:
    """An administrator setting someone's password closes that person's sockets."""
    person, _cookies, sockets = await _two_devices(make_user, cookie_for)
    admin_client = await database_sync_to_async(client_for)(admin_user)
    response = await database_sync_to_async(admin_client.post)(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert [await _closed_with(ws) for ws in sockets] == [4001, 4001]
    for ws in sockets:
        await ws.disconnect()


async def test_deactivation_closes_every_connection(make_user: Any, cookie_for: Any) -> None:
    """Deactivating an account signs out every socket of the person (4401)."""
    person, _cookies, sockets = await _two_devices(make_user, cookie_for)
    person.is_active = False
    await database_sync_to_async(person.save)(update_fields=["is_active"])
    assert [await _closed_with(ws) for ws in sockets] == [4401, 4401]
    for ws in sockets:
        await ws.disconnect()


async def test_periodic_check_closes_a_deleted_session(
    make_user: Any, cookie_for: Any, settings: Any
) -> None:
    """A session deleted behind the socket's back closes it at the next check; until then
    a valid session keeps it open."""
    settings.REALTIME_SESSION_CHECK_SECONDS = 0.2
    person = await database_sync_to_async(make_user)()
    cookie = await database_sync_to_async(cookie_for)(person)
    ws = await connected(cookie)
    assert await ws.receive_nothing(timeout=0.6)  # several checks passed
    store = import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=cookie)
    await database_sync_to_async(store.delete)()
    assert await _closed_with(ws) == 4401
    await ws.disconnect()


async def test_periodic_check_closes_when_the_password_changed_unseen(
    make_user: Any, cookie_for: Any, settings: Any
) -> None:
    """A password written without set_password (no signal) no longer matches the session's
    hash: the next check closes the socket."""
    settings.REALTIME_SESSION_CHECK_SECONDS = 0.2
    person = await database_sync_to_async(make_user)()
    ws = await connected(await database_sync_to_async(cookie_for)(person))
    await database_sync_to_async(User.objects.filter(pk=person.pk).update)(
        password=make_password(NEW_PASSWORD)
    )
    assert await _closed_with(ws) == 4401
    await ws.disconnect()
