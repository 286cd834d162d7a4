"""Send events to WebSocket connections. Synchronous, safe from ``transaction.on_commit``.

Call these only after the data they announce is committed (``transaction.on_commit``): a
browser that reacts to an event fetches the new state over HTTP straight away.
A failure of the channel layer (Redis down) is logged and swallowed: the write that triggered
the event has already succeeded, and browsers catch up over HTTP when they reconnect.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from hanse.observability import metrics
from hanse.realtime import topics
from hanse.realtime.groups import community_group, topic_group, user_group

logger = logging.getLogger(__name__)


def _group_send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    metrics.channel_publishes.labels(str(message.get("type", ""))).inc()
    try:
        # From a worker thread of the server this runs group_send on the server's event
        # loop; in a process without one (the task worker, the scheduler) on a new event loop
        # whose Redis connection is closed with it: nothing is left open per call.
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # a push is best effort: the HTTP catch-up path covers a lost event
        logger.exception("Could not publish to %s", group)


def _live_event(topic: str, event: dict[str, Any]) -> dict[str, Any]:
    """The layer message of an event: the frame is encoded here, once, and every receiving
    connection sends that text as it is (LiveConsumer.live_event) instead of encoding it
    again per recipient. Events carry nothing that depends on the recipient's language (a
    chat message's HTML is language-neutral, hanse/chat/rendering.py)."""
    return {"type": "live.event", "topic": topic, "text": json.dumps({**event, "topic": topic})}


def publish(topic: str, event: dict[str, Any]) -> None:
    """Send ``event`` to every connection subscribed to ``topic``."""
    _group_send(topic_group(topic), _live_event(topic, event))


def publish_many(topic_names: Iterable[str], event: dict[str, Any]) -> None:
    """Send ``event`` to every connection subscribed to any of these topics, in one trip to
    the event loop (a new post goes to its community's, its author's, its tags' and the
    company's topics: one hop per topic cost a thread switch or a new loop each)."""
    messages = [(topic_group(t), _live_event(t, event)) for t in dict.fromkeys(topic_names)]
    if not messages:
        return
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_all() -> None:
        for group, message in messages:
            try:
                metrics.channel_publishes.labels(str(message.get("type", ""))).inc()
                await layer.group_send(group, message)
            except Exception:  # best effort, as _group_send: one failed topic stops no other
                logger.exception("Could not publish to %s", group)

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.exception("Could not publish to %s", ", ".join(g for g, _m in messages))


def publish_to_user(user_id: int, event: dict[str, Any]) -> None:
    """Send ``event`` to every open connection (every tab) of one person."""
    _group_send(user_group(user_id), _live_event("user", event))


def _recheck_message() -> dict[str, Any]:
    # The id lets a connection reached through two groups at once re-check only once.
    return {"type": "live.recheck", "id": uuid.uuid4().hex}


def recheck_users(user_ids: Iterable[int]) -> None:
    """Every connection of these people re-checks every topic it holds and leaves those no
    longer allowed (a membership, role or channel membership of theirs changed)."""
    for user_id in dict.fromkeys(user_ids):
        _group_send(user_group(user_id), _recheck_message())


def recheck_community(community_id: int) -> None:
    """Every connection holding a topic of this community (the community's own, its posts',
    its chat channels') re-checks: its kind changed, or it is gone, and many people may have
    lost access at once."""
    message = _recheck_message()
    _group_send(topic_group(topics.community(community_id)), message)
    _group_send(community_group(community_id), message)


def recheck_topic(topic: str) -> None:
    """Every connection holding ``topic`` re-checks every topic it holds: who may receive it
    changed (a town hall's audience, say) and the owner cannot list who holds it."""
    _group_send(topic_group(topic), _recheck_message())


# Close codes the browser knows (live.js): 4401 means signed out, do not reconnect; any other
# code reconnects, and a session that is no longer valid then gets 4401 at the handshake.
CLOSE_SIGNED_OUT = 4401
CLOSE_REAUTHENTICATE = 4001


def close_connections(user_id: int, *, session_key: str | None = None, code: int) -> None:
    """Close the person's open connections: only those of ``session_key`` when given (logout
    on one device), else all of them (password changed, account deactivated)."""
    _group_send(user_group(user_id), {"type": "live.close", "session": session_key, "code": code})
