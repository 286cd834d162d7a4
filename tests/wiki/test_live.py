"""Live updates of an open wiki page: the ``wikipage`` topic (who may hold it, re-checked on
membership changes and when the wiki is switched off), the push after a save, and the notice
the page and the editor fetch."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from hanse.communities import services as community_services
from hanse.communities.models import Community
from hanse.wiki import services
from tests.realtime.conftest import (  # noqa: F401  # the WebSocket fixtures
    _close_thread_connections,
    _isolated_layer_and_cache,
    cookie_for,
)
from tests.realtime.test_consumer import connected, subscribe


def _world(make_user: Any, make_community: Any, kind: str = Community.Kind.PRIVATE) -> Any:
    owner, member, outsider = make_user(), make_user(), make_user()
    admin = make_user(is_staff=True, is_superuser=True)
    community = make_community(kind, owner=owner, members=(member,))
    page = services.page_create(by=member, community=community, title="FAQ", body="Erste Fassung")
    people = {"owner": owner, "member": member, "outsider": outsider, "admin": admin}
    return community, page, people


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("kind", "who", "allowed"),
    [
        (Community.Kind.PRIVATE, "member", True),
        (Community.Kind.PRIVATE, "owner", True),
        (Community.Kind.PRIVATE, "admin", True),
        (Community.Kind.PRIVATE, "outsider", False),
        (Community.Kind.SECRET, "outsider", False),
        (Community.Kind.OPEN, "outsider", True),
    ],
)
async def test_subscribe_is_checked_against_the_page(
    make_user: Any,
    make_community: Any,
    cookie_for: Any,  # noqa: F811
    kind: str,
    who: str,
    allowed: bool,
) -> None:
    """Who may read the page may follow it; anyone else gets the answer of a missing topic."""
    _community, page, people = await database_sync_to_async(_world)(make_user, make_community, kind)
    topic = f"wikipage:{page.pk}"
    ws = await connected(await database_sync_to_async(cookie_for)(people[who]))
    frames = await subscribe(ws, topic)
    assert frames[-1] == {"type": "subscribed", "topics": [topic] if allowed else []}
    await ws.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_save_reaches_readers_and_leaving_revokes(
    make_user: Any,
    make_community: Any,
    cookie_for: Any,  # noqa: F811
) -> None:
    """A save pushes ids only to whoever holds the page; a member who leaves loses the topic."""
    community, page, people = await database_sync_to_async(_world)(make_user, make_community)
    topic = f"wikipage:{page.pk}"
    reader = people["member"]
    ws = await connected(await database_sync_to_async(cookie_for)(reader))
    await subscribe(ws, topic)
    await database_sync_to_async(services.page_update)(
        page=page, by=people["owner"], title="FAQ", body="Zweite Fassung", base_revision_id=None
    )
    while (frame := await ws.receive_json_from(timeout=5)).get("topic") == "user":
        pass  # the bell's counter: the reader follows the page
    assert frame == {"type": "wiki.page_changed", "id": page.pk, "revision": 2, "topic": topic}
    await database_sync_to_async(community_services.membership_leave)(
        community=community, user=reader
    )
    while (frame := await ws.receive_json_from(timeout=5))["type"] != "revoked":
        assert frame.get("topic") == "user", frame
    assert frame == {"type": "revoked", "topic": topic}
    await database_sync_to_async(services.page_update)(
        page=page, by=people["owner"], title="FAQ", body="Dritte", base_revision_id=None
    )
    while not await ws.receive_nothing(timeout=0.5):
        assert (await ws.receive_json_from()).get("topic") == "user"
    await ws.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_switching_the_wiki_off_revokes_the_page(
    make_user: Any,
    make_community: Any,
    cookie_for: Any,  # noqa: F811
) -> None:
    community, page, people = await database_sync_to_async(_world)(make_user, make_community)
    topic = f"wikipage:{page.pk}"
    ws = await connected(await database_sync_to_async(cookie_for)(people["member"]))
    await subscribe(ws, topic)
    await database_sync_to_async(services.wiki_settings_update)(
        community=community, by=people["owner"], enabled=False, edit_policy="members",
        review_days=180,
    )  # fmt: skip
    while (frame := await ws.receive_json_from(timeout=5))["type"] != "revoked":
        assert frame.get("topic") == "user", frame
    assert frame == {"type": "revoked", "topic": topic}
    await ws.disconnect()


# --- the notice the page fetches (HTTP) -------------------------------------------------------


@pytest.mark.django_db
def test_newer_notice_for_readers_and_editors(people, club, client_for):
    """Nothing while the base is current; then who saved which version, for a reader a link
    to it and to the diff, for an editor the early warning."""
    page = services.page_create(by=people["member"], community=club, title="FAQ", body="Eins")
    base = page.current_revision_id
    url = reverse("wiki:newer", args=[page.pk])
    client = client_for(people["member"])
    assert client.get(url, {"base": base}).status_code == 204
    services.page_update(
        page=page, by=people["owner"], title="FAQ", body="Zwei", base_revision_id=base
    )
    seen = client.get(url, {"base": base}).content.decode()
    assert "A newer version of this page has been saved: version 2 by Olga Owner." in seen
    assert f"{reverse('wiki:diff', args=[page.pk])}?from=1&amp;to=2" in seen
    editing = client.get(url, {"base": base, "mode": "edit"}).content.decode()
    assert "Someone else saved this page meanwhile." in editing
    assert "If you save now, you will see both texts side by side" in editing
    assert client.get(url, {"base": "x"}).status_code == 204


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", None])
def test_newer_notice_is_a_404_for_who_cannot_read(people, club, client_for, who):
    page = services.page_create(by=people["member"], community=club, title="FAQ", body="Eins")
    response = client_for(people[who] if who else None).get(
        reverse("wiki:newer", args=[page.pk]), {"base": 1}
    )
    assert response.status_code in ((404,) if who else (302, 404))


@pytest.mark.django_db
def test_page_and_editor_carry_the_live_hook(people, club, client_for):
    page = services.page_create(by=people["member"], community=club, title="FAQ", body="Eins")
    client = client_for(people["member"])
    for url in (page.get_absolute_url(), reverse("wiki:edit", args=[page.pk])):
        html = client.get(url).content.decode()
        assert f'data-live-topics="wikipage:{page.pk}"' in html
        assert 'data-live-on="wiki.page_changed"' in html
    assert "mode=edit&amp;base=" in html
