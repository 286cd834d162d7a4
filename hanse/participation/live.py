"""The poll topic (``poll:<id>``): who may receive it, and the push after a vote.

A push carries the poll's id only, never a person or a choice; the browser fetches the
results block over HTTP, which applies the poll's own rules (results after voting or closing).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from hanse.participation.models import Poll, TownHall
from hanse.realtime import topics
from hanse.realtime.publish import publish, recheck_topic
from hanse.realtime.topics import TopicKind

if TYPE_CHECKING:
    from hanse.people.models import User

logger = logging.getLogger(__name__)


def _polls(user: User, ids: list[int]) -> dict[int, int | None]:
    # A community poll is re-checked when its community's kind changes; a poll in a chat
    # message when the person's channel memberships change (chat re-checks their topics).
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


def townhall_votes_on_commit(townhall_id: int, question_id: int, votes: int) -> None:
    """After the commit: push the question's new count, coalesced over ``TOWNHALL_PUSH_MS``:
    one push carries every count that changed in the window (``townhall.votes`` {id, counts:
    [[question id, upvotes], ...]}; counts of open questions, which the whole audience sees).
    The counts wait in this process's memory, not in the database: a push costs no query."""
    transaction.on_commit(lambda: _schedule(townhall_id, question_id, votes))


# town hall id -> {question id: its latest count} waiting for the window's push.
_pending: dict[int, dict[int, int]] = {}
_pending_lock = threading.Lock()


def _schedule(townhall_id: int, question_id: int, votes: int) -> None:
    delay = settings.TOWNHALL_PUSH_MS / 1000
    if delay <= 0:
        _push_counts(townhall_id, {question_id: votes})
        return
    with _pending_lock:
        waiting = _pending.get(townhall_id)
        if waiting is not None:
            waiting[question_id] = votes  # the push on its way takes this count along
            return
        _pending[townhall_id] = {question_id: votes}
    timer = threading.Timer(delay, _flush, args=(townhall_id,))
    timer.daemon = True
    timer.start()


def _flush(townhall_id: int) -> None:
    with _pending_lock:
        counts = _pending.pop(townhall_id, {})
    try:
        _push_counts(townhall_id, counts)
    except Exception:  # best effort, like every push: the page catches up over HTTP
        logger.exception("Could not push the counts of town hall %s", townhall_id)


def _push_counts(townhall_id: int, counts: dict[int, int]) -> None:
    topic = topics.name("townhall", townhall_id)
    event = {
        "type": "townhall.votes",
        "id": townhall_id,
        "counts": sorted(map(list, counts.items())),
    }
    publish(topic, event)


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
