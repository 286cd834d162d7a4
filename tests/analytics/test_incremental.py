"""The daily run adds only the days since its last run, and stores exactly what a full
recomputation from the raw edges stores (figures and suppression flags); interactions recorded
late for a past day make that day's week and month be computed again."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from hanse.analytics.compute import compute_period, condense, condensed_counts
from hanse.analytics.models import (
    Aggregate,
    AnalyticsSettings,
    EdgeDay,
    InteractionEdge,
    LateDay,
    PeriodState,
)
from hanse.analytics.org import load_org
from hanse.analytics.periods import period_end
from hanse.analytics.recording import EdgeSink
from hanse.analytics.state import Condensed, read_pairs
from hanse.analytics.tasks import periods_due, run_daily
from hanse.core.interactions import Edge
from hanse.people.models import User

FIRST = dt.date(2026, 2, 23)  # a Monday; the days run into March
MIN_GROUP = 3


@pytest.fixture
def people(org: dict[str, Any], make_user: Callable[..., User]) -> list[User]:
    """Fourteen people: IT (6, head office), Mölln (5, its branch), Private (3, head office)."""
    units = [
        (org["it_ops"], org["head_office"], 6),
        (org["moelln"], org["moelln_location"], 5),
        (org["private"], org["head_office"], 3),
    ]
    found = []
    for unit, location, n in units:
        for _ in range(n):
            found.append(make_user(f"p{len(found)}", org_unit=unit, location=location))
    return found


@pytest.fixture
def on(enabled: AnalyticsSettings) -> AnalyticsSettings:
    """Analytics on, with a minimum group small enough for some figures to show."""
    enabled.min_group = MIN_GROUP
    enabled.save(update_fields=["min_group"])
    return enabled


def _edges(people: list[User], day: dt.date, rng: random.Random, n: int) -> list[InteractionEdge]:
    found = {}
    for _ in range(n):
        a, b = rng.sample(people, 2)
        kind = rng.choice(["dm", "comment", "event"])
        found[(kind, min(a.pk, b.pk), max(a.pk, b.pk))] = InteractionEdge(
            kind=kind, a_id=min(a.pk, b.pk), b_id=max(a.pk, b.pk), day=day
        )
    return list(found.values())


def stored(periods: set[tuple[str, dt.date]] | None = None) -> dict[tuple[Any, ...], Any]:
    rows = Aggregate.objects.values_list(
        "period", "start", "dimension", "measure", "key", "key2", "value", "people", "hidden"
    )
    return {r[:6]: r[6:] for r in rows if periods is None or (r[0], r[1]) in periods}


def recompute_from_scratch(periods: list[tuple[str, dt.date]], today: dt.date) -> None:
    """What `analytics_recompute` does, with nothing kept from before."""
    Aggregate.objects.all().delete()
    EdgeDay.objects.all().delete()
    PeriodState.objects.all().delete()
    org = load_org()
    for period, start in periods:
        compute_period(period, start, min_group=MIN_GROUP, org=org, today=today)


def _computed() -> list[tuple[str, dt.date]]:
    found = Aggregate.objects.values_list("period", "start").distinct()
    return sorted(set(found), key=lambda p: (p[1], p[0] == "month"))


@pytest.mark.parametrize("seed", [1, 2])
def test_the_daily_runs_store_what_a_full_recomputation_stores(
    people: list[User], on: AnalyticsSettings, seed: int
) -> None:
    """Twenty nights, each adding its day's edges: every week and month computed on the way
    (closed and open, with their suppression flags) equals a recomputation from the edges."""
    rng = random.Random(seed)
    today = FIRST
    for _night in range(20):
        InteractionEdge.objects.bulk_create(_edges(people, today, rng, rng.randrange(0, 25)))
        today += dt.timedelta(days=1)
        assert run_daily(today) > 0
    incremental = stored()
    assert any(hidden for _v, _p, hidden in incremental.values())  # suppression took part
    assert any(not hidden for _v, _p, hidden in incremental.values())
    periods = _computed()
    assert ("month", dt.date(2026, 3, 1)) in periods and ("week", FIRST) in periods
    # The open month was added to day by day, not rebuilt.
    assert PeriodState.objects.get(period="month", start=dt.date(2026, 3, 1)).data
    recompute_from_scratch(periods, today)
    assert stored() == incremental


def test_a_person_moving_units_rebuilds_the_state(
    people: list[User], on: AnalyticsSettings, org: dict[str, Any]
) -> None:
    """The kept state says which unit each person was in: after a move the open periods are
    computed from their edges again, as a recomputation would."""
    rng = random.Random(7)
    today = dt.date(2026, 3, 2)
    for _night in range(4):
        InteractionEdge.objects.bulk_create(_edges(people, today, rng, 20))
        today += dt.timedelta(days=1)
        run_daily(today)
    moved = people[0]
    moved.org_unit = org["private"]
    moved.save(update_fields=["org_unit"])
    InteractionEdge.objects.bulk_create(_edges(people, today, rng, 20))
    today += dt.timedelta(days=1)
    run_daily(today)
    open_periods = {("week", dt.date(2026, 3, 2)), ("month", dt.date(2026, 3, 1))}
    incremental = stored(open_periods)
    recompute_from_scratch(sorted(open_periods, key=lambda p: p[0] == "month"), today)
    assert stored(open_periods) == incremental


def test_an_interaction_recorded_late_recomputes_its_week_and_month(
    people: list[User], on: AnalyticsSettings
) -> None:
    """An event's co-attendance recorded after the event: the sink marks the day, the next
    run computes its week and month again (in full), and stores what a recomputation does."""
    rng = random.Random(3)
    today = timezone.localdate()
    first = today - dt.timedelta(days=12)
    day = first
    while day < today:
        InteractionEdge.objects.bulk_create(_edges(people, day, rng, 15))
        day += dt.timedelta(days=1)
        run_daily(day)
    late_day = first + dt.timedelta(days=2)
    late_week = ("week", late_day - dt.timedelta(days=late_day.weekday()))
    a, b = people[1], people[8]
    before = Aggregate.objects.get(
        period="week", start=late_week[1], dimension="org", measure="interactions"
    ).value
    assert not InteractionEdge.objects.filter(kind="event", a=a, b=b, day=late_day).exists()
    EdgeSink()([Edge(kind="event", a_id=a.pk, b_id=b.pk, day=late_day)])
    assert list(LateDay.objects.values_list("day", flat=True)) == [late_day]
    assert late_week in periods_due(today + dt.timedelta(days=1), {late_day})
    run_daily(today + dt.timedelta(days=1))
    assert not LateDay.objects.exists()
    after = Aggregate.objects.get(
        period="week", start=late_week[1], dimension="org", measure="interactions"
    ).value
    assert after == before + 1
    incremental = stored()
    recompute_from_scratch(_computed(), today + dt.timedelta(days=1))
    assert stored() == incremental


def test_an_interaction_of_today_is_not_late(people: list[User], on: AnalyticsSettings) -> None:
    """Interactions of today are counted by tomorrow's run as it is: nothing is marked."""
    a, b = people[0], people[1]
    EdgeSink()([Edge(kind="dm", a_id=a.pk, b_id=b.pk, day=timezone.localdate())])
    assert InteractionEdge.objects.count() == 1
    assert not LateDay.objects.exists()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_state_condenses_as_the_database_does(people: list[User], seed: int) -> None:
    """The state the daily run adds days to gives the set-based SQL condensation, whether
    built at once, a day at a time, or merged from days condensed on their own."""
    rng = random.Random(seed)
    start, end = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
    for i in range(31):
        InteractionEdge.objects.bulk_create(
            _edges(people, start + dt.timedelta(days=i), rng, rng.randrange(0, 8))
        )
    org = load_org()
    at_once = Condensed()
    at_once.add(read_pairs(start, end), org)
    by_day, merged = Condensed(), Condensed()
    for i in range(31):
        day = start + dt.timedelta(days=i)
        by_day = Condensed.loads(by_day.dumps())
        by_day.add(read_pairs(day, day + dt.timedelta(days=1)), org)
        one_day = Condensed()  # what a run condenses once for a week and its month
        one_day.add(read_pairs(day, day + dt.timedelta(days=1)), org)
        merged.merge(one_day)
    expected = condense(start, end, org)
    assert condensed_counts(at_once.parts()) == expected
    assert condensed_counts(by_day.parts()) == expected
    assert condensed_counts(merged.parts()) == expected


def test_retention_and_erasure_drop_the_kept_state(
    people: list[User], on: AnalyticsSettings
) -> None:
    """What the daily run keeps holds person ids: it goes with the raw edges, and when a
    person is erased (rebuilt from the remaining edges by the next run)."""
    from hanse.analytics import services
    from hanse.core import personal_data

    rng = random.Random(5)
    day = dt.date(2026, 3, 2)
    InteractionEdge.objects.bulk_create(_edges(people, day, rng, 20))
    run_daily(day + dt.timedelta(days=1))
    assert EdgeDay.objects.filter(day=day).exists()
    assert PeriodState.objects.exclude(data="").exists()
    services.edges_expire(today=day + dt.timedelta(days=200))
    assert not InteractionEdge.objects.exists()
    assert not EdgeDay.objects.exists() and not PeriodState.objects.exists()

    InteractionEdge.objects.bulk_create(_edges(people, day, rng, 20))
    run_daily(day + dt.timedelta(days=1))
    (eraser,) = [e for e in personal_data.all_erasers() if e.key == "analytics"]
    assert eraser.erase is not None
    eraser.erase(people[0], personal_data.Erasure(personal_data.DELETE, people[-1]))
    assert not EdgeDay.objects.exists()
    assert not PeriodState.objects.exclude(data="").exists()


def _adopted() -> dict[tuple[str, dt.date], tuple[float, int, bool]]:
    rows = Aggregate.objects.filter(dimension="org", measure="adopted").values_list(
        "period", "start", "value", "people", "hidden"
    )
    return {(p, s): (v, n, h) for p, s, v, n, h in rows}


def test_a_late_first_interaction_updates_the_adoption_of_every_later_period(
    people: list[User], on: AnalyticsSettings
) -> None:
    """Someone who had never taken part gets an interaction recorded late, for a day weeks
    back: the next night the adoption figure ("took part so far") of that day's week and month
    and of every complete week and month after it says what a recomputation says, without
    computing those periods again."""
    rng = random.Random(11)
    newcomer = people[-1]
    others = people[:-1]
    today = timezone.localdate()
    first = today - dt.timedelta(days=40)
    day = first
    while day < today:
        InteractionEdge.objects.bulk_create(_edges(others, day, rng, 10))
        day += dt.timedelta(days=1)
        run_daily(day)
    before = _adopted()
    late_day = first + dt.timedelta(days=3)
    later = {p for p in before if period_end(*p) > late_day}
    assert len([p for p in later if p[0] == "week" and p[1] > late_day]) >= 4
    EdgeSink()([Edge(kind="event", a_id=others[0].pk, b_id=newcomer.pk, day=late_day)])
    run_daily(today + dt.timedelta(days=1))
    incremental = stored()
    after = _adopted()
    # Every week and month from the late day on counts the newcomer now.
    for key, (value, _people, _hidden) in before.items():
        assert after[key][0] == value + (1 if key in later else 0), key
    recompute_from_scratch(_computed(), today + dt.timedelta(days=1))
    assert _adopted() == after
    assert stored() == incremental
