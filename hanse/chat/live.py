"""Chat's plug into the WebSocket transport (hanse/realtime): its topic and its actions.

Registered from ``ChatConfig.ready()``:

- the topic ``chat:<channel>`` follows ``Channel.objects.readable_by``; a community channel is
  re-checked when its community's kind changes (hanse/realtime/topics.py);
- the actions ``send`` (store a message; ordered per connection, acknowledged after the
  commit) and ``read`` (move the read cursor), hanse/realtime/actions.py.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hanse.chat import selectors, services
from hanse.chat.models import Channel
from hanse.core.errors import ServiceError
from hanse.core.ratelimit import rate_for
from hanse.realtime import actions, topics
from hanse.realtime.actions import Action, InvalidFrame
from hanse.realtime.topics import TopicKind

if TYPE_CHECKING:
    from hanse.people.models import User

# The send limit itself is the chat service's (RATE_LIMITS["chat"], for every way in); a
# connection queues at most this many messages while it stores them one after another.
_CHAT_RATE = rate_for("chat")
SEND_QUEUE = _CHAT_RATE.limit if _CHAT_RATE else settings.CHAT_SEND_RATE_LIMIT[0]
# Threads per process that store chat messages (settings may override it). Storing is mostly
# Python work under the GIL: more threads than this only make them and the event loop wait
# for each other (measured with bench/chat.py: 2 carried 200 messages/s per two processes
# better than the 6 of the default executor on 2 cores), while 2 still overlap one
# message's database round trips with the next one's work.
STORE_THREADS = getattr(settings, "CHAT_STORE_THREADS", 2)
_STORE_EXECUTOR = ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="chat-store")


def _channels(user: User, ids: list[int]) -> dict[int, int | None]:
    return dict(
        Channel.objects.readable_by(user).filter(pk__in=ids).values_list("pk", "community_id")
    )


def _missing() -> ServiceError:
    # The same answer whether the channel does not exist or may not be read.
    return ServiceError(_("This channel does not exist."), code="not_found", status=404)


def send(user: User, frame: dict[str, Any]) -> dict[str, Any]:
    """Store a chat message through the chat service; answered with an ``ack`` once it is
    committed. ``frame["client_id"]`` is the UUID the consumer read."""
    channel_id, parent_id, body = frame.get("channel"), frame.get("parent"), frame.get("body")
    client_id = frame["client_id"]
    if (
        not isinstance(channel_id, int)
        or not isinstance(body, str)
        or (parent_id is not None and not isinstance(parent_id, int))
        or not isinstance(client_id, uuid.UUID)
    ):
        raise InvalidFrame
    parent = None
    channel = selectors.find_channel_for(viewer=user, channel_id=channel_id)
    if channel is not None and parent_id is not None:
        parent = selectors.find_message_for(viewer=user, channel=channel, message_id=parent_id)
        if parent is None:
            raise ServiceError(
                _("The message you are replying to does not exist."),
                code="not_found",
                status=404,
            )
    if channel is None:
        raise _missing()
    try:
        message, created = services.message_post(
            channel=channel, author=user, body=body, client_id=client_id, parent=parent
        )
    except ServiceError as exc:
        if exc.code == "not_found":
            raise _missing() from None
        raise
    return {"type": "ack", "id": message.pk, "created": created}


def read(user: User, frame: dict[str, Any]) -> None:
    """Move the person's read cursor of a channel forward."""
    channel_id, last_read_id = frame.get("channel"), frame.get("last_read_id")
    if not isinstance(channel_id, int) or not isinstance(last_read_id, int):
        raise InvalidFrame
    channel = selectors.find_channel_for(viewer=user, channel_id=channel_id)
    if channel is None:
        raise _missing()
    services.channel_mark_read(channel=channel, user=user, last_read_id=last_read_id)


SEND = Action(name="send", run=send, ordered=True, queue=SEND_QUEUE, executor=_STORE_EXECUTOR)
READ = Action(name="read", run=read)


def register() -> None:
    topics.register(TopicKind(kind="chat", grant=_channels))
    actions.register(SEND)
    actions.register(READ)
