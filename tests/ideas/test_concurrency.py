"""Supporting twice at the same moment counts once (PostgreSQL, real threads)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from hanse.ideas.models import Idea, IdeaSupport
from hanse.ideas.services import idea_create, idea_support

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers, so there is no race to test; run on PostgreSQL.",
)


def race(action: Callable[[], Any], times: int) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(times)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(action())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_supporting_twice_at_once_counts_once(make_user):
    """Four simultaneous clicks by one person: one support row, the counter says one."""
    author, fan = make_user(), make_user()
    idea = idea_create(author=author, title="Weniger Papier", description="Tablets.")
    results, errors = race(lambda: idea_support(idea=idea, user=fan), 4)
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert IdeaSupport.objects.filter(idea=idea).count() == 1
    assert Idea.objects.get(pk=idea.pk).support_count == 1


@pytest.mark.django_db(transaction=True)
def test_many_people_at_once_all_count(make_user):
    author = make_user()
    fans = [make_user() for _ in range(6)]
    idea = idea_create(author=author, title="Weniger Papier", description="Tablets.")
    it = iter(fans)
    lock = threading.Lock()

    def support() -> bool:
        with lock:
            fan = next(it)
        return idea_support(idea=idea, user=fan)

    results, errors = race(support, 6)
    assert errors == [] and all(results)
    assert Idea.objects.get(pk=idea.pk).support_count == 6 == IdeaSupport.objects.count()


@pytest.mark.django_db(transaction=True)
def test_vote_budget_holds_when_clicks_race(make_user, make_community):
    """One person supports five ideas of a campaign with two supports at the same moment:
    two count, three are refused with the budget message, the counters agree."""
    from hanse.core.errors import ServiceError
    from hanse.ideas.services import campaign_create

    owner, author, fan = make_user(), make_user(), make_user()
    community = make_community("open", owner=owner, members=(author, fan))
    campaign = campaign_create(
        by=owner, community=community, question="Papier sparen?", support_budget=2
    )
    ideas = [
        idea_create(author=author, campaign=campaign, title=f"Idee {i}", description="D")
        for i in range(5)
    ]
    it = iter(ideas)
    lock = threading.Lock()

    def support() -> bool:
        with lock:
            idea = next(it)
        return idea_support(idea=idea, user=fan)

    results, errors = race(support, 5)
    assert results == [True, True]
    assert len(errors) == 3
    assert all(isinstance(e, ServiceError) and e.code == "budget_spent" for e in errors)
    assert IdeaSupport.objects.filter(user=fan).count() == 2
    assert sum(Idea.objects.values_list("support_count", flat=True)) == 2
