"""The poll topic (``poll:<id>``): who may receive it, and the push after a vote.

A push carries the poll's id only, never a person or a choice; the browser fetches the
results block over HTTP, which applies the poll's own rules (results after voting or closing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from hanse.participation.models import Poll
from hanse.realtime import topics
from hanse.realtime.publish import publish
from hanse.realtime.topics import TopicKind

if TYPE_CHECKING:
    from hanse.people.models import User


def _polls(user: User, ids: list[int]) -> dict[int, int | None]:
    # A community poll is re-checked when its community's kind changes.
    return dict(
        Poll.objects.visible_to(user).filter(pk__in=ids).values_list("pk", "post__community_id")
    )


def register() -> None:
    topics.register(TopicKind(kind="poll", grant=_polls))


def poll_changed_on_commit(poll_id: int) -> None:
    """Tell everyone watching the poll that its counts changed, once the vote is durable."""
    topic = topics.name("poll", poll_id)
    transaction.on_commit(lambda: publish(topic, {"type": "poll.changed", "id": poll_id}))
