"""Creating notifications in the background (django-tasks), once per event.

Apps queue their own ``notify_*`` tasks after their transaction commits (the stream's are in
hanse/posts/tasks.py, chat's and events' in theirs); what communities announce
(hanse.core.signals.community_event) is picked up here. Nothing here runs in a request.

``notify_*`` tasks load the object (and stop quietly if it is gone), call an ``on_*`` hook
through :func:`notify_once` and queue the delivery (hanse/notifications/delivery.py). Each
runs inside one transaction together with a ledger row whose key names the event
(hanse/jobs/once.py), so running a task twice (a retry, a worker killed half-way and
recovered) creates nothing twice. Every app's ``notify_*`` task has that one shape, so its
body is :func:`notify_or_retry`: the task names what it loads and which events it tells.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import transaction
from django_tasks import task

from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.jobs import once, queues
from hanse.jobs.outbox import enqueue_on_commit
from hanse.jobs.retry import retry as _retry
from hanse.notifications import selectors, services
from hanse.notifications.delivery import queue_delivery_on_commit
from hanse.notifications.models import (
    Notification,
)
from hanse.people.models import User

if TYPE_CHECKING:
    from django_tasks.base import Task

    from hanse.core.signals import CommunityEvent, MembershipEnded

logger = logging.getLogger(__name__)


# --- creating notifications ---------------------------------------------------------------


def notify_once(key: str, hook: Callable[[], list[Notification]]) -> bool:
    """Run the hook once per event key, in one transaction with the ledger row, then queue
    the delivery after commit. False when the event was handled before."""
    with once.run_once(key) as first:
        if not first:
            return False
        made = hook()
        queue_delivery_on_commit([n.pk for n in made])
    return True


class Once(NamedTuple):
    """One event a task tells about: the ledger key that names it, and the hook that writes
    its notifications (run at most once per key)."""

    key: str
    hook: Callable[[], list[Notification]]


def notify_or_retry(
    task_obj: Task[Any, Any],
    args: Sequence[Any],
    attempt: int,
    what: str,
    events: Callable[[], Iterable[Once]],
) -> int:
    """The body of a ``notify_*`` task. ``events`` loads the objects and names the events to
    tell (none when the objects are gone; a generator may load more between events); each
    is told through :func:`notify_once`. Any failure, loading included, queues the task
    again with ``args`` (hanse.jobs.retry.retry; ``what`` names it in the log) and returns 0.
    Returns how many notifications this run made: 0 for events told before."""
    try:
        made = 0
        for event in events():

            def counted(hook: Callable[[], list[Notification]] = event.hook) -> list[Notification]:
                nonlocal made
                found = hook()
                made += len(found)
                return found

            notify_once(event.key, counted)
        return made
    except Exception:
        _retry(task_obj, args, attempt, what)
        return 0


COMMUNITY_EVENTS = (
    "join_request_created",
    "join_request_decided",
    "invitation_created",
    "role_changed",
    "ownership_passed",
    "owner_needed",
    "owner_appointed",
)
# Events that can happen again to the same object (a role changes twice; a community is left
# without an owner a second time): each one is its own event, with a key of its own.
REPEATING_EVENTS = frozenset(
    {"role_changed", "ownership_passed", "owner_needed", "owner_appointed"}
)


def _community_event(kind: str, object_id: int, actor_id: int | None, event_key: str) -> list[Once]:
    if kind in ("join_request_created", "join_request_decided"):
        request = (
            JoinRequest.objects.select_related("community", "user", "decided_by")
            .filter(pk=object_id)
            .first()
        )
        if request is None:
            return []
        if kind == "join_request_created":
            if request.status != JoinRequest.Status.PENDING:
                return []  # settled (or withdrawn) before the moderators were told
            return [Once(f"{kind}:{object_id}", lambda: services.on_join_request_created(request))]
        return [
            Once(
                f"{kind}:{object_id}:{request.status}",
                lambda: services.on_join_request_decided(request),
            )
        ]
    if kind == "invitation_created":
        invitation = (
            Invitation.objects.select_related("community", "invitee", "invited_by")
            .filter(pk=object_id)
            .first()
        )
        if invitation is None or invitation.status != Invitation.Status.PENDING:
            return []
        return [Once(f"{kind}:{object_id}", lambda: services.on_invitation_created(invitation))]
    if kind == "role_changed":
        membership = (
            Membership.objects.select_related("community", "user").filter(pk=object_id).first()
        )
        by = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
        if membership is None or by is None:
            return []
        return [
            Once(
                f"{kind}:{object_id}:{event_key}", lambda: services.on_role_changed(membership, by)
            )
        ]
    if kind == "ownership_passed":
        owner = Membership.objects.select_related("community", "user").filter(pk=object_id).first()
        if owner is None:
            return []
        # None when the command erased (no administrator asked): the new owner is told anyway.
        asked_by = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
        return [
            Once(
                f"{kind}:{object_id}:{event_key}",
                lambda: services.on_ownership_passed(owner, asked_by),
            )
        ]
    if kind == "owner_appointed":
        appointed = (
            Membership.objects.select_related("community", "user").filter(pk=object_id).first()
        )
        appointer = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
        if appointed is None or appointer is None:
            return []
        return [
            Once(
                f"{kind}:{object_id}:{event_key}",
                lambda: services.on_owner_appointed(appointed, appointer),
            )
        ]
    if kind == "owner_needed":
        community = Community.objects.filter(pk=object_id).first()
        if community is None:
            return []
        return [
            Once(f"{kind}:{object_id}:{event_key}", lambda: services.on_owner_needed(community))
        ]
    raise ValueError(f"Unknown community event {kind!r}.")


@task(queue_name=queues.LIVE)
def notify_community_event(
    kind: str,
    object_id: int,
    actor_id: int | None = None,
    event_key: str = "",
    attempt: int = 1,
) -> None:
    """Join requests (to moderators), decisions, invitations, role changes, a community
    handed on or left without an owner when its only owner was erased, and its appointed
    owner."""
    notify_or_retry(
        notify_community_event,
        [kind, object_id, actor_id, event_key],
        attempt,
        f"Notifying {kind} {object_id}",
        lambda: _community_event(kind, object_id, actor_id, event_key),
    )


@task()
def notify_membership_ended(community_id: int, user_id: int, attempt: int = 1) -> None:
    """Someone left or was removed: their level for the community is forgotten (unless they
    have joined again in the meantime)."""
    try:
        if Membership.objects.filter(community_id=community_id, user_id=user_id).exists():
            return
        community = Community.objects.filter(pk=community_id).first()
        user = User.objects.filter(pk=user_id).first()
        if community is None or user is None:
            return
        services.on_membership_ended(community=community, user=user)
    except Exception:
        _retry(
            notify_membership_ended,
            [community_id, user_id],
            attempt,
            f"Ending notifications of {user_id} in {community_id}",
        )


def community_event(kind: str, object_id: int, *, actor_id: int | None = None) -> None:
    """Queue a community event through the outbox (called inside the service's transaction,
    so the event is recorded with the write)."""
    if kind not in COMMUNITY_EVENTS:
        raise ValueError(f"Unknown community event {kind!r}.")
    event_key = uuid.uuid4().hex if kind in REPEATING_EVENTS else ""
    enqueue_on_commit(notify_community_event, kind, object_id, actor_id, event_key)


def on_community_event(sender: Any, event: CommunityEvent, **kwargs: Any) -> None:
    """Receiver of hanse.core.signals.community_event (inside the writer's transaction)."""
    if event.kind == "invitation_settled":
        # The invitation's notification may no longer be shown: recount the bell.
        user_ids = [event.user_id] if event.user_id is not None else []
        transaction.on_commit(lambda: selectors.forget_unread_counts(user_ids))
    else:
        community_event(event.kind, event.object_id, actor_id=event.actor_id)


def on_membership_ended(sender: Any, event: MembershipEnded, **kwargs: Any) -> None:
    """Receiver of hanse.core.signals.membership_ended (after commit): the bell stops counting
    the community's notifications at once, and the rest is cleaned up in the background."""
    selectors.forget_unread_counts([event.user_id])
    # Sent after the commit (chat and open WebSockets must not act before it): the outbox
    # row is written at once, so a queue that is away loses nothing, the relay queues it.
    enqueue_on_commit(notify_membership_ended, event.community_id, event.user_id)
