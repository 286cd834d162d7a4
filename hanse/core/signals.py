"""Events one app announces and other apps react to, after the transaction commits.

A community does not know that chat channels, notifications and open WebSockets follow its
memberships: it announces ``membership_ended`` and each of them subscribes in its own
``AppConfig.ready()``. The events live here, in the bottom layer, so that every app may
subscribe, the real-time transport included (docs/architecture.md, "Dependencies run one
way"). Each carries one typed payload as the ``event`` argument; receivers take
``(sender, event, **kwargs)``.

``send_on_commit`` sends only after the surrounding transaction commits (at once outside
one): a receiver that pushes to browsers must not act on a write that may still roll back.
``community_event`` is sent with ``send_in_transaction`` instead: its subscriber queues tasks,
and records them in the outbox inside the same transaction so that no commit loses them.
After the commit, a receiver that fails is logged and does not keep the others from running;
the write has already succeeded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MembershipEnded:
    """Someone is no longer a member of a community: they left, or were removed."""

    community_id: int
    user_id: int
    reason: Literal["left", "removed"]


@dataclass(frozen=True)
class MembershipChanged:
    """Someone became a member of a community, or their role in it changed."""

    community_id: int
    user_id: int
    change: Literal["joined", "role"]


@dataclass(frozen=True)
class CommunityChanged:
    """A community changed what everyone may see of it: its kind, or it was deleted."""

    community_id: int
    change: Literal["kind", "deleted"]


@dataclass(frozen=True)
class CommunityEvent:
    """Something people are told about: a join request made or decided, an invitation made
    or settled (declined, revoked), a role changed by ``actor_id``; when a community's only
    owner is erased, its ownership passed on to someone, or the community left without an
    owner (platform administrators are told), and later its owner appointed by one of them."""

    kind: Literal[
        "join_request_created",
        "join_request_decided",
        "invitation_created",
        "invitation_settled",
        "role_changed",
        "ownership_passed",
        "owner_needed",
        "owner_appointed",
    ]
    object_id: int  # the JoinRequest, Invitation or Membership; for owner_needed the Community
    user_id: int | None  # the person it is about (None: the community itself, owner_needed)
    actor_id: int | None = None


@dataclass(frozen=True)
class PresenceHidden:
    """A person no longer lets colleagues see when they are online."""

    user_id: int


@dataclass(frozen=True)
class PersonDeactivated:
    """A person's account was deactivated (a leaver, provisioning)."""

    user_id: int


@dataclass(frozen=True)
class UnitsChanged:
    """These people now belong to another org unit, or their unit moved in the tree: what is
    addressed to an audience of units (a town hall) may no longer, or now, reach them."""

    user_ids: tuple[int, ...]


# Subscribers: hanse.chat (leaves the community's channels), hanse.notifications (drops the
# community's notifications and the cached bell count), hanse.realtime (re-checks topics).
membership_ended = Signal()
# Subscribers: hanse.realtime (re-checks the person's topics; a joined community's feed source).
membership_changed = Signal()
# Subscribers: hanse.realtime (re-checks every connection holding a topic of the community).
community_changed = Signal()
# Subscribers: hanse.notifications (tells the people concerned; recounts the bell).
community_event = Signal()
# Subscribers: hanse.realtime (forgets the person's current presence at once).
presence_hidden = Signal()
# Sent inside the deactivation's transaction (hanse.identity person_deactivate). Subscribers:
# hanse.circles (withdraws the person from rounds still being matched).
person_deactivated = Signal()
# Sent after the commit by hanse.people (a person's unit, a unit moved) and hanse.identity
# (SCIM group members). Subscribers: hanse.realtime (re-checks the people's topics).
units_changed = Signal()


def send(signal: Signal, event: Any) -> None:
    """Send now, to every receiver, whatever one of them raises."""
    for receiver, result in signal.send_robust(sender=type(event), event=event):
        if isinstance(result, Exception):
            logger.error(
                "Receiver %r of %s failed",
                receiver,
                type(event).__name__,
                exc_info=(type(result), result, result.__traceback__),
            )


def send_in_transaction(signal: Signal, event: Any) -> None:
    """Send now, inside the writer's transaction, for receivers that record durable work
    with the write (``hanse.jobs.outbox.enqueue_on_commit``) and act only after the commit.
    A receiver that fails fails the write: what it records must not be lost."""
    signal.send(sender=type(event), event=event)


def send_on_commit(signal: Signal, event: Any) -> None:
    """Send after the current transaction commits."""
    transaction.on_commit(lambda: send(signal, event))
