"""/api/v1/communities: listing, founding, joining, requests, members, roles, invitations."""

from __future__ import annotations

import json

from django.test import Client

from hanse.api.services import token_create
from hanse.communities.models import Community, Invitation, JoinRequest, Membership

API = "/api/v1/communities"


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def test_list_scope_search_and_pages(make_user, make_community, client_for):
    """Visible communities with total, limit and offset; 'mine' and search."""
    anna = make_user()
    make_community("open", owner=anna, name="Alpha")
    make_community("private", owner=make_user(), name="Beta")
    make_community("secret", owner=make_user(), name="Gamma")
    for n in range(3):
        make_community("open", owner=make_user(), name=f"Zeta {n}")
    client = client_for(anna)
    data = client.get(API, {"limit": 2, "offset": 1}).json()
    assert data["total"] == 5
    assert [c["name"] for c in data["items"]] == ["Beta", "Zeta 0"]
    assert data["items"][0]["kind"] == "private"
    mine = client.get(API, {"scope": "mine"}).json()
    assert [(c["name"], c["my_role"]) for c in mine["items"]] == [("Alpha", "owner")]
    assert client.get(API, {"q": "zeta 1"}).json()["total"] == 1
    assert client.get(API, {"limit": 500}).status_code == 422
    assert client.get(API, {"scope": "everything"}).status_code == 422


def test_list_query_count(make_user, make_community, client_for, django_assert_max_num_queries):
    """The list costs a fixed number of queries."""
    anna = make_user()
    for n in range(30):
        make_community("open", owner=make_user(), name=f"C{n:02d}")
    client = client_for(anna)
    with django_assert_max_num_queries(6):
        data = client.get(API, {"limit": 30}).json()
    assert len(data["items"]) == 30


def test_create(make_user, client_for):
    """Founding returns 201 with the caller as owner; errors are 400 with a message."""
    client = client_for(make_user())
    response = post(client, API, {"name": "Connectoren", "kind": "private", "tagline": "Wandel"})
    assert response.status_code == 201
    assert response.json()["slug"].startswith("connectoren-")
    assert response.json()["my_role"] == "owner"
    response = post(client, API, {"name": "Andere", "kind": "open", "slug": "Connect oren"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_slug"
    response = post(client, API, {"name": "ab", "kind": "open"})
    assert response.json()["detail"] == "The name must be at least 3 characters long."
    assert post(client, API, {"name": "Gut", "kind": "public"}).status_code == 422
    assert Community.objects.count() == 1


def test_get_join_leave(make_user, make_community, client_for):
    """Get, join and leave an open community."""
    community = make_community("open", owner=make_user(), name="Lauftreff")
    client = client_for(make_user())
    data = client.get(f"{API}/{community.slug}").json()
    assert (data["name"], data["my_role"], data["member_count"]) == ("Lauftreff", None, 1)
    data = post(client, f"{API}/{community.slug}/join").json()
    assert (data["my_role"], data["member_count"]) == ("member", 2)
    response = post(client, f"{API}/{community.slug}/join")
    assert response.status_code == 400
    assert response.json()["code"] == "already_member"
    assert post(client, f"{API}/{community.slug}/leave").status_code == 200
    assert client.get(f"{API}/{community.slug}").json()["member_count"] == 1


def test_last_owner_cannot_leave(make_user, make_community, client_for):
    """The API says why the last owner cannot leave."""
    owner = make_user()
    community = make_community("open", owner=owner)
    response = post(client_for(owner), f"{API}/{community.slug}/leave")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "A community needs at least one owner. Make someone else an owner first.",
        "code": "last_owner",
    }


def test_request_list_approve_decline(make_user, make_community, client_for):
    """Ask to join; moderators list, approve and decline."""
    mod = make_user()
    anna, bob = make_user("anna_r"), make_user("bob_r")
    community = make_community("private", owner=make_user(), moderators=(mod,))
    response = post(client_for(anna), f"{API}/{community.slug}/requests", {"message": "Hallo"})
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    post(client_for(bob), f"{API}/{community.slug}/requests")
    assert client_for(anna).get(f"{API}/{community.slug}").json()["my_request_pending"] is True
    mod_client = client_for(mod)
    listed = mod_client.get(f"{API}/{community.slug}/requests").json()
    assert [(r["user"]["username"], r["message"]) for r in listed["items"]] == [
        ("anna_r", "Hallo"),
        ("bob_r", ""),
    ]
    first, second = (r["id"] for r in listed["items"])
    assert (
        post(mod_client, f"{API}/{community.slug}/requests/{first}/approve").json()["status"]
        == "approved"
    )
    assert (
        post(mod_client, f"{API}/{community.slug}/requests/{second}/decline").json()["status"]
        == "declined"
    )
    response = post(mod_client, f"{API}/{community.slug}/requests/{second}/approve")
    assert response.status_code == 400
    assert response.json()["detail"] == "This request has already been settled."
    assert post(mod_client, f"{API}/{community.slug}/requests/999999/approve").status_code == 404
    assert Membership.objects.filter(community=community, user=anna).exists()
    assert not Membership.objects.filter(community=community, user=bob).exists()


def test_members_roles_and_removal(make_user, make_community, client_for):
    """Members in role order with paging; owners change roles; moderators remove members."""
    owner = make_user("olga", last_name="Zorn")
    mod = make_user("moritz", last_name="Adam")
    bob = make_user("bob", last_name="Bauer")
    community = make_community("open", owner=owner, moderators=(mod,), members=(bob,))
    client = client_for(owner)
    data = client.get(f"{API}/{community.slug}/members").json()
    assert data["total"] == 3
    assert [(m["username"], m["role"]) for m in data["items"]] == [
        ("olga", "owner"),
        ("moritz", "moderator"),
        ("bob", "member"),
    ]
    page = client.get(f"{API}/{community.slug}/members", {"limit": 1, "offset": 2}).json()
    assert [m["username"] for m in page["items"]] == ["bob"]
    response = put(client, f"{API}/{community.slug}/members/bob/role", {"role": "moderator"})
    assert response.json()["role"] == "moderator"
    response = put(client, f"{API}/{community.slug}/members/olga/role", {"role": "member"})
    assert response.status_code == 400
    assert response.json()["code"] == "last_owner"
    assert put(client, f"{API}/{community.slug}/members/bob/role", {"role": "x"}).status_code == (
        422
    )
    response = client_for(mod).delete(f"{API}/{community.slug}/members/bob")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Moderators may remove members, but not owners or other moderators."
    )
    assert client.delete(f"{API}/{community.slug}/members/bob").status_code == 204
    assert client.delete(f"{API}/{community.slug}/members/nobody").status_code == 404
    community.refresh_from_db()
    assert community.member_count == 2


def test_invitations(make_user, make_community, client_for):
    """Invite by username; the invitee accepts through the API."""
    owner, bob = make_user(), make_user("bob_i")
    community = make_community("secret", owner=owner)
    client = client_for(owner)
    response = post(client, f"{API}/{community.slug}/invitations", {"invitee": "bob_i"})
    assert response.status_code == 201
    assert response.json()["invitee"]["username"] == "bob_i"
    response = post(client, f"{API}/{community.slug}/invitations", {"invitee": "bob_i"})
    assert response.status_code == 400
    assert response.json()["code"] == "already_invited"
    response = post(client, f"{API}/{community.slug}/invitations", {"invitee": "nobody"})
    assert response.json()["code"] == "unknown_person"
    bob_client = client_for(bob)
    assert bob_client.get(f"{API}/{community.slug}").status_code == 404
    invitation = Invitation.objects.get()
    data = post(bob_client, f"{API}/invitations/{invitation.pk}/accept").json()
    assert (data["slug"], data["my_role"]) == (community.slug, "member")
    assert post(bob_client, f"{API}/invitations/{invitation.pk}/accept").status_code == 404


def test_patch_and_delete(make_user, make_community, client_for):
    """Owners change and delete their community."""
    owner = make_user()
    community = make_community("open", owner=owner, name="Alt")
    client = client_for(owner)
    response = client.patch(
        f"{API}/{community.slug}",
        data=json.dumps({"name": "Neu", "kind": "private"}),
        content_type="application/json",
    )
    assert (response.json()["name"], response.json()["kind"]) == ("Neu", "private")
    assert client.delete(f"{API}/{community.slug}").status_code == 204
    assert not Community.objects.exists()


def test_secret_never_403(make_user, make_community, client_for):
    """Every endpoint answers 404 for a secret community's outsider, never 403."""
    owner = make_user()
    community = make_community("secret", owner=owner, members=(make_user("mem_s"),))
    join_request = JoinRequest.objects.create(community=community, user=make_user())
    client = client_for(make_user())
    base = f"{API}/{community.slug}"
    calls = [
        client.get(base),
        client.get(f"{base}/members"),
        client.get(f"{base}/requests"),
        post(client, f"{base}/join"),
        post(client, f"{base}/leave"),
        post(client, f"{base}/requests"),
        post(client, f"{base}/requests/{join_request.pk}/approve"),
        post(client, f"{base}/invitations", {"invitee": "mem_s"}),
        put(client, f"{base}/members/mem_s/role", {"role": "owner"}),
        client.delete(f"{base}/members/mem_s"),
        client.delete(base),
    ]
    for response in calls:
        assert response.status_code == 404
        assert community.name not in response.content.decode()


def test_openapi_describes_community_endpoints(make_user, client_for):
    """The OpenAPI document lists the endpoints with described fields."""
    schema = client_for(make_user()).get("/api/v1/openapi.json").json()
    assert f"{API}/{{slug}}/members/{{username}}/role" in schema["paths"]
    kind = schema["components"]["schemas"]["CommunityOut"]["properties"]["kind"]
    assert "secret" in kind["description"]


def test_personal_access_token(make_user, make_community):
    """A bearer token reads and writes without a session."""
    anna = make_user()
    community = make_community("open", owner=make_user())
    token = token_create(user=anna, name="script").raw
    client = Client(enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(API, **auth).json()["total"] == 1
    assert client.post(f"{API}/{community.slug}/join", **auth).status_code == 200
    assert Membership.objects.filter(community=community, user=anna).exists()
