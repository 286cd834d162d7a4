"""One vote per person, even when the same person's two votes arrive at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from hanse.core.errors import ServiceError
from hanse.participation.models import Poll, PollOption, PollVote, PollVoter
from hanse.participation.services import poll_create, poll_vote

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers, so there is no race to test; run on PostgreSQL "
    "(DATABASE_URL) to check the unique constraint and the row lock of poll_vote.",
)


def _race(poll: Poll, voter, choices: list[list[int]]) -> list[BaseException]:
    barrier = threading.Barrier(len(choices))
    errors: list[BaseException] = []

    def cast(option_ids):
        try:
            barrier.wait(timeout=10)
            poll_vote(poll=poll, voter=voter, option_ids=option_ids)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast, args=(c,)) for c in choices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.django_db(transaction=True)
def test_anonymous_double_vote_counts_once(make_user):
    """Four simultaneous votes by one person: one counted, three refused clearly."""
    author, voter = make_user(), make_user()
    poll = poll_create(author=author, question="Q?", options=["a", "b"], anonymous=True)
    ids = list(poll.options.values_list("pk", flat=True))
    errors = _race(poll, voter, [[ids[0]], [ids[1]], [ids[0]], [ids[1]]])
    assert len(errors) == 3
    assert all(isinstance(e, ServiceError) and e.code == "already_voted" for e in errors)
    assert PollVoter.objects.count() == 1
    assert sum(PollOption.objects.values_list("anonymous_count", flat=True)) == 1
    assert Poll.objects.get(pk=poll.pk).voter_count == 1


@pytest.mark.django_db(transaction=True)
def test_named_double_vote_keeps_one_voter(make_user):
    """Simultaneous named votes: the last one wins, the person is counted once."""
    author, voter = make_user(), make_user()
    poll = poll_create(author=author, question="Q?", options=["a", "b"])
    ids = list(poll.options.values_list("pk", flat=True))
    errors = _race(poll, voter, [[ids[0]], [ids[1]], [ids[0]], [ids[1]]])
    assert errors == []
    assert PollVoter.objects.count() == 1
    assert PollVote.objects.count() == 1
    assert Poll.objects.get(pk=poll.pk).voter_count == 1


@pytest.mark.django_db(transaction=True)
def test_many_people_at_once_all_counted(make_user):
    """Eight people vote at the same moment: every vote is counted exactly once."""
    author = make_user()
    people = [make_user() for _ in range(8)]
    poll = poll_create(author=author, question="Q?", options=["a", "b"], anonymous=True)
    option = poll.options.first()
    assert option is not None
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def cast(person):
        try:
            barrier.wait(timeout=10)
            poll_vote(poll=poll, voter=person, option_ids=[option.pk])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    option.refresh_from_db()
    assert option.anonymous_count == 8
    assert Poll.objects.get(pk=poll.pk).voter_count == 8
