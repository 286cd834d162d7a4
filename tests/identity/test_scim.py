"""SCIM 2.0 at /scim/v2/: tokens (valid, revoked, missing), Users and Groups (create, read,
list with filter and paging, replace, patch, delete), bad input, and deprovisioning: a
deactivated person's sessions, API tokens and circle sign-ups end at once."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hanse.api.models import PersonalAccessToken
from hanse.api.services import token_authenticate, token_create
from hanse.audit.models import AuditEntry
from hanse.circles.models import CircleRound, SignUp
from hanse.identity.models import ScimToken, ScimUser
from hanse.identity.scim import auth
from hanse.people.models import OrgUnit, User

pytestmark = pytest.mark.django_db

CT = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def scim(admin_user: User) -> Client:
    _token, raw = auth.token_create(name="Entra ID", by=admin_user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _send(client: Client, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body) if body is not None and not isinstance(body, str) else body
    return getattr(client, method)(path, data=data, content_type=CT)


def _user(username: str = "jdoe", email: str = "jdoe@sparkasse.example", **extra: Any) -> Any:
    return {
        "schemas": [USER_SCHEMA],
        "userName": username,
        "externalId": f"ext-{username}",
        "name": {"givenName": "Jane", "familyName": "Doe"},
        "emails": [{"value": email, "primary": True, "type": "work"}],
        "title": "Kundenberaterin",
        "active": True,
        **extra,
    }


def test_tokens_valid_revoked_missing(scim: Client, admin_user: User) -> None:
    assert scim.get("/scim/v2/Users").status_code == 200
    for header in ["", "Bearer ", "Bearer nonsense", "Basic abc", "Bearer hscim_" + "x" * 300]:
        response = Client(HTTP_AUTHORIZATION=header).get("/scim/v2/Users")
        assert response.status_code == 401
        assert response.json()["status"] == "401"
        assert response["WWW-Authenticate"].startswith("Bearer")
    token, raw = auth.token_create(name="old", by=admin_user)
    auth.token_revoke(token=token, by=admin_user)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/scim/v2/Users").status_code == 401
    assert not ScimToken.objects.filter(digest=raw).exists()  # only the hash is stored
    assert AuditEntry.objects.filter(action="scim.token_revoked").count() == 1


def test_session_login_is_no_scim_login(client_for: Any, admin_user: User) -> None:
    """An administrator's browser session does not open SCIM: only a token does."""
    assert client_for(admin_user).get("/scim/v2/Users").status_code == 401


def test_discovery(scim: Client) -> None:
    config = scim.get("/scim/v2/ServiceProviderConfig").json()
    assert config["patch"]["supported"] is True
    assert config["filter"] == {"supported": True, "maxResults": 200}
    types = scim.get("/scim/v2/ResourceTypes").json()
    assert {r["id"] for r in types["Resources"]} == {"User", "Group"}
    schemas = scim.get("/scim/v2/Schemas").json()
    user_schema = next(s for s in schemas["Resources"] if s["id"] == USER_SCHEMA)
    emails = next(a for a in user_schema["attributes"] if a["name"] == "emails")
    assert emails["required"] is True
    assert scim.get(f"/scim/v2/Schemas/{GROUP_SCHEMA}").status_code == 200
    assert scim.get("/scim/v2/Schemas/urn:nope").status_code == 404
    assert scim.get("/scim/v2/ResourceTypes/Printer").status_code == 404
    assert scim.get("/scim/v2/Nothing").json()["status"] == "404"


def test_user_lifecycle(scim: Client) -> None:
    created = _send(scim, "post", "/scim/v2/Users", _user())
    assert created.status_code == 201, created.content
    body = created.json()
    assert created["Location"].endswith(f"/scim/v2/Users/{body['id']}")
    person = User.objects.get(pk=body["id"])
    assert (person.username, person.email, person.first_name, person.job_title) == (
        "jdoe",
        "jdoe@sparkasse.example",
        "Jane",
        "Kundenberaterin",
    )
    assert not person.has_usable_password()
    assert scim.get(f"/scim/v2/Users/{person.pk}").json()["externalId"] == "ext-jdoe"

    replaced = _send(
        scim, "put", f"/scim/v2/Users/{person.pk}", _user(title="Filialleiterin")
    ).json()
    assert replaced["title"] == "Filialleiterin"
    patched = _send(
        scim,
        "patch",
        f"/scim/v2/Users/{person.pk}",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "replace", "value": {"name.familyName": "Meyer"}}],
        },
    )
    assert patched.status_code == 200, patched.content
    person.refresh_from_db()
    assert person.last_name == "Meyer"
    assert scim.delete(f"/scim/v2/Users/{person.pk}").status_code == 204
    assert scim.get(f"/scim/v2/Users/{person.pk}").status_code == 404
    person.refresh_from_db()
    assert not person.is_active
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"scim.user_created", "scim.user_updated", "scim.user_deleted"} <= actions


def test_list_filter_and_paging(scim: Client, make_user: Any) -> None:
    for n in range(5):
        make_user(f"page{n}", email=f"page{n}@sparkasse.example")
    everyone = scim.get("/scim/v2/Users").json()
    assert everyone["totalResults"] == User.objects.count()
    page = scim.get("/scim/v2/Users?startIndex=2&count=2").json()
    assert (page["startIndex"], page["itemsPerPage"], len(page["Resources"])) == (2, 2, 2)
    found = scim.get('/scim/v2/Users?filter=userName eq "PAGE3"').json()
    assert [r["userName"] for r in found["Resources"]] == ["page3"]
    found = scim.get(
        '/scim/v2/Users?filter=emails[type eq "work"].value sw "page1" or userName eq "page2"'
    ).json()
    assert sorted(r["userName"] for r in found["Resources"]) == ["page1", "page2"]
    found = scim.get('/scim/v2/Users?filter=active eq true and not (userName co "page")')
    assert all("page" not in r["userName"] for r in found.json()["Resources"])
    search = _send(scim, "post", "/scim/v2/Users/.search", {"filter": 'userName eq "page4"'})
    assert [r["userName"] for r in search.json()["Resources"]] == ["page4"]
    assert scim.get("/scim/v2/Users?count=0").json()["Resources"] == []


@pytest.mark.parametrize(
    ("query", "scim_type"),
    [
        ('filter=userName eq "x', "invalidFilter"),
        ("filter=phoneNumbers eq 1", "invalidFilter"),
        ('filter=active eq "yes"', "invalidFilter"),
        ("filter=userName zz 1", "invalidFilter"),
        ("filter=(userName pr", "invalidFilter"),
        ("startIndex=abc", "invalidValue"),
        ("count=1.5", "invalidValue"),
    ],
)
def test_bad_queries_are_scim_errors(scim: Client, query: str, scim_type: str) -> None:
    response = scim.get(f"/scim/v2/Users?{query}")
    assert response.status_code == 400
    assert response.json()["scimType"] == scim_type


@pytest.mark.parametrize(
    ("body", "status", "scim_type"),
    [
        ("not json", 400, "invalidSyntax"),
        ("[1, 2]", 400, "invalidSyntax"),
        ({"schemas": [USER_SCHEMA]}, 400, "invalidValue"),
        (_user(emails=[]), 400, "invalidValue"),
        (_user(email="not-an-address"), 400, "invalidValue"),
        (_user(username="x" * 200), 400, "invalidValue"),
        (_user(username="taken"), 409, "uniqueness"),
        (_user(email="taken@example.org"), 409, "uniqueness"),
    ],
)
def test_bad_users_write_nothing(
    scim: Client, make_user: Any, body: Any, status: int, scim_type: str
) -> None:
    make_user("taken", email="taken@example.org")
    before = User.objects.count()
    response = _send(scim, "post", "/scim/v2/Users", body)
    assert response.status_code == status, response.content
    assert response.json()["scimType"] == scim_type
    assert User.objects.count() == before
    assert not ScimUser.objects.exists()


def test_unknown_and_bad_ids_are_404(scim: Client) -> None:
    for path in ["/scim/v2/Users/999999", "/scim/v2/Users/abc", "/scim/v2/Groups/9" * 3]:
        assert scim.get(path).status_code == 404
    patch = {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "jump", "path": "active"}]}
    assert _send(scim, "patch", "/scim/v2/Users/999999", patch).status_code == 404


def test_groups_are_org_units(scim: Client, make_user: Any) -> None:
    anna, ben = make_user("anna_g"), make_user("ben_g")
    created = _send(
        scim,
        "post",
        "/scim/v2/Groups",
        {
            "schemas": [GROUP_SCHEMA],
            "displayName": "Firmenkunden",
            "members": [{"value": str(anna.pk)}],
        },
    )
    assert created.status_code == 201, created.content
    unit = OrgUnit.objects.get(pk=created.json()["id"])
    anna.refresh_from_db()
    assert (unit.name, anna.org_unit_id) == ("Firmenkunden", unit.pk)
    patch = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [
            {"op": "add", "path": "members", "value": [{"value": str(ben.pk)}]},
            {"op": "remove", "path": f'members[value eq "{anna.pk}"]'},
        ],
    }
    assert _send(scim, "patch", f"/scim/v2/Groups/{unit.pk}", patch).status_code == 200
    anna.refresh_from_db()
    ben.refresh_from_db()
    assert (anna.org_unit_id, ben.org_unit_id) == (None, unit.pk)
    found = scim.get('/scim/v2/Groups?filter=displayName eq "firmenkunden"').json()
    assert [g["id"] for g in found["Resources"]] == [str(unit.pk)]
    bad = {"schemas": [GROUP_SCHEMA], "displayName": "X", "members": [{"value": "424242"}]}
    assert _send(scim, "post", "/scim/v2/Groups", bad).status_code == 400
    assert not OrgUnit.objects.filter(name="X").exists()
    assert scim.delete(f"/scim/v2/Groups/{unit.pk}").status_code == 204
    ben.refresh_from_db()
    assert ben.org_unit_id is None
    assert not OrgUnit.objects.filter(pk=unit.pk).exists()


def test_deactivation_ends_sessions_tokens_and_circle_signups(
    scim: Client, make_user: Any, logged_in: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user("leaver")
    browser = logged_in(person)
    api = token_create(user=person, name="script")
    coordinator = make_user("coord")
    today = timezone.localdate()
    open_round = CircleRound.objects.create(
        name="Frühjahr",
        signup_closes=today + timedelta(days=7),
        starts_on=today + timedelta(days=14),
        created_by=coordinator,
    )
    SignUp.objects.create(round=open_round, user=person)
    patch = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(scim, "patch", f"/scim/v2/Users/{person.pk}", patch)
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    assert browser.get("/people/").status_code == 302
    assert token_authenticate(raw=api.raw) is None
    assert PersonalAccessToken.objects.get(user=person).revoked_at is not None
    assert not SignUp.objects.filter(user=person).exists()
    entry = AuditEntry.objects.get(action="person.deactivated")
    assert entry.data["tokens_revoked"] == 1
    # Reactivation opens the account again (a returner); the ended sessions stay ended.
    patch["Operations"][0]["value"] = True
    assert _send(scim, "patch", f"/scim/v2/Users/{person.pk}", patch).json()["active"] is True
    assert browser.get("/people/").status_code == 302
