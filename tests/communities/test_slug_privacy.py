"""A community's address never tells whether a community one cannot see exists (issue 9.3)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hanse.communities import services
from hanse.communities.models import Community, Membership

pytestmark = pytest.mark.django_db

API = "/api/v1/communities"


def _shape(slug: str, base: str) -> bool:
    """The address is the base and a short random ending, whatever else exists."""
    return re.fullmatch(rf"{re.escape(base)}-[a-z0-9]{{6}}", slug) is not None


@pytest.fixture
def secrets_kept(make_user, make_community):
    """A secret community from before the fix (plain address) and one founded today."""
    owner = make_user()
    old = Community.objects.create(
        name="Vorstand", slug="vorstand", kind="secret", created_by=owner, member_count=1
    )
    Membership.objects.create(community=old, user=owner, role=Membership.Role.OWNER)
    make_community("secret", owner=owner, name="Aufsichtsrat")
    return owner


@pytest.mark.parametrize("name", ["Vorstand", "Aufsichtsrat", "Nirgends"])
def test_name_of_a_secret_community_gives_the_same_kind_of_address(secrets_kept, make_user, name):
    """Founding with a secret community's name looks like founding with a free one."""
    community = services.community_create(by=make_user(), name=name, kind="open")
    assert _shape(community.slug, name.lower())


@pytest.mark.parametrize("slug", ["vorstand", "nirgends"])
def test_explicit_address_of_a_secret_community_is_not_refused(secrets_kept, make_user, slug):
    """An explicit address that a secret community holds answers like a free one."""
    community = services.community_create(by=make_user(), name="Neu", kind="open", slug=slug)
    assert _shape(community.slug, slug)


def test_api_answers_the_same_for_secret_and_free_addresses(secrets_kept, make_user, client_for):
    """Through the API: 201 both times, and addresses of the same shape."""
    client = client_for(make_user())
    answers = [
        client.post(API, {"name": "Vorstand", "kind": "open", "slug": slug}, "application/json")
        for slug in ("vorstand", "nirgends")
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert _shape(answers[0].json()["slug"], "vorstand")
    assert _shape(answers[1].json()["slug"], "nirgends")


def test_create_page_answers_the_same(secrets_kept, make_user, client_for):
    """The form founds the community with a suffixed address; no "taken" error."""
    client = client_for(make_user())
    response = client.post(
        reverse("communities:create"), {"name": "Vorstand", "kind": "open", "slug": "vorstand"}
    )
    assert response.status_code == 302
    created = Community.objects.exclude(kind="secret").get()
    assert _shape(created.slug, "vorstand")
    assert response["Location"] == reverse("communities:detail", args=[created.slug])


def test_existing_plain_addresses_keep_working(secrets_kept, client_for):
    """A community from before keeps its address."""
    response = client_for(secrets_kept).get(reverse("communities:detail", args=["vorstand"]))
    assert response.status_code == 200
