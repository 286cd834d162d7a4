"""One upvote per person on a town-hall question, even when the same person's upvotes arrive
at the same moment (PostgreSQL, real threads)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from hanse.core.errors import ServiceError
from hanse.participation.models import TownHallQuestion, TownHallUpvote
from hanse.participation.townhalls import (
    townhall_create,
    townhall_question_ask,
    townhall_upvote,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers, so there is no race to test; run on PostgreSQL "
    "(DATABASE_URL) to check the unique constraint of townhall_upvote.",
)


def _race(calls) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def _question(make_user, *, anonymous: bool):
    host, asker = make_user(), make_user(is_superuser=True)
    now = timezone.now()
    th = townhall_create(
        by=asker,
        title="Fragestunde",
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
        hosts=[host],
    )
    return townhall_question_ask(townhall=th, author=asker, body="Warum?", anonymous=anonymous)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("anonymous", [False, True])
def test_same_person_four_times_at_once_counts_once(make_user, anonymous):
    """Four simultaneous upvotes by one person: one counted, three refused clearly."""
    q = _question(make_user, anonymous=anonymous)
    voter = make_user()
    errors = _race([lambda: townhall_upvote(question=q, user=voter)] * 4)
    assert len(errors) == 3
    assert all(isinstance(e, ServiceError) and e.code == "already_upvoted" for e in errors)
    assert TownHallUpvote.objects.filter(question=q).count() == 1
    assert TownHallQuestion.objects.get(pk=q.pk).vote_count == 1


@pytest.mark.django_db(transaction=True)
def test_many_people_at_once_all_counted(make_user):
    """Eight people at the same moment: eight upvotes, the counter agrees with the rows."""
    q = _question(make_user, anonymous=True)
    voters = [make_user() for _ in range(8)]
    errors = _race([lambda v=v: townhall_upvote(question=q, user=v) for v in voters])
    assert errors == []
    assert TownHallUpvote.objects.filter(question=q).count() == 8
    assert TownHallQuestion.objects.get(pk=q.pk).vote_count == 8
