"""The people and org-unit API: directory, profiles, own profile, follows, org units."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hanse.api.services import token_create
from hanse.people.models import Follow, User
from hanse.people.services import orgunit_update, profile_update


@pytest.fixture
def people(org, make_user):
    anna = make_user(
        "anna",
        first_name="Anna",
        last_name="Becker",
        org_unit=org["moelln"],
        location=org["moelln_location"],
    )
    ben = make_user(
        "ben",
        first_name="Ben",
        last_name="Krüger",
        job_title="Systemadministrator",
        org_unit=org["it_ops"],
        location=org["head_office"],
    )
    profile_update(user=ben, by=ben, skills=["Linux", "Python"], ask_me_about=["Netzwerke"])
    orgunit_update(unit=org["it_ops"], manager=anna)
    make_user("gone", is_active=False)
    return {"anna": anna, "ben": ben}


def _patch(client: Client, data: dict) -> object:
    return client.patch("/api/v1/people/me", json.dumps(data), content_type="application/json")


def test_list_searches_and_paginates(people, client_for):
    """GET /people returns matching active people with a total count."""
    client = client_for(people["anna"])
    data = client.get("/api/v1/people").json()
    assert data["total"] == 2
    assert [p["username"] for p in data["items"]] == ["anna", "ben"]
    data = client.get("/api/v1/people", {"q": "python"}).json()
    assert [p["username"] for p in data["items"]] == ["ben"]
    assert data["items"][0]["skills"] == ["Linux", "Python"]
    assert data["items"][0]["org_unit"]["slug"] == "it-betrieb"
    data = client.get("/api/v1/people", {"limit": 1, "offset": 1}).json()
    assert (data["total"], data["limit"], data["offset"]) == (2, 1, 1)
    assert [p["username"] for p in data["items"]] == ["ben"]


def test_list_filters(people, client_for, org):
    """Unit (with sub-units), location and skill filters; unknown values match nobody."""
    client = client_for(people["anna"])

    def names(**params):
        return [p["username"] for p in client.get("/api/v1/people", params).json()["items"]]

    assert names(unit="it-und-organisation") == ["ben"]
    assert names(location=org["moelln_location"].pk) == ["anna"]
    assert names(skill="python") == ["ben"]
    assert names(skill="nope") == []
    assert names(unit="nope") == []


def test_list_limit_is_bounded(people, client_for):
    """A page holds at most 100 people."""
    response = client_for(people["anna"]).get("/api/v1/people", {"limit": 1000})
    assert response.status_code == 422


def test_get_person(people, client_for):
    """GET /people/{username} has the full profile and follow state; inactive is 404."""
    client = client_for(people["anna"])
    data = client.get("/api/v1/people/ben").json()
    assert data["display_name"] == "Ben Krüger"
    assert data["ask_me_about"] == ["Netzwerke"]
    assert data["manager"] == {
        "username": "anna",
        "display_name": "Anna Becker",
        "is_guest": False,
        "guest_organisation": "",
        "is_former": False,
    }
    assert (data["followers_count"], data["is_followed"]) == (0, False)
    response = client.get("/api/v1/people/gone")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_me_get_and_patch(people, client_for, org):
    """PATCH /people/me changes only the fields sent."""
    client = client_for(people["anna"])
    assert client.get("/api/v1/people/me").json()["username"] == "anna"
    response = _patch(
        client,
        {
            "about": "Filialleiterin",
            "skills": ["Führung", "Baufinanzierung"],
            "languages": ["de", "pl"],
            "ui_language": "en",
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert data["about"] == "Filialleiterin"
    assert data["skills"] == ["Baufinanzierung", "Führung"]
    assert data["org_unit"]["slug"] == "filiale-molln"
    assert data["ui_language"] == "en"
    anna = User.objects.get(pk=people["anna"].pk)
    assert anna.languages == ["de", "pl"]
    assert anna.first_name == "Anna"
    assert anna.location == org["moelln_location"]


def test_me_patch_validation_errors(people, client_for):
    """Invalid input gives 422 with messages per field; nothing is saved."""
    client = client_for(people["anna"])
    response = _patch(client, {"last_name": "x" * 151, "languages": ["xx"], "skills": ["y" * 61]})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The input is not valid.",
        "code": "invalid",
        "errors": {
            "last_name": ["Please use at most 150 characters (you used 151)."],
            "languages": ["“xx” is not a language we know."],
            "skills": [
                "“yyyyyyyyyyyyyyyyyyyy…” is too long: a skill or topic may have at most "
                "60 characters."
            ],
        },
    }
    anna = User.objects.get(pk=people["anna"].pk)
    assert anna.last_name == "Becker"
    assert not anna.skills.exists()


def test_me_patch_errors_in_german(people, client_for):
    """A German-speaking person gets German messages (once the catalog exists)."""
    anna = people["anna"]
    anna.ui_language = "de"
    anna.save(update_fields=["ui_language"])
    response = _patch(client_for(anna), {"first_name": ""})
    assert response.status_code == 422
    assert response["Content-Language"] == "de"


def test_follow_and_unfollow(people, client_for):
    """POST follows, DELETE unfollows; both are idempotent; following oneself is refused."""
    client = client_for(people["anna"])
    for _ in range(2):
        response = client.post("/api/v1/people/ben/follow")
        assert response.status_code == 200
        assert response.json() == {"username": "ben", "following": True, "followers_count": 1}
    assert Follow.objects.count() == 1
    assert client.get("/api/v1/people/ben").json()["is_followed"] is True
    for _ in range(2):
        response = client.delete("/api/v1/people/ben/follow")
        assert response.json() == {"username": "ben", "following": False, "followers_count": 0}
    assert not Follow.objects.exists()
    response = client.post("/api/v1/people/anna/follow")
    assert response.status_code == 400
    assert response.json() == {"detail": "You cannot follow yourself.", "code": "follow_self"}
    assert client.post("/api/v1/people/gone/follow").status_code == 404


def test_org_units(people, client_for, org):
    """GET /org-units is the flat tree; GET /org-units/{slug} adds people and sub-units."""
    client = client_for(people["ben"])
    units = client.get("/api/v1/org-units").json()["items"]
    assert units[0]["slug"] == "sparkasse-hanse"
    by_slug = {u["slug"]: u for u in units}
    assert by_slug["it-betrieb"]["parent_id"] == org["it"].pk
    assert by_slug["it-betrieb"]["depth"] == 2
    assert by_slug["it-betrieb"]["path"] == org["it_ops"].path
    assert by_slug["it-betrieb"]["manager"] == {
        "username": "anna",
        "display_name": "Anna Becker",
        "is_guest": False,
        "guest_organisation": "",
        "is_former": False,
    }
    data = client.get("/api/v1/org-units/it-und-organisation").json()
    assert data["children"] == [
        {"id": org["it_ops"].pk, "slug": "it-betrieb", "name": "IT-Betrieb"}
    ]
    assert (data["headcount"], data["total"]) == (0, 1)
    data = client.get("/api/v1/org-units/it-betrieb").json()
    assert data["members"] == [
        {
            "username": "ben",
            "display_name": "Ben Krüger",
            "is_guest": False,
            "guest_organisation": "",
            "is_former": False,
        }
    ]
    assert client.get("/api/v1/org-units/nope").status_code == 404


def test_personal_access_token_works(people):
    """A bearer token authenticates reads and writes without CSRF."""
    token = token_create(user=people["anna"], name="script").raw
    client = Client(enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/people/me", **auth).json()["username"] == "anna"
    response = client.post("/api/v1/people/ben/follow", **auth)
    assert response.status_code == 200
    assert Follow.objects.filter(follower=people["anna"], followee=people["ben"]).exists()


def test_session_writes_need_csrf(people):
    """A session without the CSRF token cannot write."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["anna"])
    response = client.post("/api/v1/people/ben/follow")
    assert response.status_code == 403
    assert not Follow.objects.exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/people"),
        ("get", "/api/v1/people/me"),
        ("patch", "/api/v1/people/me"),
        ("get", "/api/v1/people/ben"),
        ("post", "/api/v1/people/ben/follow"),
        ("delete", "/api/v1/people/ben/follow"),
        ("get", "/api/v1/org-units"),
        ("get", "/api/v1/org-units/it-betrieb"),
    ],
)
def test_anonymous_gets_401(people, method, url):
    """Without a session or token every endpoint answers 401."""
    response = getattr(Client(), method)(url)
    assert response.status_code == 401
    response = getattr(Client(), method)(url, HTTP_AUTHORIZATION="Bearer hanse_wrong")
    assert response.status_code == 401


def test_openapi_documents_people_endpoints(people, client_for):
    """The OpenAPI document lists the people endpoints with described fields."""
    schema = client_for(people["anna"]).get("/api/v1/openapi.json").json()
    assert "/api/v1/people/{username}/follow" in schema["paths"]
    assert "/api/v1/org-units/{slug}" in schema["paths"]
    body = schema["paths"]["/api/v1/people/me"]["patch"]["requestBody"]
    patch = body["content"]["application/json"]["schema"]
    assert "description" in str(patch["properties"]["skills"])
    assert "org_unit" not in patch["properties"]
    assert patch["additionalProperties"] is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("org_unit", "it-betrieb"),
        ("location", 1),
        ("job_title", "Vorstand"),
        ("manager", "ben"),
        ("org_unit", None),
    ],
)
def test_me_patch_refuses_hr_fields_and_writes_nothing(people, client_for, org, field, value):
    """Org unit, location, job title and manager are HR's: 422 per field, nothing is saved."""
    response = _patch(client_for(people["anna"]), {"about": "Neu hier", field: value})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The input is not valid.",
        "code": "invalid",
        "errors": {
            field: ["This is managed by HR: you cannot change it yourself. Nothing was saved."]
        },
    }
    anna = User.objects.get(pk=people["anna"].pk)
    assert (anna.org_unit, anna.location, anna.job_title, anna.about) == (
        org["moelln"],
        org["moelln_location"],
        "",
        "",
    )


def test_me_patch_hr_refusal_in_german(people, client_for):
    """The refusal comes in the caller's language."""
    anna = people["anna"]
    anna.ui_language = "de"
    anna.save(update_fields=["ui_language"])
    response = _patch(client_for(anna), {"org_unit": "it-betrieb"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "org_unit": [
            "Das pflegt die Personalabteilung: Du kannst es nicht selbst ändern. "
            "Es wurde nichts gespeichert."
        ]
    }


@pytest.mark.parametrize("body", ["[null, null]", "[]", '"about"', "null", "42", "{not json"])
def test_me_patch_refuses_a_body_that_is_not_an_object(people, client_for, body):
    """Only a JSON object is a profile change; anything else is a 400 in the error shape."""
    response = client_for(people["anna"]).patch(
        "/api/v1/people/me", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] in {"invalid_body", "invalid_json"}
    assert set(response.json()) == {"detail", "code"}


def test_me_patch_refuses_unknown_fields_and_wrong_types(people, client_for):
    """An unknown field or a value of the wrong type is named in the errors; nothing is saved."""
    response = _patch(
        client_for(people["anna"]), {"about": "Hallo", "username": "boss", "skills": "Python"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "username": ["There is no such field."],
        "skills": ["Please send a list of texts, or null."],
    }
    anna = User.objects.get(pk=people["anna"].pk)
    assert (anna.username, anna.about) == ("anna", "")
