"""Who sees analytics: the role while analytics are on; everybody else a 404. Enabling, each
view and each export are in the audit log. Off: nothing computed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hanse.analytics import services
from hanse.analytics.compute import compute_period
from hanse.analytics.models import Aggregate, AnalyticsSettings, InteractionEdge
from hanse.analytics.tasks import run_daily
from hanse.audit.models import AuditEntry
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.people.models import User

PAGES = [
    reverse("analytics:dashboard"),
    reverse("analytics:export", args=["units"]),
    reverse("analytics:export", args=["matrix"]),
    reverse("analytics:export", args=["series"]),
]


def actions() -> list[str]:
    """The analytics entries (sign-ins and role changes of the fixtures are recorded too)."""
    entries = AuditEntry.objects.filter(action__startswith="analytics.").order_by("seq")
    return list(entries.values_list("action", flat=True))


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["outsider", "admin", "analyst_off", "anonymous"])
def test_without_the_role_nothing(
    who: str,
    url: str,
    make_user: Callable[..., User],
    admin_user: User,
    analyst: User,
    client_for: Any,
    enabled: AnalyticsSettings,
) -> None:
    """No role (administrators included: the role is given, not implied) -> 404; the role
    while analytics are off -> 404; anonymous -> the login page."""
    person = {
        "outsider": make_user("outsider"),
        "admin": admin_user,
        "analyst_off": analyst,
        "anonymous": None,
    }[who]
    if who == "analyst_off":
        AnalyticsSettings.objects.filter(pk=1).update(enabled=False)
    response = client_for(person).get(url)
    if who == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="analytics.").exists()


def test_analyst_sees_and_every_view_and_export_is_audited(
    analyst: User, client_for: Any, enabled: AnalyticsSettings
) -> None:
    client = client_for(analyst)
    assert client.get(PAGES[0]).status_code == 200
    response = client.get(PAGES[1] + "?period=week&dimension=branch")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    entries = AuditEntry.objects.filter(action__startswith="analytics.").order_by("seq")
    assert [(e.action, e.actor_id) for e in entries] == [
        ("analytics.viewed", analyst.pk),
        ("analytics.exported", analyst.pk),
    ]
    assert entries[1].data["table"] == "units"
    assert entries[1].data["dimension"] == "branch"


def test_unknown_export_is_404(analyst: User, client_for: Any, enabled: Any) -> None:
    assert client_for(analyst).get(reverse("analytics:export", args=["people"])).status_code == 404


def test_enabling_needs_an_admin_and_a_reason(admin_user: User, make_user: Any) -> None:
    with pytest.raises(PermissionRefused):
        services.analytics_enable(by=make_user("someone"), reason="DV 2026/07")
    with pytest.raises(ServiceError, match="Give the reason"):
        services.analytics_enable(by=admin_user, reason="  ")
    assert not AnalyticsSettings.objects.filter(enabled=True).exists()
    assert not AuditEntry.objects.filter(action__startswith="analytics.").exists()
    services.analytics_enable(by=admin_user, reason="Dienstvereinbarung DV 2026/07")
    entry = AuditEntry.objects.get(action="analytics.enabled")
    assert entry.actor_id == admin_user.pk
    assert entry.data == {"reason": "Dienstvereinbarung DV 2026/07", "min_group": 5}


def test_enabling_through_the_page(admin_user: User, client_for: Any) -> None:
    client = client_for(admin_user)
    url = reverse("analytics:switch")
    response = client.post(url, {"action": "enable", "reason": "", "min_group": "5"})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    response = client.post(url, {"action": "enable", "reason": "DV 2026/07", "min_group": "6"})
    assert response.status_code == 302
    row = AnalyticsSettings.objects.get(pk=1)
    assert (row.enabled, row.min_group, row.reason) == (True, 6, "DV 2026/07")
    assert actions() == ["analytics.enabled"]


def test_switch_page_is_for_admins_only(make_user: Any, client_for: Any) -> None:
    assert client_for(make_user("x")).get(reverse("analytics:switch")).status_code == 404


def test_minimum_group_only_goes_up(admin_user: User, enabled: Any) -> None:
    services.min_group_raise(by=admin_user, value=7)
    with pytest.raises(ServiceError, match="can only be raised"):
        services.min_group_raise(by=admin_user, value=5)
    assert AnalyticsSettings.objects.get(pk=1).min_group == 7


def test_off_nothing_is_computed(user: User, make_user: Any) -> None:
    """With analytics off the daily run computes nothing (even with edges left from before)."""
    other = make_user("other")
    InteractionEdge.objects.create(
        kind="dm",
        a_id=min(user.pk, other.pk),
        b_id=max(user.pk, other.pk),
        day=timezone.localdate(),
    )
    assert run_daily() == 0
    assert not Aggregate.objects.exists()


def test_about_page_for_everyone_in_both_languages(user: User, client_for: Any) -> None:
    client = client_for(user)
    page = client.get(reverse("analytics:about")).content.decode()
    assert "What is not measured" in page
    assert "90 days" in page
    client.cookies["django_language"] = "de"
    page = client.get(reverse("analytics:about"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Was nicht gemessen wird" in page


def test_my_network_shows_only_my_own(
    org: dict[str, Any], make_user: Any, client_for: Any, enabled: Any
) -> None:
    me = make_user("me", org_unit=org["it_ops"])
    colleague = make_user("kollegin", org_unit=org["moelln"], first_name="Kira")
    stranger = make_user("fremd", org_unit=org["moelln"], first_name="Friedrich")
    third = make_user("dritte", org_unit=org["it_ops"])
    day = timezone.localdate()
    InteractionEdge.objects.create(
        kind="dm", a_id=min(me.pk, colleague.pk), b_id=max(me.pk, colleague.pk), day=day
    )
    InteractionEdge.objects.create(
        kind="dm", a_id=min(third.pk, stranger.pk), b_id=max(third.pk, stranger.pk), day=day
    )
    page = client_for(me).get(reverse("analytics:my_network")).content.decode()
    assert "Kira" in page
    assert "Friedrich" not in page


def test_retention_deletes_old_edges_and_keeps_aggregates(
    user: User, make_user: Any, enabled: Any
) -> None:
    """Edges before the horizon are folded into aggregates, then deleted; the aggregates say
    what they said before."""
    people = [make_user(f"p{i}") for i in range(6)]
    old = dt.date(2026, 5, 12)
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            InteractionEdge.objects.create(
                kind="dm", a_id=min(a.pk, b.pk), b_id=max(a.pk, b.pk), day=old
            )
    compute_period("month", dt.date(2026, 5, 1), min_group=5)
    before = set(
        Aggregate.objects.values_list(
            "period", "start", "measure", "key", "key2", "value", "people", "hidden"
        )
    )
    deleted = services.edges_expire(today=dt.date(2026, 12, 6))
    assert deleted == 15
    assert not InteractionEdge.objects.exists()
    after = set(
        Aggregate.objects.values_list(
            "period", "start", "measure", "key", "key2", "value", "people", "hidden"
        )
    )
    # The week of the 12th was never computed: it was folded in before the delete.
    assert before <= after
    assert Aggregate.objects.filter(period="week", start=dt.date(2026, 5, 11)).exists()


@pytest.mark.parametrize("path", ["/api/v1/analytics/periods", "/api/v1/analytics/tables/units"])
def test_api_without_the_role_is_404(
    path: str, make_user: Any, client_for: Any, enabled: Any
) -> None:
    response = client_for(make_user("nobody")).get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not AuditEntry.objects.filter(action__startswith="analytics.").exists()


def test_api_serves_what_the_export_shows_and_is_audited(
    analyst: User, client_for: Any, org: dict[str, Any], make_user: Any, enabled: Any
) -> None:
    """Seven people in IT, one in Mölln: the Mölln cell is withheld everywhere alike."""
    it = [make_user(f"it{i}", org_unit=org["it_ops"]) for i in range(7)]
    moelln = make_user("m1", org_unit=org["moelln"])
    day = dt.date(2026, 11, 10)
    for i, a in enumerate(it):
        InteractionEdge.objects.create(
            kind="dm",
            a_id=min(a.pk, it[(i + 1) % 7].pk),
            b_id=max(a.pk, it[(i + 1) % 7].pk),
            day=day,
        )
    InteractionEdge.objects.create(
        kind="dm", a_id=min(it[0].pk, moelln.pk), b_id=max(it[0].pk, moelln.pk), day=day
    )
    compute_period("month", dt.date(2026, 11, 1), min_group=5)
    client = client_for(analyst)
    api = client.get("/api/v1/analytics/tables/units?period=month&dimension=department").json()
    csv_text = client.get(reverse("analytics:export", args=["units"])).content.decode("utf-8-sig")
    names = [row["cells"][1] for row in api["items"]]
    assert "IT-Betrieb" in names
    assert "Filiale Mölln" not in names
    assert "Filiale Mölln" not in csv_text
    matrix = client.get("/api/v1/analytics/tables/matrix").json()["items"]
    # The IT cell comes from 7 people, but shown next to the total it would give away the
    # Mölln cell (total - IT = 1): complementary suppression withholds it too. The total
    # stays: it comes from all 8 people.
    assert matrix == []
    total = Aggregate.objects.get(measure="interactions", period="month")
    assert (total.value, total.people, total.hidden) == (8, 8, False)
    assert actions()[-3:] == ["analytics.api", "analytics.exported", "analytics.api"]
