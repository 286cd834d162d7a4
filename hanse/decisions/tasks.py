"""Background work of consent decisions: a new response (or objection) told to the proposer,
an amendment told to those who responded ("please look again"), the outcome told to all who
responded, and the scheduler's deadline and review-date notices. Each writes its
notifications with a ledger row (``notify_once``): a task run twice tells nobody twice; the
``notify_*`` tasks' bodies are ``notify_or_retry`` (hanse/notifications/tasks.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from hanse.decisions import selectors
from hanse.decisions.models import Proposal, Response
from hanse.notifications.due import notify_once_per_due_date
from hanse.notifications.services import notify
from hanse.notifications.tasks import Once, notify_or_retry
from hanse.people.models import User


def _responders(proposal: Proposal) -> list[User]:
    ids = Response.objects.filter(proposal=proposal).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _data(proposal: Proposal, **extra: Any) -> dict[str, Any]:
    return {"title": proposal.title[:200], "proposal": proposal.pk, **extra}


@task()
def notify_response(response_id: int, stamp: str, attempt: int = 1) -> int:
    """Tell the proposer about a response; an objection as its own, more urgent type."""
    return notify_or_retry(
        notify_response,
        [response_id, stamp],
        attempt,
        f"Response {response_id}",
        lambda: _response(response_id, stamp),
    )


def _response(response_id: int, stamp: str) -> list[Once]:
    response = (
        Response.objects.select_related(
            "proposal", "proposal__community", "proposal__proposer", "user"
        )
        .filter(pk=response_id)
        .first()
    )
    if response is None:
        return []
    proposal = response.proposal
    kind = "proposal_objection" if response.kind == Response.Kind.OBJECTION else "proposal_response"
    return [
        Once(
            f"decisions.response:{response_id}:{stamp}",
            lambda: notify(
                type_key=kind,
                recipients=[proposal.proposer],
                actor=response.user,
                community=proposal.community,
                target=proposal,
                group_key="" if kind == "proposal_objection" else f"proposal:{proposal.pk}",
                data=_data(proposal, kind=response.kind, reason=response.reason[:300]),
            ),
        )
    ]


@task()
def notify_opened(proposal_id: int, attempt: int = 1) -> int:
    """Ask those who decide (the named group, else the community's members) for their
    response to a new proposal; the proposer is not told about their own."""
    return notify_or_retry(
        notify_opened,
        [proposal_id],
        attempt,
        f"New proposal {proposal_id}",
        lambda: _opened(proposal_id),
    )


def _opened(proposal_id: int) -> list[Once]:
    proposal = (
        Proposal.objects.select_related("community", "proposer").filter(pk=proposal_id).first()
    )
    if proposal is None or proposal.status != Proposal.Status.OPEN:
        return []
    return [
        Once(
            f"decisions.opened:{proposal_id}",
            lambda: notify(
                type_key="proposal_opened",
                recipients=selectors.deciders_of(proposal)
                .exclude(pk=proposal.proposer_id)
                .order_by("pk"),
                actor=proposal.proposer,
                community=proposal.community,
                target=proposal,
                data=_data(proposal),
            ),
        )
    ]


@task()
def notify_amended(proposal_id: int, version: int, attempt: int = 1) -> int:
    """Ask those who responded to an earlier version to look again."""
    return notify_or_retry(
        notify_amended,
        [proposal_id, version],
        attempt,
        f"Amendment of {proposal_id}",
        lambda: _amended(proposal_id, version),
    )


def _amended(proposal_id: int, version: int) -> list[Once]:
    proposal = (
        Proposal.objects.select_related("community", "proposer").filter(pk=proposal_id).first()
    )
    if proposal is None:
        return []
    return [
        Once(
            f"decisions.amended:{proposal_id}:{version}",
            lambda: notify(
                type_key="proposal_amended",
                recipients=_responders(proposal),
                actor=proposal.proposer,
                community=proposal.community,
                target=proposal,
                data=_data(proposal, version=version),
            ),
        )
    ]


@task()
def notify_decided(proposal_id: int, attempt: int = 1) -> int:
    """Tell everyone who responded what was decided."""
    return notify_or_retry(
        notify_decided,
        [proposal_id],
        attempt,
        f"Outcome of {proposal_id}",
        lambda: _decided(proposal_id),
    )


def _decided(proposal_id: int) -> list[Once]:
    proposal = (
        Proposal.objects.select_related("community", "proposer").filter(pk=proposal_id).first()
    )
    if proposal is None or proposal.status != Proposal.Status.DECIDED:
        return []
    return [
        Once(
            f"decisions.decided:{proposal_id}",
            lambda: notify(
                type_key="proposal_decided",
                recipients=_responders(proposal),
                actor=proposal.proposer,
                community=proposal.community,
                target=proposal,
                data=_data(proposal, outcome=proposal.outcome),
            ),
        )
    ]


@task()
def send_deadline_notices() -> int:
    """Tell proposers whose deadline has passed that the outcome is theirs to write (once)."""
    return notify_once_per_due_date(
        Proposal.objects.filter(status=Proposal.Status.OPEN).select_related(
            "community", "proposer"
        ),
        due_field="deadline",
        until=timezone.now(),
        sent_field="deadline_notified_at",
        ledger="decisions.deadline",
        send=lambda proposal: notify(
            type_key="proposal_deadline",
            recipients=[proposal.proposer],
            community=proposal.community,
            target=proposal,
            data=_data(proposal),
        ),
    )


def _review_due(proposal: Proposal) -> list[Any]:
    people = {p.pk: p for p in _responders(proposal)}
    people[proposal.proposer_id] = proposal.proposer
    return notify(
        type_key="decision_review_due",
        recipients=list(people.values()),
        community=proposal.community,
        target=proposal,
        data=_data(proposal),
    )


@task()
def send_decision_review_reminders() -> int:
    """On a decision's review date, remind the proposer and all who responded (once)."""
    return notify_once_per_due_date(
        Proposal.objects.filter(status=Proposal.Status.DECIDED).select_related(
            "community", "proposer"
        ),
        due_field="review_on",
        until=timezone.localdate(),
        sent_field="review_notified_at",
        ledger="decisions.review",
        send=_review_due,
    )
