"""/api/v1/search/ and /api/v1/experts/: the results page's filters as JSON, in the OpenAPI
document, visibility and bad input like everywhere else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hanse.api.urls import api
from hanse.people.models import User
from hanse.posts.models import Post
from tests.posts.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(cast: Cast, make_post: Callable[..., Post], committed: Any) -> list[Post]:
    with committed():
        made = [
            make_post(cast.member, f"Girokonto Frage {n}", community=cast.open) for n in range(5)
        ]
        made.append(make_post(cast.member, "Girokonto intern", community=cast.secret))
    return made


def get(client: Client, path: str, **params: Any) -> Any:
    return client.get(f"/api/v1{path}", params)


def test_search_pages_by_offset(
    client_for: Callable[[User], Client], cast: Cast, posts: list[Post]
) -> None:
    """total, counts and items; an offset that is not a multiple of the limit works."""
    client = client_for(cast.member)
    body = get(client, "/search/", q="Girokonto", sort="oldest", limit=2).json()
    assert body["total"] == 6
    assert body["counts"]["post"] == 6
    assert [i["title"] for i in body["items"]] == ["Girokonto Frage 0", "Girokonto Frage 1"]
    item = body["items"][0]
    assert item["type"] == "post"
    assert item["author"] == {
        "username": "mia",
        "display_name": "Mia Member",
        "is_guest": False,
        "guest_organisation": "",
        "is_former": False,
    }
    assert item["community"]["slug"] == cast.open.slug
    assert "<mark>Girokonto</mark>" in item["snippet"]
    body = get(client, "/search/", q="Girokonto", sort="oldest", limit=2, offset=3).json()
    assert [i["title"] for i in body["items"]] == ["Girokonto Frage 3", "Girokonto Frage 4"]
    assert body["offset"] == 3


def test_search_hides_what_the_caller_may_not_read(
    client_for: Callable[[User], Client], cast: Cast, posts: list[Post]
) -> None:
    body = get(client_for(cast.outsider), "/search/", q="Girokonto", limit=50).json()
    assert body["total"] == 5
    assert all("intern" not in i["title"] for i in body["items"])


def test_filters_as_on_the_page(
    client_for: Callable[[User], Client], cast: Cast, posts: list[Post]
) -> None:
    client = client_for(cast.member)
    body = get(client, "/search/", q="Girokonto", community=cast.secret.slug).json()
    assert [i["title"] for i in body["items"]] == ["Girokonto intern"]
    assert get(client, "/search/", q="Girokonto", type="person").json()["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"type": "nonsense"}, "type"),
        ({"sort": "sideways"}, "sort"),
        ({"date_from": "gestern"}, "date_from"),
        ({"file_type": "exe"}, "file_type"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"unit": "abc"}, "unit"),
    ],
)
def test_bad_filters_are_422_naming_them(
    client_for: Callable[[User], Client], cast: Cast, params: dict[str, Any], field: str
) -> None:
    response = get(client_for(cast.member), "/search/", q="Kredit", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]


def test_hostile_words_get_an_answer(client_for: Callable[[User], Client], cast: Cast) -> None:
    client = client_for(cast.member)
    for text in ('"', "AND OR (", "x" * 500, "🏦", "-", "*"):
        assert get(client, "/search/", q=text).status_code == 200, text


def test_anonymous_gets_401(client: Client) -> None:
    assert client.get("/api/v1/search/?q=Kredit").status_code == 401
    assert client.get("/api/v1/experts/?topic=Kredit").status_code == 401


def test_experts_api(client_for: Callable[[User], Client], cast: Cast, posts: list[Post]) -> None:
    from hanse.people.models import Skill

    cast.owner.skills.add(Skill.objects.create(name="Girokonto", slug="girokonto"))
    body = get(client_for(cast.outsider), "/experts/", topic="Girokonto").json()
    assert body["total"] == len(body["items"]) and body["offset"] == 0
    by_name = {e["person"]["username"]: e for e in body["items"]}
    assert by_name["olga"]["reasons"] == ["Skill Girokonto"]
    assert by_name["olga"]["skills"] == ["Girokonto"]
    assert by_name["mia"]["posts"] == 5  # the secret post is not counted for an outsider
    assert get(client_for(cast.outsider), "/experts/", topic="").status_code == 422


def test_both_are_in_the_openapi_document() -> None:
    paths = api.get_openapi_schema()["paths"]
    assert "/api/v1/search/" in paths
    assert "/api/v1/experts/" in paths
    parameters = {p["name"] for p in paths["/api/v1/search/"]["get"]["parameters"]}
    assert {"q", "type", "community", "author", "unit", "date_from", "date_to"} <= parameters
    assert {"file_type", "sort", "limit", "offset"} <= parameters
