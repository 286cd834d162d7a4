"""What people search for and do not find: counted per month by distinct people, never with
the person, withheld below the minimum group, deleted with the raw edges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from hanse.analytics import services
from hanse.analytics.compute import compute_period
from hanse.analytics.models import Aggregate, AnalyticsSettings, MissedSearch
from hanse.core import interactions
from hanse.people.models import User

MONTH = dt.date(2026, 3, 1)


def test_a_search_without_results_is_noted_without_the_person(
    make_user: Callable[..., User], client_for: Any, enabled: AnalyticsSettings
) -> None:
    person = make_user("sucher")
    client = client_for(person)
    assert client.get(reverse("search:results"), {"q": "Quxvorlage  Zwölf"}).status_code == 200
    client.get(reverse("search:results"), {"q": "quxvorlage zwölf"})  # the same, once
    (row,) = MissedSearch.objects.all()
    assert row.text == "quxvorlage zwölf"
    assert row.month == timezone.localdate().replace(day=1)
    # No id, name or username of the person in the row.
    values = {str(v) for v in MissedSearch.objects.values_list("month", "text", "searcher")[0]}
    assert not values & {str(person.pk), person.username, person.email}


def test_off_nothing_is_noted(make_user: Callable[..., User], client_for: Any, db: None) -> None:
    AnalyticsSettings.objects.update_or_create(pk=1, defaults={"enabled": False})
    client_for(make_user("sucher")).get(reverse("search:results"), {"q": "quxvorlage"})
    assert not MissedSearch.objects.exists()


def _searched(people: list[User], text: str, day: dt.date) -> None:
    for person in people:
        interactions.search_missed(person.pk, text, day)


def test_shown_only_from_enough_people_and_months_only(
    make_user: Callable[..., User], enabled: AnalyticsSettings, analyst: User, client_for: Any
) -> None:
    people = [make_user(f"s{i}") for i in range(5)]
    _searched(people, "Reisekostenformular", dt.date(2026, 3, 3))
    _searched(people[:4], "Betriebsrat Sprechstunde", dt.date(2026, 3, 4))
    _searched(people[:1] * 9, "Kantine", dt.date(2026, 3, 5))  # one person, nine times
    compute_period("month", MONTH, min_group=5)
    compute_period("week", dt.date(2026, 3, 2), min_group=5)
    shown = dict(
        Aggregate.objects.filter(dimension="search", hidden=False).values_list("key", "people")
    )
    assert shown == {"reisekostenformular": 5}
    assert not Aggregate.objects.filter(dimension="search", period="week").exists()
    assert Aggregate.objects.get(dimension="search", key="kantine").people == 1
    csv_text = (
        client_for(analyst)
        .get(reverse("analytics:export", args=["searches"]), {"period": "month"})
        .content.decode("utf-8-sig")
    )
    assert "reisekostenformular;5" in csv_text
    assert "betriebsrat" not in csv_text and "kantine" not in csv_text
    page = client_for(analyst).get(reverse("analytics:dashboard"), {"period": "month"})
    assert "reisekostenformular" in page.content.decode()


def test_folded_and_deleted_with_the_raw_edges(
    make_user: Callable[..., User], enabled: AnalyticsSettings
) -> None:
    people = [make_user(f"s{i}") for i in range(5)]
    _searched(people, "Reisekostenformular", dt.date(2026, 3, 3))
    _searched(people, "Urlaubsantrag", dt.date(2026, 11, 3))
    services.edges_expire(today=dt.date(2026, 12, 6))
    # March is past the 90 days: computed, then its notes deleted; November stays.
    assert list(MissedSearch.objects.values_list("text", flat=True).distinct()) == ["urlaubsantrag"]
    assert (
        Aggregate.objects.get(
            period="month", start=MONTH, dimension="search", key="reisekostenformular"
        ).people
        == 5
    )


def test_erasure_takes_the_persons_searches_and_leaves_the_others(
    make_user: Callable[..., User], enabled: AnalyticsSettings
) -> None:
    """The keyed hash can be recomputed by the server, so the rows are the person's data: an
    erasure (either policy) removes theirs and nobody else's."""
    from hanse.core import personal_data

    leaving, staying, pseudonym = make_user("geht"), make_user("bleibt"), make_user("former")
    _searched([leaving, staying], "quxvorlage", MONTH)
    _searched([leaving], "quxplan", MONTH.replace(month=4))
    (eraser,) = [e for e in personal_data.all_erasers() if e.key == "analytics"]
    assert eraser.erase is not None
    counts = eraser.erase(leaving, personal_data.Erasure("pseudonymise", pseudonym))
    assert counts["missed_searches"] == 2
    assert list(MissedSearch.objects.values_list("text", flat=True)) == ["quxvorlage"]
