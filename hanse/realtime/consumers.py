"""The one WebSocket endpoint, /ws/: one connection per browser tab.

Protocol (JSON frames):

client -> server
    ``{"action": "subscribe", "topics": [...]}`` / ``{"action": "unsubscribe", "topics": [...]}``
    ``{"action": "send", "channel": id, "body": "...", "client_id": "<uuid>", "parent": id}``
    ``{"action": "read", "channel": id, "last_read_id": n}``
    ``{"action": "heartbeat", "active": true}``
server -> client
    ``{"type": "hello", "user": id, "heartbeat": seconds}`` after the handshake
    ``{"type": "subscribed", "topics": [...]}`` (only the topics granted)
    ``{"type": "unsubscribed", "topics": [...]}``, ``{"type": "revoked", "topic": t}``
    ``{"type": "ack", "client_id": ..., "id": message_id, "created": bool}`` after the commit
    ``{"type": "error", "code": ..., "message": ..., "client_id"?: ..., "topic"?: ...}``
    events: the published dict plus ``"topic"``

The handshake is refused (HTTP 403) for a foreign Origin (AllowedHostsOriginValidator in
hanse/asgi.py); a connection without a signed-in session is accepted and closed at once with
code 4401 so the browser can tell "signed out" from "network trouble".
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import trans_real

from hanse.core.errors import ServiceError
from hanse.realtime import presence, ratelimit, topics
from hanse.realtime.groups import topic_group, user_group

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
# A chat message may hold 8000 characters, up to 4 bytes each in UTF-8, plus the envelope.
MAX_FRAME_BYTES = 40 * 1024
MAX_TOPICS = 100
# Messages per person (across all tabs and processes) per window; settings may override it.
SEND_LIMIT, SEND_WINDOW_SECONDS = getattr(settings, "CHAT_SEND_RATE_LIMIT", (20, 10))
# channels-redis forgets group members after a day; long-lived tabs re-join now and then.
GROUP_REFRESH_SECONDS = 6 * 60 * 60


def _language(user: Any, headers: list[tuple[bytes, bytes]]) -> str:
    """The person's interface language, else their browser's, as the HTTP pages choose it."""
    supported = dict(settings.LANGUAGES)
    language = getattr(user, "ui_language", "") or ""
    if language in supported:
        return language
    raw = dict(headers).get(b"accept-language", b"").decode("latin-1")
    for code, _quality in trans_real.parse_accept_lang_header(raw):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Delivers the events of the topics a tab subscribed to, and takes chat input."""

    user: Any
    topics: set[str]

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.topics = set()
        # Topics joined on behalf of "feed" (see topics.feed_sources).
        self.feed_sources: set[str] = set()
        self.joined_user_group = False
        if self.user is None or not self.user.is_authenticated or not self.user.is_active:
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.language = _language(self.user, self.scope.get("headers", []))
        self.groups_refreshed_at = time.monotonic()
        await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)
        self.joined_user_group = True
        await self.accept()
        self.track_presence = await database_sync_to_async(presence.may_track)(self.user)
        if self.track_presence:
            await database_sync_to_async(presence.heartbeat)(self.user.pk, active=True)
        await self.send_json(
            {"type": "hello", "user": self.user.pk, "heartbeat": presence.HEARTBEAT_SECONDS}
        )

    async def disconnect(self, code: int) -> None:
        if not getattr(self, "joined_user_group", False):
            return
        await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)
        for topic in self.topics | self.feed_sources:
            await self.channel_layer.group_discard(topic_group(topic), self.channel_name)
        self.topics.clear()
        self.feed_sources.clear()

    # --- input ------------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not getattr(self, "joined_user_group", False):
            return
        if text_data is None or len(text_data.encode("utf-8")) > MAX_FRAME_BYTES:
            await self.error(
                "too_large",
                _("This message is too large to send. Please shorten it and try again."),
            )
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self.error("invalid", _("The server could not read this request."))
            return
        if not isinstance(content, dict):
            await self.error("invalid", _("The server could not read this request."))
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        action = content.get("action")
        if action == "subscribe":
            await self.subscribe(content.get("topics"))
        elif action == "unsubscribe":
            await self.unsubscribe(content.get("topics"))
        elif action == "send":
            await self.send_message(content)
        elif action == "read":
            await self.mark_read(content)
        elif action == "heartbeat":
            await self.heartbeat(bool(content.get("active", True)))
        else:
            await self.error("invalid", _("The server could not read this request."))

    async def subscribe(self, requested: Any) -> None:
        if not isinstance(requested, list):
            await self.error("invalid", _("The server could not read this request."))
            return
        granted: list[str] = []
        for raw in requested[:MAX_TOPICS]:
            topic = topics.normalise(raw) if isinstance(raw, str) else None
            if topic is None:
                await self.error("forbidden", _("You cannot follow this topic."), topic=raw)
                continue
            if topic in self.topics:
                granted.append(topic)
                continue
            if len(self.topics) >= MAX_TOPICS:
                await self.error("too_many", _("This page follows too many topics."), topic=raw)
                continue
            allowed = await database_sync_to_async(topics.may_subscribe)(self.user, topic)
            if not allowed:
                # The same answer whether the topic exists or not: nothing leaks.
                await self.error("forbidden", _("You cannot follow this topic."), topic=raw)
                continue
            if topic == "feed":
                await self.join_feed()
            elif topic not in self.feed_sources:
                await self.channel_layer.group_add(topic_group(topic), self.channel_name)
            self.topics.add(topic)
            granted.append(topic)
        await self.send_json({"type": "subscribed", "topics": granted})

    async def join_feed(self) -> None:
        sources = set(await database_sync_to_async(topics.feed_sources)(self.user))
        for topic in sources - self.topics - self.feed_sources:
            await self.channel_layer.group_add(topic_group(topic), self.channel_name)
        self.feed_sources |= sources

    async def leave_feed(self) -> None:
        for topic in self.feed_sources - self.topics:
            await self.channel_layer.group_discard(topic_group(topic), self.channel_name)
        self.feed_sources.clear()

    def receives(self, topic: str) -> bool:
        return topic in self.topics or topic in self.feed_sources

    async def leave(self, topic: str) -> None:
        """Stop receiving ``topic`` whether it was subscribed directly or through the feed."""
        self.topics.discard(topic)
        self.feed_sources.discard(topic)
        if topic == "feed":
            await self.leave_feed()
        else:
            await self.channel_layer.group_discard(topic_group(topic), self.channel_name)

    async def unsubscribe(self, requested: Any) -> None:
        left: list[str] = []
        for raw in requested if isinstance(requested, list) else []:
            topic = topics.normalise(raw) if isinstance(raw, str) else None
            if topic is not None and topic in self.topics:
                self.topics.discard(topic)
                if topic == "feed":
                    await self.leave_feed()
                elif topic not in self.feed_sources:
                    await self.channel_layer.group_discard(topic_group(topic), self.channel_name)
                left.append(topic)
        await self.send_json({"type": "unsubscribed", "topics": left})

    async def send_message(self, content: dict[str, Any]) -> None:
        raw_client_id = content.get("client_id")
        try:
            client_id = uuid.UUID(str(raw_client_id))
        except ValueError:
            await self.error("invalid", _("The server could not read this request."))
            return
        reply = {"client_id": str(client_id)}
        channel_id, parent_id = content.get("channel"), content.get("parent")
        body = content.get("body")
        if (
            not isinstance(channel_id, int)
            or not isinstance(body, str)
            or (parent_id is not None and not isinstance(parent_id, int))
        ):
            await self.error("invalid", _("The server could not read this request."), **reply)
            return
        allowed = await database_sync_to_async(ratelimit.allow)(
            self.user.pk, "chat.send", limit=SEND_LIMIT, per_seconds=SEND_WINDOW_SECONDS
        )
        if not allowed:
            await self.error(
                "rate_limited",
                _("You are sending messages too fast. Please wait a moment."),
                **reply,
            )
            return
        try:
            # Not thread-sensitive: several messages are stored at once, each on its own
            # thread and database connection, instead of queueing behind one thread.
            message_id, created = await database_sync_to_async(
                _post_message, thread_sensitive=False
            )(
                user=self.user,
                channel_id=channel_id,
                body=body,
                client_id=client_id,
                parent_id=parent_id,
            )
        except ServiceError as exc:
            await self.error(exc.code, exc.message, **reply)
            return
        # _post_message returns after its transaction committed: the message is durable.
        await self.send_json({"type": "ack", "id": message_id, "created": created, **reply})

    async def mark_read(self, content: dict[str, Any]) -> None:
        channel_id, last_read_id = content.get("channel"), content.get("last_read_id")
        if not isinstance(channel_id, int) or not isinstance(last_read_id, int):
            await self.error("invalid", _("The server could not read this request."))
            return
        try:
            await database_sync_to_async(_mark_read)(
                user=self.user, channel_id=channel_id, last_read_id=last_read_id
            )
        except ServiceError as exc:
            await self.error(exc.code, exc.message)

    async def heartbeat(self, active: bool) -> None:
        if self.track_presence:
            await database_sync_to_async(presence.heartbeat)(self.user.pk, active=active)
        if time.monotonic() - self.groups_refreshed_at > GROUP_REFRESH_SECONDS:
            self.groups_refreshed_at = time.monotonic()
            await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)
            for topic in (self.topics - {"feed"}) | self.feed_sources:
                await self.channel_layer.group_add(topic_group(topic), self.channel_name)

    async def error(self, code: str, message: Any, **extra: Any) -> None:
        """An error frame; ``message`` (lazy) is translated into the person's language."""
        with translation.override(getattr(self, "language", settings.LANGUAGE_CODE)):
            text = str(message)
        await self.send_json({"type": "error", "code": code, "message": text, **extra})

    # --- channel-layer handlers ---------------------------------------------------------------

    async def live_event(self, message: dict[str, Any]) -> None:
        topic = message.get("topic", "")
        # A topic left a moment ago (revoked) may still have events in flight: drop them.
        if topic != "user" and not self.receives(topic):
            return
        event = dict(message.get("event") or {})
        event["topic"] = topic
        await self.send_json(event)

    async def live_revoke(self, message: dict[str, Any]) -> None:
        topic = topics.normalise(message.get("topic", "")) or ""
        if self.receives(topic):
            await self.leave(topic)
            await self.send_json({"type": "revoked", "topic": topic})


def _post_message(
    *, user: Any, channel_id: int, body: str, client_id: uuid.UUID, parent_id: int | None
) -> tuple[int, bool]:
    """Store a chat message through CHAT-CORE's service; returns (id, created)."""
    from hanse.chat import services as chat_services
    from hanse.chat.models import Channel, Message

    channel = Channel.objects.readable_by(user).filter(pk=channel_id).first()
    if channel is None:
        raise ServiceError(_("This channel does not exist."), code="not_found", status=404)
    parent = None
    if parent_id is not None:
        parent = Message.objects.visible_to(user).filter(pk=parent_id, channel=channel).first()
        if parent is None:
            raise ServiceError(
                _("The message you are replying to does not exist."),
                code="not_found",
                status=404,
            )
    message, created = chat_services.message_post(
        channel=channel, author=user, body=body, client_id=client_id, parent=parent
    )
    return message.pk, created


def _mark_read(*, user: Any, channel_id: int, last_read_id: int) -> None:
    from hanse.chat import services as chat_services
    from hanse.chat.models import Channel

    channel = Channel.objects.readable_by(user).filter(pk=channel_id).first()
    if channel is None:
        raise ServiceError(_("This channel does not exist."), code="not_found", status=404)
    chat_services.channel_mark_read(channel=channel, user=user, last_read_id=last_read_id)
