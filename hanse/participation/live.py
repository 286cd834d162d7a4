"""The poll topic (``poll:<id>``): who may receive it, and the push after a vote.

A push carries the poll's id only, never a person or a choice; the browser fetches the
results block over HTTP, which applies the poll's own rules (results after voting or closing).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction

from hanse.participation.models import Poll, TownHall, TownHallQuestion
from hanse.realtime import topics
from hanse.realtime.publish import publish, recheck_topic
from hanse.realtime.topics import TopicKind

if TYPE_CHECKING:
    from hanse.people.models import User

logger = logging.getLogger(__name__)


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
# ``townhall.votes`` {id, counts} after upvotes (the browser reorders its list), and
# ``townhall.changed`` {id} after anything else (the browser fetches the list over HTTP,
# which shows each person what they may see: pending questions to moderators only).


def _townhalls(user: User, ids: list[int]) -> dict[int, int | None]:
    return dict.fromkeys(
        TownHall.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )


def register_townhalls() -> None:
    topics.register(TopicKind(kind="townhall", grant=_townhalls))


def townhall_votes_on_commit(townhall_id: int) -> None:
    """After the commit: push the town hall's counts, coalesced over ``TOWNHALL_PUSH_MS``
    (one push carries every vote of the window: ``townhall.votes`` {id, counts: [[question
    id, upvotes], ...]}, the open questions' counts, which everyone in the audience sees)."""
    transaction.on_commit(lambda: _schedule(townhall_id))


_pending: set[int] = set()
_pending_lock = threading.Lock()


def _schedule(townhall_id: int) -> None:
    delay = settings.TOWNHALL_PUSH_MS / 1000
    if delay <= 0:
        _push_counts(townhall_id)
        return
    with _pending_lock:
        if townhall_id in _pending:
            return  # a push is already on its way and will read this vote's count too
        _pending.add(townhall_id)
    timer = threading.Timer(delay, _flush, args=(townhall_id,))
    timer.daemon = True
    timer.start()


def _flush(townhall_id: int) -> None:
    with _pending_lock:
        _pending.discard(townhall_id)
    try:
        _push_counts(townhall_id)
    except Exception:  # best effort, like every push: the page catches up over HTTP
        logger.exception("Could not push the counts of town hall %s", townhall_id)
    finally:
        connection.close()  # this timer's thread opened its own database connection


def _push_counts(townhall_id: int) -> None:
    counts = [
        [pk, votes]
        for pk, votes in TownHallQuestion.objects.filter(
            townhall_id=townhall_id, status=TownHallQuestion.Status.APPROVED
        )
        .order_by("pk")
        .values_list("pk", "vote_count")
    ]
    topic = topics.name("townhall", townhall_id)
    publish(topic, {"type": "townhall.votes", "id": townhall_id, "counts": counts})


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
