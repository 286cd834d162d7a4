"""Multipliers ("Connectoren"): volunteering, approval, the badge, finding and asking one,
coverage, search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hanse.chat.models import Channel
from hanse.circles import selectors
from hanse.circles.models import Multiplier
from hanse.circles.services import multipliers as services
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.notifications.models import Notification
from hanse.people.models import Location, OrgUnit, User
from hanse.search.index import index_objects
from hanse.search.selectors import SearchQuery, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(
    make_user: Callable[..., User], coordinator: User, committed: Any
) -> Callable[..., Multiplier]:
    def make(
        location: Location | None = None, unit: OrgUnit | None = None, topics: str = "Teams"
    ) -> Multiplier:
        person = make_user(location=location, org_unit=unit)
        m = services.multiplier_volunteer(user=person, topics=topics)
        with committed():
            return services.multiplier_decide(by=coordinator, multiplier=m, approve=True)

    return make


def test_volunteer_needs_a_topic(user: User) -> None:
    with pytest.raises(ServiceError, match="at least one topic"):
        services.multiplier_volunteer(user=user, topics=" , ")
    assert not Multiplier.objects.exists()


def test_only_coordinators_decide(user: User, make_user: Callable[..., User]) -> None:
    m = services.multiplier_volunteer(user=make_user(), topics="Teams")
    with pytest.raises(PermissionRefused):
        services.multiplier_decide(by=user, multiplier=m, approve=True)
    m.refresh_from_db()
    assert m.status == Multiplier.Status.PENDING


def test_approval_notifies_and_shows_the_badge(
    approved: Callable[..., Multiplier], user: User, client_for: Callable[[User | None], Client]
) -> None:
    """The person is told; profile and directory show the Connector badge with the topics."""
    m = approved(topics="Teams, Working Out Loud")
    assert Notification.objects.filter(recipient=m.user, type="multiplier_decided").exists()
    client = client_for(user)
    profile = client.get(reverse("people:profile", args=[m.user.username])).content.decode()
    assert "Connector" in profile and "Working Out Loud" in profile
    directory = client.get(reverse("people:directory")).content.decode()
    assert "Connector" in directory


def test_pending_volunteers_have_no_badge(
    make_user: Callable[..., User], user: User, client_for: Callable[[User | None], Client]
) -> None:
    person = make_user()
    services.multiplier_volunteer(user=person, topics="Teams")
    page = client_for(user).get(reverse("people:profile", args=[person.username]))
    assert "person-badges" not in page.content.decode()


def test_nearest_is_same_branch_then_region(
    approved: Callable[..., Multiplier], make_user: Callable[..., User], org: dict[str, Any]
) -> None:
    """A multiplier at my branch comes before one in my region, before the head office."""
    from hanse.people.services import orgunit_create  # a second branch

    ratzeburg = Location.objects.create(name="Filiale Ratzeburg", postal_code="23909")
    orgunit_create(
        name="Filiale Ratzeburg",
        kind=OrgUnit.Kind.BRANCH,
        parent=org["private"],
        location=ratzeburg,
    )
    head = approved(location=org["head_office"])
    region = approved(location=ratzeburg)
    same = approved(location=org["moelln_location"])
    me = make_user(location=org["moelln_location"])
    assert [m.pk for m in selectors.nearest_multipliers(viewer=me)] == [same.pk, region.pk, head.pk]


def test_find_page_groups_by_region_and_asks(
    approved: Callable[..., Multiplier],
    user: User,
    org: dict[str, Any],
    client_for: Callable[[User | None], Client],
) -> None:
    m = approved(location=org["moelln_location"])
    client = client_for(user)
    page = client.get(reverse("circles:multipliers") + "?near=1").content.decode()
    assert "Privatkunden" in page and m.user.display_name in page
    response = client.post(reverse("circles:ask", args=[m.pk]))
    channel = Channel.objects.get(kind=Channel.Kind.DIRECT)
    assert response.status_code == 302
    assert response["Location"] == reverse("chat:channel", args=[channel.pk])


def test_ask_unknown_is_404(user: User, client_for: Callable[[User | None], Client]) -> None:
    assert client_for(user).post(reverse("circles:ask", args=[999])).status_code == 404


def test_coverage_names_branches_without_a_multiplier(
    approved: Callable[..., Multiplier],
    coordinator: User,
    user: User,
    org: dict[str, Any],
    client_for: Callable[[User | None], Client],
) -> None:
    Location.objects.create(name="Filiale Leer", kind=Location.Kind.BRANCH)
    approved(location=org["moelln_location"], unit=org["it_ops"])
    found = selectors.coverage_for(viewer=coordinator)
    assert [b.name for b in found.branches_without] == ["Filiale Leer"]
    assert found.departments_without == []
    assert client_for(user).get(reverse("circles:coverage")).status_code == 404
    assert client_for(coordinator).get(reverse("circles:coverage")).status_code == 200


def test_topics_are_searchable(approved: Callable[..., Multiplier], user: User) -> None:
    m = approved(topics="Prozessautomatisierung")
    index_objects("multiplier", [m.pk])
    hits = search(user=user, query=SearchQuery(text="Prozessautomatisierung"))
    assert [(h.type, h.object_id) for h in hits.hits] == [("multiplier", m.pk)]
