"""The @mention autocomplete offers first the people the author most likely means."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hanse.chat.models import Channel
from hanse.chat.services import dm_open, message_post
from hanse.communities.models import Community
from hanse.people.models import User
from hanse.people.services import follow
from hanse.posts.selectors.posts import mention_suggestions
from hanse.posts.services.posts import post_create


@dataclass
class Office:
    anna: User  # the author, in Filiale Mölln
    open_community: Community
    secret_community: Community


@pytest.fixture
def office(
    make_user: Callable[..., User], make_community: Callable[..., Community], org: dict[str, Any]
) -> Office:
    """Anna from Filiale Mölln and the colleagues whose names start with "Ma"."""
    moelln, it_ops = org["moelln"], org["it_ops"]

    def person(username: str, first: str, last: str, unit: Any = it_ops, **extra: Any) -> User:
        return make_user(username, first_name=first, last_name=last, org_unit=unit, **extra)

    anna = person("anna", "Anna", "Becker", moelln)
    person("lma", "Li", "Ma")  # a stranger whose last name is exactly "Ma"
    marco = person("marco", "Marco", "Lang")  # followed and a chat partner
    person("maria", "Maria", "Schulz", moelln)  # same branch
    martin = person("martin", "Martin", "Vogel")  # followed
    marta = person("marta", "Marta", "Krüger")  # recent direct messages
    max_ = person("max", "Max", "Ulrich")  # member of the community Anna writes in
    person("mark", "Mark", "Adler")  # nobody to Anna
    malte = person("malte", "Malte", "Ohm")  # wrote with Anna, but half a year ago
    mats = person("mats", "Mats", "Petersen")  # in a secret community Anna is not in
    person("mara", "Mara", "Weiß", moelln, is_active=False)  # left the bank
    person("andreas", "Andreas", "Nagel")

    follow(follower=anna, followee=marco)
    follow(follower=anna, followee=martin)
    for partner in (marco, marta, malte):
        channel, _created = dm_open(by=anna, people=[partner])
        message_post(channel=channel, author=partner, body="Hallo Anna!")
    Channel.objects.filter(dm_key__isnull=False, members__user=malte).update(
        last_message_at=timezone.now() - timedelta(days=200)
    )
    owner = person("olga", "Olga", "Owner")
    open_community = make_community(owner=owner, name="Kreditprozesse", members=(anna, max_))
    secret_community = make_community(
        Community.Kind.SECRET, owner=owner, name="Fusion", members=(mats,)
    )
    return Office(anna, open_community, secret_community)


IN_COMMUNITY = [
    "Li Ma",  # exact name first
    "Marco Lang",  # followed and chat partner (3 + 3)
    "Maria Schulz",  # same unit (4)
    "Marta Krüger",  # chat partner (3), before the followed Vogel by name
    "Martin Vogel",  # followed (3)
    "Max Ulrich",  # co-member of the community written in (2)
    "Mark Adler",  # no tie: by last name
    "Malte Ohm",
]


@pytest.mark.parametrize(
    ("q", "where", "expected"),
    [
        ("ma", "open", IN_COMMUNITY[:8]),
        # Outside a community Max has no tie; a secret community's slug does not give one
        # to its members either (it would reveal who they are).
        ("ma", "", [*IN_COMMUNITY[:5], "Mark Adler", "Malte Ohm", "Mats Petersen"]),
        ("ma", "secret", [*IN_COMMUNITY[:5], "Mark Adler", "Malte Ohm", "Mats Petersen"]),
        ("ma", "nonexistent", [*IN_COMMUNITY[:5], "Mark Adler", "Malte Ohm", "Mats Petersen"]),
        ("mar", "", ["Marco Lang", "Maria Schulz", "Marta Krüger", "Martin Vogel", "Mark Adler"]),
        ("@Lang", "", ["Marco Lang"]),  # last name, with the @ typed
        ("marco l", "", ["Marco Lang"]),  # a full-name prefix
        ("schulz", "", ["Maria Schulz"]),
        ("an", "", ["Andreas Nagel", "Anna Becker"]),  # the author herself last
        ("mara", "", []),  # deactivated people never
    ],
)
def test_ranking_table(office: Office, q: str, where: str, expected: list[str]) -> None:
    """Exact names, then same unit, followed, chat partners, co-members; then by name."""
    community = {
        "open": office.open_community.slug,
        "secret": office.secret_community.slug,
        "nonexistent": "gibt-es-nicht",
        "": "",
    }[where]
    found = mention_suggestions(viewer=office.anna, q=q, limit=8, community=community)
    assert [p.display_name for p in found.people] == expected


def test_ranking_is_two_queries(office: Office, django_assert_num_queries: Any) -> None:
    """People and communities: one query each, whatever the number of signals and matches."""
    with django_assert_num_queries(2):
        mention_suggestions(viewer=office.anna, q="m", limit=20, community="kreditprozesse")


def test_the_composer_endpoint_ranks_by_the_community(
    office: Office, client_for: Callable[[User | None], Client]
) -> None:
    """The JSON the composer reads is in the same order, with the community it sends."""
    client = client_for(office.anna)
    url = reverse("posts:mention_suggestions")
    data = client.get(url, {"q": "ma", "community": office.open_community.slug}).json()
    people = [r["label"] for r in data["results"] if r["kind"] == "person"]
    assert people == IN_COMMUNITY
    api = client.get("/api/v1/mentions", {"q": "ma", "community": office.secret_community.slug})
    assert [p["display_name"] for p in api.json()["people"]][5] == "Mark Adler"


def test_comment_form_names_the_posts_community(
    office: Office, client_for: Callable[[User | None], Client]
) -> None:
    """A comment under a community post asks for that community's members first."""
    post = post_create(author=office.anna, community=office.open_community, body="Frage an alle")
    html = client_for(office.anna).get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert f'data-mentions-community="{office.open_community.slug}"' in html
