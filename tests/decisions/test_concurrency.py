"""A response racing the deadline is either in (recorded before it) or refused with a clear
message; never recorded after it. PostgreSQL and real threads."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from hanse.communities.models import Community
from hanse.communities.services import community_create, membership_add
from hanse.core.errors import ServiceError
from hanse.decisions.models import Proposal, Response
from hanse.decisions.services import DEADLINE_PASSED, proposal_create, proposal_respond

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers, so there is no race to test; run on PostgreSQL.",
)


@pytest.mark.django_db(transaction=True)
def test_responses_racing_the_deadline(make_user):
    """Eight people respond around the deadline: each is in before it or refused clearly."""
    proposer = make_user()
    people = [make_user() for _ in range(8)]
    community = community_create(
        by=proposer, name="Rennen", kind=Community.Kind.PRIVATE, description="x"
    )
    for person in people:
        membership_add(community=community, user=person)
    proposal = proposal_create(
        proposer=proposer,
        community=community,
        title="Frist",
        text="Text",
        deadline=timezone.now() + timedelta(seconds=3),
    )
    deadline = Proposal.objects.get(pk=proposal.pk).deadline
    start = threading.Barrier(len(people))
    outcomes: dict[int, str] = {}

    def respond(index: int) -> None:
        try:
            start.wait(timeout=10)
            # Spread the responses over the deadline: half before, half after.
            target = deadline + timedelta(milliseconds=400 * (index - 4) + 150)
            time.sleep(max(0.0, (target - timezone.now()).total_seconds()))
            proposal_respond(proposal=proposal, user=people[index], kind="consent")
            outcomes[index] = "in"
        except ServiceError as exc:
            outcomes[index] = exc.code
            assert str(exc.message) == str(DEADLINE_PASSED)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=respond, args=(i,)) for i in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == len(people)
    assert set(outcomes.values()) <= {"in", "deadline_passed"}
    assert "in" in outcomes.values() and "deadline_passed" in outcomes.values()
    stored = list(Response.objects.filter(proposal=proposal))
    assert len(stored) == list(outcomes.values()).count("in")
    assert all(r.responded_at < deadline for r in stored)


@pytest.mark.django_db(transaction=True)
def test_same_person_twice_at_once_one_row(make_user):
    proposer, person = make_user(), make_user()
    community = community_create(by=proposer, name="Doppel", kind="open", description="x")
    membership_add(community=community, user=person)
    proposal = proposal_create(
        proposer=proposer,
        community=community,
        title="T",
        text="Text",
        deadline=timezone.now() + timedelta(days=1),
    )
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def respond(kind: str) -> None:
        try:
            barrier.wait(timeout=10)
            proposal_respond(proposal=proposal, user=person, kind=kind)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=respond, args=(k,)) for k in
               ("consent", "abstain", "consent", "abstain")]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Response.objects.filter(proposal=proposal).count() == 1
