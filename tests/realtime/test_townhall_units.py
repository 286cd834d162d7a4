"""A town hall's audience is a set of org units: an open WebSocket follows a person's unit.
Moved out of the audience (by HR, by a unit moving in the tree, by SCIM), the live feed stops
at once (``revoked``); moved in, the topic can be subscribed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from hanse.identity.scim.resources import _set_members
from hanse.participation.townhalls import townhall_create
from hanse.people.services import orgunit_update, person_hr_update
from tests.realtime.test_consumer import connected, subscribe
from tests.realtime.test_recheck import _delivered, _frames_until_quiet

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _hall(admin: Any, unit: Any) -> str:
    now = timezone.now()
    th = townhall_create(
        by=admin,
        title="Fragen an die IT-Leitung",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
        hosts=[admin],
        company_wide=False,
        units=[unit],
    )
    return f"townhall:{th.pk}"


@pytest.mark.parametrize("how", ["hr", "unit_moved", "scim"])
async def test_leaving_the_audience_revokes_the_feed_at_once(
    make_user: Any, admin_user: Any, org: Any, cookie_for: Any, how: str
) -> None:
    person = await database_sync_to_async(make_user)(org_unit=org["it_ops"])
    topic = await database_sync_to_async(_hall)(admin_user, org["it"])
    ws = await connected(await database_sync_to_async(cookie_for)(person))
    assert (await subscribe(ws, topic, "company"))[-1]["topics"] == [topic, "company"]

    def act() -> None:
        if how == "hr":
            person_hr_update(user=person, by=admin_user, org_unit=org["moelln"])
        elif how == "unit_moved":
            # IT-Betrieb moves below Privatkunden: no longer below the invited division.
            orgunit_update(unit=org["it_ops"], parent=org["private"])
        else:
            _set_members(org["it_ops"], [])

    await database_sync_to_async(act)()
    assert await _frames_until_quiet(ws, 1) == [{"type": "revoked", "topic": topic}]
    assert await _delivered(ws, [topic, "company"]) == {"company"}
    await ws.disconnect()


async def test_joining_the_audience_grants_the_feed(
    make_user: Any, admin_user: Any, org: Any, cookie_for: Any
) -> None:
    person = await database_sync_to_async(make_user)(org_unit=org["moelln"])
    topic = await database_sync_to_async(_hall)(admin_user, org["it"])
    ws = await connected(await database_sync_to_async(cookie_for)(person))
    frames = await subscribe(ws, topic)
    assert frames[-1]["topics"] == []

    await database_sync_to_async(person_hr_update)(
        user=person, by=admin_user, org_unit=org["it_ops"]
    )
    assert (await subscribe(ws, topic))[-1]["topics"] == [topic]
    assert await _delivered(ws, [topic]) == {topic}
    await ws.disconnect()
