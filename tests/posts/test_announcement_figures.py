"""Must-read figures follow the minimum group rule everywhere, totals included (issue 9.7):
no figure about who read or confirmed counts fewer than five people, and no difference of
shown figures (total minus the units shown) does either."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group

from hanse.core.privacy import MIN_GROUP_SIZE, group_count
from hanse.posts.selectors.announcements import announcement_stats
from hanse.posts.services.announcements import announcement_confirm, announcement_create

pytestmark = pytest.mark.django_db

API = "/api/v1/announcements"


@pytest.fixture
def communicator(make_user):
    person = make_user("komm", first_name="Kira", last_name="Kommunikation")
    person.groups.add(Group.objects.get(name="Kommunikation"))
    return person


def _must(author: Any, units: Any = ()) -> Any:
    return announcement_create(
        author=author,
        title="Neue Richtlinie",
        body="Bitte lesen.",
        audience_units=units,
        must_read=True,
        is_draft=False,
    )


def _people(make_user: Any, n: int, **fields: Any) -> list[Any]:
    return [make_user(**fields) for _ in range(n)]


def _confirm(announcement: Any, people: list[Any]) -> None:
    for person in people:
        announcement_confirm(announcement=announcement, user=person)


def _page(client: Any, announcement: Any) -> str:
    html = client.get(f"/announcements/{announcement.pk}/stats/").content.decode()
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize(
    ("count", "of", "shown"),
    [
        (0, 4, None),  # the group itself is too small
        (1, 4, None),
        (0, 5, 0),  # nobody yet: a figure about the whole group
        (5, 5, 5),  # everybody
        (1, 20, None),  # one person singled out
        (4, 20, None),
        (19, 20, None),  # the one who did not, singled out
        (16, 20, None),
        (5, 10, 5),
        (15, 20, 15),
    ],
)
def test_one_rule_for_every_figure(count, of, shown):
    """Neither those counted nor those left out may be a group of one to four people."""
    assert MIN_GROUP_SIZE == 5
    assert group_count(count, of) == shown


def test_tiny_audience_shows_no_totals(org, make_user, communicator, client_for):
    """Three addressed, one confirmed: no number on the page or in the API."""
    people = _people(make_user, 3, org_unit=org["it_ops"])
    must = _must(communicator, [org["it_ops"]])
    _confirm(must, people[:1])
    stats = announcement_stats(announcement=must)
    assert (stats.addressed, stats.confirmed, stats.read, stats.share) == (None, None, None, None)
    client = client_for(communicator)
    page = _page(client, must)
    assert "fewer than 5" in page
    assert "<dd>3" not in page and "<dd>1" not in page
    data = client.get(f"{API}/{must.pk}/stats").json()
    assert (data["addressed"], data["confirmed"], data["read"]) == (None, None, None)
    assert all(u["addressed"] is None and u["confirmed"] is None for u in data["units"])


@pytest.mark.parametrize(("addressed", "confirmed"), [(8, 2), (10, 9)])
def test_few_confirmed_or_few_left_are_not_counted(
    org, make_user, communicator, client_for, addressed, confirmed
):
    """Two of eight confirmed, or nine of ten: the confirmed figure is hidden."""
    people = _people(make_user, addressed, org_unit=org["it_ops"])
    must = _must(communicator, [org["it_ops"]])
    _confirm(must, people[:confirmed])
    stats = announcement_stats(announcement=must)
    assert (stats.addressed, stats.confirmed, stats.share) == (addressed, None, None)
    assert [(r.addressed, r.confirmed, r.share) for r in stats.rows] == [(addressed, None, None)]
    client = client_for(communicator)
    page = _page(client, must)
    assert f"<dd>{confirmed}" not in page and f"<td>{confirmed}</td>" not in page
    assert "%" not in page.split('class="facts"')[1].split("</table>")[0]
    data = client.get(f"{API}/{must.pk}/stats").json()
    assert (data["addressed"], data["confirmed"]) == (addressed, None)
    assert [(u["addressed"], u["confirmed"], u["share"]) for u in data["units"]] == [
        (addressed, None, None)
    ]


def test_total_minus_the_units_shown_does_not_single_out(org, make_user, communicator, client_for):
    """12 in IT-Betrieb (6 confirmed) and 3 without a unit (2 confirmed): showing the total
    and IT-Betrieb would tell that 2 of the 3 confirmed, so IT-Betrieb's figure goes too."""
    ops = _people(make_user, 12, org_unit=org["it_ops"])
    loose = _people(make_user, 2)  # without a unit, like the communicator
    must = _must(communicator)
    _confirm(must, ops[:6] + loose)
    stats = announcement_stats(announcement=must)
    assert (stats.addressed, stats.confirmed) == (15, 8)
    rows = {r.label: r for r in stats.rows}
    assert (rows["IT-Betrieb"].addressed, rows["IT-Betrieb"].confirmed) == (12, None)
    assert rows["Without an org unit"].addressed is None
    # Whatever is shown: the people not covered by a shown unit figure form an allowed group.
    true = {"IT-Betrieb": (12, 6), "Without an org unit": (3, 2)}
    covered_n = sum(true[r.label][0] for r in stats.rows if r.confirmed is not None)
    covered_k = sum(r.confirmed for r in stats.rows if r.confirmed is not None)
    assert group_count(stats.confirmed - covered_k, stats.addressed - covered_n) is not None
    data = client_for(communicator).get(f"{API}/{must.pk}/stats").json()
    assert data["confirmed"] == 8
    assert {u["unit"]: u["confirmed"] for u in data["units"]} == {
        "IT-Betrieb": None,
        "Without an org unit": None,
    }
    page = _page(client_for(communicator), must)
    assert "<td>6</td>" not in page


def test_large_enough_groups_keep_their_figures(org, make_user, communicator, client_for):
    """Units of 12 and 10 with half confirmed: every figure is shown."""
    ops = _people(make_user, 12, org_unit=org["it_ops"])
    moelln = _people(make_user, 10, org_unit=org["moelln"])
    must = _must(communicator, [org["it_ops"], org["moelln"]])
    _confirm(must, ops[:6] + moelln[:5])
    stats = announcement_stats(announcement=must)
    assert (stats.addressed, stats.confirmed, stats.share) == (22, 11, 50)
    assert [(r.label, r.addressed, r.confirmed, r.share) for r in stats.rows] == [
        ("Filiale Mölln", 10, 5, 50),
        ("IT-Betrieb", 12, 6, 50),
    ]
    page = _page(client_for(communicator), must)
    assert "<td>12</td><td>6</td><td>50 %</td>" in page
