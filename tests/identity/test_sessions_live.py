"""Ending a session from the sessions page closes that session's open WebSocket at once, and
only that one."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.test import Client

from tests.identity.conftest import FIREFOX_WINDOWS, SAFARI_IPHONE
from tests.realtime.test_consumer import connected
from tests.realtime.test_sessions import _closed_with, _still_open

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_ending_a_session_closes_its_socket(make_user: Any, logged_in: Any) -> None:
    person = await database_sync_to_async(make_user)()
    laptop = await database_sync_to_async(logged_in)(person, agent=FIREFOX_WINDOWS)
    phone = await database_sync_to_async(logged_in)(person, agent=SAFARI_IPHONE)
    cookies = [c.cookies[django_settings.SESSION_COOKIE_NAME].value for c in (laptop, phone)]
    laptop_ws, phone_ws = [await connected(cookie) for cookie in cookies]
    target = await database_sync_to_async(UserSession.objects.get)(session_key=cookies[1])
    response = await database_sync_to_async(laptop.post)(f"/accounts/sessions/{target.pk}/end/")
    assert response.status_code == 302
    assert await _closed_with(phone_ws) == 4401
    assert await _still_open(laptop_ws, person)
    await laptop_ws.disconnect()
    await phone_ws.disconnect()
    # The phone cannot connect again with the ended session.
    again = Client()
    again.cookies[django_settings.SESSION_COOKIE_NAME] = cookies[1]
    assert (await database_sync_to_async(again.get)("/people/")).status_code == 302
