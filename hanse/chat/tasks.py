"""Background work of the chat: notifications about mentions and direct messages (the task's
body is ``notify_or_retry``, hanse/notifications/tasks.py: once per message, retried)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django_tasks import task

from hanse.chat.models import Channel, ChannelMember, Message
from hanse.chat.notifications import CHAT_MENTION, DIRECT_MESSAGE, message_data
from hanse.jobs import queues
from hanse.notifications.services import notify
from hanse.notifications.tasks import Once, notify_or_retry

if TYPE_CHECKING:
    from hanse.notifications.models import Notification

logger = logging.getLogger(__name__)


@task(queue_name=queues.LIVE)
def notify_message_created(
    message_id: int, mentioned_ids: Sequence[int] = (), attempt: int = 1
) -> None:
    """Mentioned members and the people of a direct or group message (not muted, not the
    author) are notified once per message, however often this task runs."""
    notify_or_retry(
        notify_message_created,
        [message_id, list(mentioned_ids)],
        attempt,
        f"Notifying about chat message {message_id}",
        lambda: _message_created(message_id, mentioned_ids),
    )


def _message_created(message_id: int, mentioned_ids: Sequence[int]) -> list[Once]:
    message = (
        Message.objects.select_related("channel", "author")
        .filter(pk=message_id, deleted_at__isnull=True)
        .first()
    )
    if message is None or message.author is None:
        return []
    author = message.author
    channel = message.channel
    listening = ChannelMember.objects.filter(channel=channel, muted=False).exclude(user=author)
    data = message_data(message)

    def hook() -> list[Notification]:
        if channel.kind in (Channel.Kind.DIRECT, Channel.Kind.GROUP):
            return notify(
                type_key=DIRECT_MESSAGE.key,
                recipients=[m.user for m in listening.select_related("user")],
                actor=author,
                target=message,
                group_key=f"chat:{channel.pk}",
                data=data,
            )
        if mentioned_ids:
            mentioned = listening.filter(user_id__in=list(mentioned_ids)).select_related("user")
            return notify(
                type_key=CHAT_MENTION.key,
                recipients=[m.user for m in mentioned],
                actor=author,
                target=message,
                data=data,
            )
        return []

    return [Once(f"chat_message:{message_id}", hook)]
