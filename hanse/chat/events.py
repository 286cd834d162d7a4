"""Side effects of chat writes, run only after the transaction commits.

Services queue these with ``transaction.on_commit``. Live pushes go through REALTIME's
hanse/realtime/publish.py (best effort: browsers catch up over HTTP after a reconnect);
notifications are created in the background (hanse/chat/tasks.py).

Payloads (``type`` / ``op`` / ids):
- ``chat.message`` to ``chat:<channel>``: op ``created`` | ``edited`` | ``deleted`` |
  ``reactions``, with ``id``, ``channel``, ``parent``, ``client_id``, ``author`` and ``html``:
  the message rendered once for every member and language alike (hanse/chat/rendering.py:
  chat.js shows the viewer's own controls and translates the labels), so the browser
  dedupes by ``id`` and replaces the element on later ops.
- ``chat.topic`` to ``chat:<channel>``: the new ``topic``.
- ``chat.read`` to the reader's own connections (``user``): ``channel``, ``last_read_id``,
  so other tabs clear their badge.
- ``chat.unread`` to the people of a direct or group message (``user``), so their sidebar and
  header badge move even when the conversation is not open.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hanse.chat.models import Channel, ChannelMember
from hanse.chat.rendering import render_message_html
from hanse.chat.selectors import message_queryset
from hanse.core import moderation
from hanse.realtime import topics
from hanse.realtime.publish import publish, publish_to_user, recheck_users

if TYPE_CHECKING:
    from hanse.chat.models import Message

logger = logging.getLogger(__name__)


def topic(channel_id: int) -> str:
    """The live topic of a channel (REALTIME checks ``Channel.objects.readable_by`` on
    subscribe)."""
    return topics.chat(channel_id)


def _publish(topic_name: str, event: dict[str, Any]) -> None:
    publish(topic_name, event)


def _publish_to_user(user_id: int, event: dict[str, Any]) -> None:
    publish_to_user(user_id, event)


def message_event(message: Message, op: str) -> dict[str, Any]:
    """The ``chat.message`` event of a message already in memory (author, channel, and its
    attachments and reactions prefetched: hanse/chat/selectors.py ``message_queryset``)."""
    # Rendered once, language-neutral: one text for every connection, encoded once
    # (hanse/realtime/publish.py); chat.js puts the labels in the person's language.
    return {
        "type": "chat.message",
        "op": op,
        "id": message.pk,
        "channel": message.channel_id,
        "parent": message.parent_id,
        "client_id": str(message.client_id),
        "author": message.author_id,
        "reply_count": message.reply_count,
        "html": render_message_html(message, None),
    }


def message_payload(message_id: int, op: str) -> dict[str, Any] | None:
    """The ``chat.message`` event of one message, or None when it is gone."""

    message = message_queryset().filter(pk=message_id).first()
    if message is None:
        return None
    if moderation.is_hidden("chat_message", message.pk):
        # Hidden by moderation: one rendering goes to every member, so it goes out as gone
        # (its author and the moderators see the notice on their next load).
        message.body, message.body_html = "", ""
        message.deleted_at = message.deleted_at or message.created_at
        op = "deleted"
    return message_event(message, op)


def message_created(message: Message, mentioned_ids: Sequence[int] = ()) -> None:
    """A message was stored: push it to the channel and tell DM partners' other pages (the
    notifications are in the outbox, see hanse/chat/services/messages.py).

    ``message`` is the object the service just saved, with its author, channel, attachments
    and (no) reactions in memory: the event is rendered from it without reading it back."""

    payload = message_event(message, "created")
    channel_id = message.channel_id
    _publish(topic(channel_id), payload)
    if message.parent_id is not None:
        # The thread's first message shows a new reply count.
        root = message_payload(message.parent_id, "edited")
        if root is not None:
            _publish(topic(channel_id), root)
    direct = message.channel.kind in (Channel.Kind.DIRECT, Channel.Kind.GROUP)
    if direct and message.parent_id is None:
        people = ChannelMember.objects.filter(channel_id=channel_id).values_list(
            "user_id", flat=True
        )
        event = {"type": "chat.unread", "op": "message", "channel": channel_id, "id": message.pk}
        for user_id in people:
            if user_id != message.author_id:
                _publish_to_user(user_id, event)


def message_changed(message_id: int, op: str) -> None:
    """A message was edited, deleted or reacted to: push its new rendering."""
    payload = message_payload(message_id, op)
    if payload is not None:
        _publish(topic(int(payload["channel"])), payload)


def topic_changed(channel_id: int, new_topic: str) -> None:
    _publish(
        topic(channel_id),
        {"type": "chat.topic", "op": "changed", "channel": channel_id, "topic": new_topic},
    )


def read_moved(channel_id: int, user_id: int, last_read_id: int) -> None:
    _publish_to_user(
        user_id,
        {"type": "chat.read", "op": "moved", "channel": channel_id, "last_read_id": last_read_id},
    )


def members_changed(user_ids: Sequence[int]) -> None:
    """People joined, left or were removed: their open connections decide every topic they
    hold again and stop receiving what they may no longer read, at once."""

    recheck_users(user_ids)
