"""Background work of the chat: notifications about mentions and direct messages."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django_tasks import task

from hanse.chat.models import Channel, ChannelMember, Message
from hanse.chat.notifications import CHAT_MENTION, DIRECT_MESSAGE, message_data
from hanse.jobs import queues
from hanse.jobs.once import run_once
from hanse.jobs.retry import retry
from hanse.notifications.delivery import queue_delivery_on_commit
from hanse.notifications.services import notify

logger = logging.getLogger(__name__)


@task(queue_name=queues.LIVE)
def notify_message_created(
    message_id: int, mentioned_ids: Sequence[int] = (), attempt: int = 1
) -> None:
    """Mentioned members and the people of a direct or group message (not muted, not the
    author) are notified once per message, however often this task runs."""
    try:
        _notify_message_created(message_id, mentioned_ids)
    except Exception:
        retry(
            notify_message_created,
            [message_id, list(mentioned_ids)],
            attempt,
            f"Notifying about chat message {message_id}",
        )


def _notify_message_created(message_id: int, mentioned_ids: Sequence[int]) -> None:

    message = (
        Message.objects.select_related("channel", "author")
        .filter(pk=message_id, deleted_at__isnull=True)
        .first()
    )
    if message is None or message.author is None:
        return
    channel = message.channel
    listening = ChannelMember.objects.filter(channel=channel, muted=False).exclude(
        user=message.author
    )
    data = message_data(message)
    made = []
    with run_once(f"chat_message:{message_id}") as first:
        if not first:
            return
        if channel.kind in (Channel.Kind.DIRECT, Channel.Kind.GROUP):
            people = [m.user for m in listening.select_related("user")]
            made += notify(
                type_key=DIRECT_MESSAGE.key,
                recipients=people,
                actor=message.author,
                target=message,
                group_key=f"chat:{channel.pk}",
                data=data,
            )
        elif mentioned_ids:
            people = [
                m.user
                for m in listening.filter(user_id__in=list(mentioned_ids)).select_related("user")
            ]
            made += notify(
                type_key=CHAT_MENTION.key,
                recipients=people,
                actor=message.author,
                target=message,
                data=data,
            )
        ids = [n.pk for n in made]
        queue_delivery_on_commit(ids)
