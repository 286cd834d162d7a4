"""The poll topic (``poll:<id>``): who may receive it, and the push after a vote.

A push carries the poll's id only, never a person or a choice; the browser fetches the
results block over HTTP, which applies the poll's own rules (results after voting or closing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from hanse.participation.models import Poll, TownHall
from hanse.realtime import topics
from hanse.realtime.publish import publish, recheck_topic
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


# --- town halls (``townhall:<id>``) -------------------------------------------------------
# Granted to the town hall's audience, hosts, moderators and administrators
# (``TownHall.objects.visible_to``), checked on subscribe and again whenever its audience
# changes (``townhall_audience_changed_on_commit``). Two events, ids and counts only:
# ``townhall.votes`` {id, q, votes} after an upvote (the browser reorders its list), and
# ``townhall.changed`` {id} after anything else (the browser fetches the list over HTTP,
# which shows each person what they may see: pending questions to moderators only).


def _townhalls(user: User, ids: list[int]) -> dict[int, int | None]:
    return dict.fromkeys(
        TownHall.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )


def register_townhalls() -> None:
    topics.register(TopicKind(kind="townhall", grant=_townhalls))


def townhall_votes_on_commit(townhall_id: int, question_id: int, votes: int) -> None:
    topic = topics.name("townhall", townhall_id)
    event = {"type": "townhall.votes", "id": townhall_id, "q": question_id, "votes": votes}
    transaction.on_commit(lambda: publish(topic, event))


def townhall_changed_on_commit(townhall_id: int) -> None:
    topic = topics.name("townhall", townhall_id)
    transaction.on_commit(lambda: publish(topic, {"type": "townhall.changed", "id": townhall_id}))


def townhall_audience_changed_on_commit(townhall_id: int) -> None:
    """Everyone holding the topic decides again whether they still may (and the list of who
    may has changed, so the page reloads what it shows)."""
    topic = topics.name("townhall", townhall_id)

    def send() -> None:
        recheck_topic(topic)
        publish(topic, {"type": "townhall.changed", "id": townhall_id})

    transaction.on_commit(send)
