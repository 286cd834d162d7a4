"""A WebSocket keeps exactly the topics its person may still see, after every change of a
membership, role, community kind, channel membership or account."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async

from hanse.chat.models import Channel
from hanse.chat.services import channel_create, community_channel_ensure, member_remove
from hanse.communities import services as community_services
from hanse.communities.models import Community, Membership
from hanse.posts.services.posts import post_create
from hanse.realtime.publish import publish
from tests.realtime.test_consumer import connected, subscribe

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

OPEN, PRIVATE, SECRET = Community.Kind.OPEN, Community.Kind.PRIVATE, Community.Kind.SECRET
# The topics of the community ``C`` whose membership or kind changes.
DERIVED = ("community:{C}", "post:{P}", "chat:{Y}")
# Topics the person keeps whatever happens to C: another (secret) community they stay in and
# its post, a public channel, a company-wide post, a private channel they stay in (unless the
# row removes them from it), and their feed.
KEPT = ("community:{D}", "post:{Q}", "chat:{pub}", "post:{company}", "chat:{priv}", "feed")


def _world(make_user: Callable[..., Any], make_community: Callable[..., Any], kind: str) -> Any:
    owner, member, outsider = make_user(), make_user(), make_user()
    community = make_community(kind, owner=owner, members=(member,))
    other = make_community(SECRET, owner=owner, members=(member, outsider))
    ids = {
        "C": community.pk,
        "P": post_create(author=owner, body="Nur für C", community=community).pk,
        "Y": community_channel_ensure(community=community, user=member).pk,
        "D": other.pk,
        "Q": post_create(author=owner, body="Nur für D", community=other).pk,
        "pub": channel_create(by=owner, name="Kaffeeküche").pk,
        "priv": channel_create(
            by=owner, name="Projekt", kind=Channel.Kind.PRIVATE, members=[member, outsider]
        ).pk,
        "company": post_create(author=owner, body="Für alle").pk,
    }
    people = {"owner": owner, "member": member, "outsider": outsider}
    return community, people, ids


def _act(action: str, community: Community, people: dict[str, Any], ids: dict[str, int]) -> None:
    owner, member = people["owner"], people["member"]
    if action == "removed":
        community_services.membership_remove(community=community, user=member, by=owner)
    elif action == "leaves":
        community_services.membership_leave(community=community, user=member)
    elif action == "role":
        community_services.membership_change_role(
            community=community, user=member, role=Membership.Role.MODERATOR, by=owner
        )
    elif action in {"to_private", "to_secret"}:
        community_services.community_update(
            community=community, by=owner, kind=action.removeprefix("to_")
        )
    elif action == "channel_removed":
        member_remove(channel=Channel.objects.get(pk=ids["priv"]), by=owner, user=member)
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(action)


async def _frames_until_quiet(ws: Any, count: int) -> list[dict[str, Any]]:
    """The ``count`` frames expected, then nothing more for a moment (the person's own
    events, such as the bell's counter after a role change, are not counted)."""
    frames: list[dict[str, Any]] = []
    while len(frames) < count or not await ws.receive_nothing(timeout=0.4):
        frame = await ws.receive_json_from(timeout=5)
        if frame.get("topic") != "user" or frame["type"] == "revoked":
            frames.append(frame)
    assert len(frames) == count, frames
    return frames


async def _delivered(ws: Any, topics: list[str]) -> set[str]:
    """Publish one event to each topic; the topics whose event reached the connection."""
    for n, topic in enumerate(topics):
        await database_sync_to_async(publish)(topic, {"type": "probe", "op": "x", "id": n})
    seen: set[str] = set()
    while not await ws.receive_nothing(timeout=0.4):
        frame = await ws.receive_json_from()
        assert frame["type"] == "probe", frame
        seen.add(frame["topic"])
    return seen


# (action, the person whose connection is watched, community kind, lost topics of C)
TABLE = [
    *[("removed", "member", kind, kind != OPEN) for kind in (OPEN, PRIVATE, SECRET)],
    *[("leaves", "member", kind, kind != OPEN) for kind in (OPEN, PRIVATE, SECRET)],
    *[("role", "member", kind, False) for kind in (OPEN, PRIVATE, SECRET)],
    # A non-member reading an open community's posts and chat when it becomes closed.
    ("to_private", "outsider", OPEN, True),
    ("to_secret", "outsider", OPEN, True),
    # Members keep everything when the kind changes.
    ("to_secret", "member", OPEN, False),
    *[("channel_removed", "member", kind, False) for kind in (OPEN, PRIVATE, SECRET)],
]


@pytest.mark.parametrize(("action", "who", "kind", "loses_community"), TABLE)
async def test_connection_keeps_exactly_what_is_still_visible(
    make_user: Any,
    make_community: Any,
    cookie_for: Any,
    action: str,
    who: str,
    kind: str,
    loses_community: bool,
) -> None:
    """After the change, exactly the topics no longer visible are revoked (one frame each),
    their events stop, and every topic still visible keeps delivering."""
    community, people, ids = await database_sync_to_async(_world)(make_user, make_community, kind)
    held = [t.format(**ids) for t in (*DERIVED, *KEPT)]
    ws = await connected(await database_sync_to_async(cookie_for)(people[who]))
    assert (await subscribe(ws, *held))[-1] == {"type": "subscribed", "topics": held}

    await database_sync_to_async(_act)(action, community, people, ids)

    lost = {t.format(**ids) for t in DERIVED} if loses_community else set()
    if action == "channel_removed":
        lost = {f"chat:{ids['priv']}"}
    frames = await _frames_until_quiet(ws, len(lost))
    assert sorted(f["topic"] for f in frames) == sorted(lost)
    assert all(f["type"] == "revoked" for f in frames)
    topics = [t for t in held if t != "feed"]
    assert await _delivered(ws, topics) == set(topics) - lost
    await ws.disconnect()


async def test_feed_drops_a_closed_community_and_gains_a_joined_one(
    make_user: Any, make_community: Any, cookie_for: Any
) -> None:
    """The feed's sources follow memberships live: a private community left stops (revoked),
    one joined starts."""
    owner, reader = (
        await database_sync_to_async(make_user)(),
        await database_sync_to_async(make_user)(),
    )
    left = await database_sync_to_async(make_community)(PRIVATE, owner=owner, members=(reader,))
    joined = await database_sync_to_async(make_community)(OPEN, owner=owner)
    ws = await connected(await database_sync_to_async(cookie_for)(reader))
    await subscribe(ws, "feed")

    await database_sync_to_async(community_services.membership_leave)(community=left, user=reader)
    assert await _frames_until_quiet(ws, 1) == [
        {"type": "revoked", "topic": f"community:{left.pk}"}
    ]
    await database_sync_to_async(community_services.membership_join)(community=joined, user=reader)
    await asyncio.sleep(0.3)  # the re-check after joining sends no frame
    assert await _delivered(ws, [f"community:{left.pk}", f"community:{joined.pk}"]) == {
        f"community:{joined.pk}"
    }
    await ws.disconnect()


async def test_administrator_flag_removed_revokes_what_only_it_allowed(
    make_user: Any, make_community: Any, cookie_for: Any
) -> None:
    """A platform administrator reading a secret community live loses it with the flag."""
    owner = await database_sync_to_async(make_user)()
    admin = await database_sync_to_async(make_user)(is_staff=True, is_superuser=True)
    secret = await database_sync_to_async(make_community)(SECRET, owner=owner)
    topic = f"community:{secret.pk}"
    ws = await connected(await database_sync_to_async(cookie_for)(admin))
    assert (await subscribe(ws, topic, "company"))[-1]["topics"] == [topic, "company"]

    admin.is_superuser = False
    await database_sync_to_async(admin.save)()
    assert await _frames_until_quiet(ws, 1) == [{"type": "revoked", "topic": topic}]
    assert await _delivered(ws, [topic, "company"]) == {"company"}
    await ws.disconnect()


async def test_deleted_community_revokes_its_topics(
    make_user: Any, make_community: Any, cookie_for: Any
) -> None:
    """Deleting a community makes every connection leave its topics."""
    owner = await database_sync_to_async(make_user)()
    community = await database_sync_to_async(make_community)(OPEN, owner=owner)
    topic = f"community:{community.pk}"
    ws = await connected(await database_sync_to_async(cookie_for)(owner))
    await subscribe(ws, topic)
    await database_sync_to_async(community_services.community_delete)(community=community, by=owner)
    assert await _frames_until_quiet(ws, 1) == [{"type": "revoked", "topic": topic}]
    await ws.disconnect()
