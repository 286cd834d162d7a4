"""Chat's WebSocket topic and who may receive it (hanse/realtime/topics.py).

Registered from ``ChatConfig.ready()``: ``chat:<channel>`` follows
``Channel.objects.readable_by``; a community channel is re-checked when its community's kind
changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hanse.chat.models import Channel
from hanse.realtime import topics
from hanse.realtime.topics import TopicKind

if TYPE_CHECKING:
    from hanse.people.models import User


def _channels(user: User, ids: list[int]) -> dict[int, int | None]:
    return dict(
        Channel.objects.readable_by(user).filter(pk__in=ids).values_list("pk", "community_id")
    )


def register() -> None:
    topics.register(TopicKind(kind="chat", grant=_channels))
