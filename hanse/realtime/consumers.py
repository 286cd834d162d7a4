"""The one WebSocket endpoint, /ws/: one connection per browser tab.

Protocol (JSON frames):

client -> server
    ``{"action": "subscribe", "topics": [...]}`` / ``{"action": "unsubscribe", "topics": [...]}``
    ``{"action": "heartbeat", "active": true}``
    the actions apps register (hanse/realtime/actions.py), e.g. chat's (hanse/chat/live.py)
    ``{"action": "send", "channel": id, "body": "...", "client_id": "<uuid>", "parent": id}``
    ``{"action": "read", "channel": id, "last_read_id": n}``
server -> client
    ``{"type": "hello", "user": id, "heartbeat": seconds}`` after the handshake
    ``{"type": "subscribed", "topics": [...]}`` (only the topics granted)
    ``{"type": "unsubscribed", "topics": [...]}``, ``{"type": "revoked", "topic": t}``
    ``{"type": "ack", "client_id": ..., "id": message_id, "created": bool}`` after the commit
    ``{"type": "error", "code": ..., "message": ..., "client_id"?: ..., "topic"?: ...}``
    ``{"type": "resync"}`` when the server may have missed events (Redis subscription lost):
    the page catches up over HTTP
    events: the published dict plus ``"topic"``

The handshake is refused (HTTP 403) for a foreign Origin (AllowedHostsOriginValidator in
hanse/asgi.py); a connection without a signed-in session is accepted and closed at once with
code 4401 so the browser can tell "signed out" from "network trouble".

A connection lives only as long as what it was granted: on ``live.recheck`` (a membership,
role, community kind or channel membership changed) it decides every topic it holds again and
leaves, with a ``revoked`` frame each, exactly those no longer allowed; on ``live.close``
(logout of its session, password change, deactivation) and when its periodic session check
fails it closes (4401: signed out; 4001: reconnect, the session may still be valid).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections import deque
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import trans_real

from hanse.core.errors import ServiceError
from hanse.observability import metrics
from hanse.realtime import actions, presence, sessions, topics
from hanse.realtime.groups import topic_group, user_group
from hanse.realtime.publish import CLOSE_SIGNED_OUT

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = CLOSE_SIGNED_OUT
# A chat message may hold 8000 characters, up to 4 bytes each in UTF-8, plus the envelope.
MAX_FRAME_BYTES = 40 * 1024
MAX_TOPICS = 100
# The list-based channels-redis layer forgets group members after a day; long-lived tabs
# re-join now and then (harmless with the publish/subscribe layer, which keeps them).
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
    """Delivers the events of the topics a tab subscribed to, and runs the actions apps
    registered (hanse/realtime/actions.py: chat's send and read)."""

    user: Any
    topics: set[str]
    # Ordered actions waiting to run, per action, and the tasks running them (run_queued).
    queues: dict[str, asyncio.Queue[dict[str, Any]]]
    workers: list[asyncio.Task[None]]

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.topics = set()
        self.queues = {}
        self.workers = []
        # Topics joined on behalf of "feed" (see topics.feed_sources).
        self.feed_sources: set[str] = set()
        # Extra groups (topics.grants) -> the held topics that need them.
        self.watched: dict[str, set[str]] = {}
        self.recent_rechecks: deque[str] = deque(maxlen=8)
        self.joined_user_group = False
        self.closing = False
        self.session_checker: asyncio.Task[None] | None = None
        if self.user is None or not self.user.is_authenticated or not self.user.is_active:
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        session = self.scope.get("session")
        # Logout closes the connections of its own session only (signals.on_logged_out).
        self.session_key: str | None = getattr(session, "session_key", None)
        self.language = _language(self.user, self.scope.get("headers", []))
        self.groups_refreshed_at = time.monotonic()
        self.session_check_seconds = sessions.check_seconds()
        self.session_checked_at = time.monotonic()
        await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)
        self.joined_user_group = True
        await self.accept()
        metrics.websocket_connections.inc()
        self.counted_open = True
        self.session_checker = asyncio.create_task(self.check_session_periodically())
        self.track_presence = await database_sync_to_async(presence.may_track)(self.user)
        if self.track_presence:
            await database_sync_to_async(presence.heartbeat)(self.user.pk, active=True)
        await self.send_json(
            {"type": "hello", "user": self.user.pk, "heartbeat": presence.HEARTBEAT_SECONDS}
        )

    async def disconnect(self, code: int) -> None:
        self.closing = True
        if getattr(self, "counted_open", False):
            self.counted_open = False
            metrics.websocket_connections.dec()
        checker = getattr(self, "session_checker", None)
        if checker is not None:
            checker.cancel()
        for worker in getattr(self, "workers", ()):
            # A message being stored is committed all the same; its ack is lost, and the
            # browser resends it with the same client_id after reconnecting (stored once).
            worker.cancel()
        if not getattr(self, "joined_user_group", False):
            return
        await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)
        for topic in self.topics | self.feed_sources:
            await self.channel_layer.group_discard(topic_group(topic), self.channel_name)
        for group in self.watched:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.topics.clear()
        self.feed_sources.clear()
        self.watched.clear()

    # --- the session ------------------------------------------------------------------------

    async def check_session_periodically(self) -> None:
        """Close the connection once its session is gone, expired, or no longer the person's
        (the signals close it at once in the cases they see; this catches the rest)."""
        while not self.closing:
            # Jitter: connections opened together (after a server restart) do not all ask
            # the database in the same second.
            await asyncio.sleep(self.session_check_seconds * random.uniform(0.9, 1.1))  # noqa: S311
            if self.closing or not await self.session_still_valid():
                return

    async def session_still_valid(self) -> bool:
        self.session_checked_at = time.monotonic()
        try:
            valid = await database_sync_to_async(sessions.session_valid)(
                user_id=self.user.pk, session_key=self.session_key
            )
        except Exception:  # the database or cache is away: not a reason to sign anyone out
            logger.exception("Could not check a WebSocket's session")
            return True
        if not valid:
            await self.close_now(CLOSE_SIGNED_OUT)
        return valid

    async def close_now(self, code: int) -> None:
        """Close, and deliver nothing more in the meantime."""
        if self.closing:
            return
        self.closing = True
        await self.close(code=code)

    # --- input ------------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        metrics.websocket_messages.labels("in").inc()
        if not getattr(self, "joined_user_group", False) or self.closing:
            return
        # The periodic check may be late (a busy loop): a frame never acts on an old session.
        overdue = time.monotonic() - self.session_checked_at > self.session_check_seconds
        if overdue and not await self.session_still_valid():
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
        elif action == "heartbeat":
            await self.heartbeat(bool(content.get("active", True)))
        elif (registered := actions.get(action)) is not None:
            await self.act(registered, content)
        else:
            await self.error("invalid", _("The server could not read this request."))

    async def subscribe(self, requested: Any) -> None:
        if not isinstance(requested, list):
            await self.error("invalid", _("The server could not read this request."))
            return
        # Read once per request, not once per connection: a unit, role or account change
        # since the connection opened counts now, even before its recheck message arrives.
        user = await database_sync_to_async(topics.current_user)(self.user.pk)
        if user is None:
            await self.close_now(CLOSE_SIGNED_OUT)
            return
        self.user = user
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
            granted_now = await database_sync_to_async(topics.grants)(self.user, [topic])
            if topic not in granted_now:
                # The same answer whether the topic exists or not: nothing leaks.
                await self.error("forbidden", _("You cannot follow this topic."), topic=raw)
                continue
            if topic == "feed":
                await self.join_feed()
            elif topic not in self.feed_sources:
                await self.channel_layer.group_add(topic_group(topic), self.channel_name)
            self.topics.add(topic)
            await self.watch(topic, granted_now[topic])
            granted.append(topic)
        await self.send_json({"type": "subscribed", "topics": granted})

    async def join_feed(self, sources: set[str] | None = None) -> None:
        if sources is None:
            sources = set(await database_sync_to_async(topics.feed_sources)(self.user))
        for topic in sources - self.topics - self.feed_sources:
            await self.channel_layer.group_add(topic_group(topic), self.channel_name)
        self.feed_sources |= sources

    async def watch(self, topic: str, groups: tuple[str, ...]) -> None:
        """Join the groups whose re-check must reach a connection holding ``topic``."""
        for group in groups:
            if group not in self.watched:
                await self.channel_layer.group_add(group, self.channel_name)
            self.watched.setdefault(group, set()).add(topic)

    async def unwatch(self, topic: str) -> None:
        for group, holders in list(self.watched.items()):
            holders.discard(topic)
            if not holders:
                del self.watched[group]
                await self.channel_layer.group_discard(group, self.channel_name)

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
        await self.unwatch(topic)
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
                await self.unwatch(topic)
                if topic == "feed":
                    await self.leave_feed()
                elif topic not in self.feed_sources:
                    await self.channel_layer.group_discard(topic_group(topic), self.channel_name)
                left.append(topic)
        await self.send_json({"type": "unsubscribed", "topics": left})

    async def act(self, action: actions.Action, content: dict[str, Any]) -> None:
        """An app's action (hanse/realtime/actions.py): in line, or queued when ordered."""
        if not action.ordered:
            await self.perform(action, content, {})
            return
        try:
            client_id = uuid.UUID(str(content.get("client_id")))
        except ValueError:
            await self.error("invalid", _("The server could not read this request."))
            return
        reply = {"client_id": str(client_id)}
        queue = self.queues.get(action.name)
        if queue is None:
            queue = self.queues[action.name] = asyncio.Queue(maxsize=action.queue)
            self.workers.append(asyncio.create_task(self.run_queued(action, queue)))
        try:
            queue.put_nowait({**content, "client_id": client_id})
        except asyncio.QueueFull:
            await self.error(
                "rate_limited",
                _("You are sending messages too fast. Please wait a moment."),
                **reply,
            )

    async def run_queued(
        self, action: actions.Action, queue: asyncio.Queue[dict[str, Any]]
    ) -> None:
        """Run this connection's ordered actions one after another, in the order they came.

        A task of its own: while one is being stored (a trip to the database), the connection
        goes on receiving events; handled in line, a tab would receive nothing of its chat
        channels until its own message was committed."""
        while True:
            content = await queue.get()
            try:
                await self.perform(action, content, {"client_id": str(content["client_id"])})
            except Exception:
                # As when a handler fails (database gone): the connection is closed, the
                # browser reconnects and resends what was not acknowledged (stored once).
                logger.exception("Could not run the socket action %s", action.name)
                await self.close(code=1011)
                return

    async def perform(
        self, action: actions.Action, content: dict[str, Any], reply: dict[str, str]
    ) -> None:
        try:
            if action.executor is not None:
                # Not thread-sensitive: several connections' actions run at once, each on its
                # own thread and database connection, instead of queueing behind one thread.
                run = database_sync_to_async(
                    action.run, thread_sensitive=False, executor=action.executor
                )
            else:
                run = database_sync_to_async(action.run)
            answer = await run(self.user, content)
        except actions.InvalidFrame:
            await self.error("invalid", _("The server could not read this request."), **reply)
            return
        except ServiceError as exc:
            await self.error(exc.code, exc.message, **reply)
            return
        # The action returns after its transaction committed: what it wrote is durable.
        if answer is not None:
            await self.send_json({**answer, **reply})

    async def heartbeat(self, active: bool) -> None:
        if self.track_presence:
            await database_sync_to_async(presence.heartbeat)(self.user.pk, active=active)
        if time.monotonic() - self.groups_refreshed_at > GROUP_REFRESH_SECONDS:
            self.groups_refreshed_at = time.monotonic()
            await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)
            for topic in (self.topics - {"feed"}) | self.feed_sources:
                await self.channel_layer.group_add(topic_group(topic), self.channel_name)
            for group in self.watched:
                await self.channel_layer.group_add(group, self.channel_name)

    async def error(self, code: str, message: Any, **extra: Any) -> None:
        """An error frame; ``message`` (lazy) is translated into the person's language."""
        with translation.override(getattr(self, "language", settings.LANGUAGE_CODE)):
            text = str(message)
        await self.send_json({"type": "error", "code": code, "message": text, **extra})

    # --- channel-layer handlers ---------------------------------------------------------------

    async def send_json(self, content: Any, close: bool = False) -> None:
        metrics.websocket_messages.labels("out").inc()
        await super().send_json(content, close=close)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels runs close_old_connections() on the shared sync thread before every
        # handler: a thread round trip per event and connection (25 for one chat message to
        # a channel of 25 members), all through one thread. This consumer reaches the
        # database only through database_sync_to_async, which closes old connections on the
        # worker thread itself, so the handler is called directly.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def live_event(self, message: dict[str, Any]) -> None:
        if self.closing:
            return
        topic = message.get("topic", "")
        # A topic left a moment ago (revoked) may still have events in flight: drop them.
        if topic != "user" and not self.receives(topic):
            return
        text = message.get("text")
        if isinstance(text, str):
            # Encoded once by the publisher (hanse/realtime/publish.py) for every recipient.
            await self.send(text_data=text)
            return
        event = dict(message.get("event") or {})
        event["topic"] = topic
        await self.send_json(event)

    async def live_resync(self, message: dict[str, Any]) -> None:
        """This process may have missed events (hanse/realtime/layers.py): the page catches
        up over HTTP as after a reconnect."""
        await self.send_json({"type": "resync"})

    async def live_recheck(self, message: dict[str, Any]) -> None:
        """Something a held topic derives from changed (hanse/realtime/publish.py): decide
        every held topic, and the feed's sources, again. Handled in line, so that events
        queued behind this message are dropped for the topics it leaves."""
        stamp = message.get("id")
        if stamp is not None:
            if stamp in self.recent_rechecks:  # reached through two groups
                return
            self.recent_rechecks.append(stamp)
        if self.closing:
            return
        held = sorted(self.topics)
        old_sources = set(self.feed_sources)
        result = await database_sync_to_async(topics.recheck)(
            self.user.pk, held, old_sources, feed="feed" in self.topics
        )
        if result.user is None:
            await self.close_now(CLOSE_SIGNED_OUT)
            return
        self.user = result.user
        revoked = [t for t in held if t not in result.granted]
        # A source the feed no longer has is left quietly when still allowed (left an open
        # community: its posts are no business of the feed now, but not a secret either).
        if result.feed_sources is not None and "feed" not in revoked:
            new_sources = set(result.feed_sources)
            for topic in old_sources - new_sources:
                self.feed_sources.discard(topic)
                if topic not in self.topics:
                    await self.channel_layer.group_discard(topic_group(topic), self.channel_name)
                    if topic not in result.granted:
                        revoked.append(topic)
            await self.join_feed(new_sources)
        for topic in revoked:
            if topic in self.topics or topic in self.feed_sources:
                await self.leave(topic)
            await self.send_json({"type": "revoked", "topic": topic})

    async def live_close(self, message: dict[str, Any]) -> None:
        """Logout (of this connection's session only), password change or deactivation."""
        session = message.get("session")
        if session is not None and session != self.session_key:
            return
        await self.close_now(int(message.get("code") or CLOSE_SIGNED_OUT))
