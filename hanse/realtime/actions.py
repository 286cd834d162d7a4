"""What a tab may ask over the socket besides subscribing: the actions apps register.

The transport knows frames, not domains. An app that takes input over the socket (chat:
``send`` and ``read``, hanse/chat/live.py) registers an :class:`Action` from its
``AppConfig.ready()``, as it registers its topic kinds; the consumer
(hanse/realtime/consumers.py) reads the frame, runs the action on a worker thread with the
person, and answers. So realtime imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hanse.people.models import User


class InvalidFrame(Exception):
    """The frame cannot be read (a missing or mistyped field): answered with ``invalid``."""


@dataclass(frozen=True)
class Action:
    """``{"action": name, ...}`` from a tab.

    ``run(user, frame)`` runs on a worker thread (it may use the database) and returns the
    reply frame, or None for no reply. It raises ``ServiceError`` for a refusal the person is
    told (an ``error`` frame with its code and message) and :class:`InvalidFrame` for a frame
    it cannot read.

    ``ordered`` actions must carry a ``client_id`` (a UUID) that every reply and error repeats;
    the connection runs them one after another in the order they came, on a task of its own,
    so that it goes on receiving events meanwhile. At most ``queue`` wait; more are refused
    as sent too fast. ``executor`` gives them threads of their own (several connections'
    actions then run at once) instead of the one shared thread of database_sync_to_async.
    """

    name: str
    run: Callable[[User, dict[str, Any]], dict[str, Any] | None]
    ordered: bool = False
    queue: int = 20
    executor: Executor | None = None


# The transport's own actions, which no app may take.
RESERVED = frozenset({"subscribe", "unsubscribe", "heartbeat"})
_actions: dict[str, Action] = {}


def register(action: Action) -> Action:
    """Add an action; registering the same name twice is a programming error."""
    if action.name in RESERVED or (action.name in _actions and _actions[action.name] is not action):
        raise ValueError(f"Socket action {action.name!r} is already taken.")
    _actions[action.name] = action
    return action


def get(name: Any) -> Action | None:
    return _actions.get(name) if isinstance(name, str) else None
