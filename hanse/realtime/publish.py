"""Send events to WebSocket connections. Synchronous, safe from ``transaction.on_commit``.

Call these only after the data they announce is committed (``transaction.on_commit``): a
browser that reacts to an event fetches the new state over HTTP straight away.
A failure of the channel layer (Redis down) is logged and swallowed: the write that triggered
the event has already succeeded, and browsers catch up over HTTP when they reconnect.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from hanse.realtime.groups import topic_group, user_group

logger = logging.getLogger(__name__)


def _group_send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # a push is best effort: the HTTP catch-up path covers a lost event
        logger.exception("Could not publish to %s", group)


def publish(topic: str, event: dict[str, Any]) -> None:
    """Send ``event`` to every connection subscribed to ``topic``."""
    _group_send(topic_group(topic), {"type": "live.event", "topic": topic, "event": event})


def publish_to_user(user_id: int, event: dict[str, Any]) -> None:
    """Send ``event`` to every open connection (every tab) of one person."""
    _group_send(user_group(user_id), {"type": "live.event", "topic": "user", "event": event})


def revoke(user_id: int, topic: str) -> None:
    """Make every connection of one person leave ``topic`` at once (membership removed)."""
    _group_send(user_group(user_id), {"type": "live.revoke", "topic": topic})
