"""/api/v1/wiki: pages, revisions, diff, restore and the 409 edit conflict."""

from __future__ import annotations

import json

import pytest

from hanse.wiki import services

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def test_create_get_update_conflict(client_for, people, club):
    client = client_for(people["member"])
    created = _post(
        client, "/api/v1/wiki/pages", {"community": club.slug, "title": "FAQ", "body": "**A**"}
    )
    assert created.status_code == 201, created.content
    page = created.json()
    assert page["html"].startswith("<p><strong>A</strong>")
    assert page["authors"] == [
        {
            "username": "mia",
            "display_name": "Mia Mitglied",
            "is_guest": False,
            "guest_organisation": "",
            "is_former": False,
        }
    ]
    url = f"/api/v1/wiki/pages/{page['id']}"
    base = page["base_revision"]
    ok = _put(client, url, {"title": "FAQ", "body": "B", "base_revision": base})
    assert ok.status_code == 200 and ok.json()["revision"] == 2
    clash = _put(client, url, {"title": "FAQ", "body": "C", "base_revision": base})
    assert clash.status_code == 409
    assert clash.json()["code"] == "edit_conflict"
    assert client.get(url).json()["body"] == "B"
    revisions = client.get(url + "/revisions").json()
    assert [r["number"] for r in revisions["items"]] == [2, 1]
    diff = client.get(url + "/diff?older=1&newer=2").json()
    assert {"op": "added", "text": "B"} in diff["body"]
    restored = client.post(url + "/revisions/1/restore")
    assert restored.status_code == 200 and restored.json()["body"] == "**A**"


def test_list_pages_of_a_community(client_for, people, club):
    services.page_create(by=people["member"], community=club, title="Eins")
    body = client_for(people["member"]).get(f"/api/v1/wiki/pages?community={club.slug}").json()
    assert [p["title"] for p in body["items"]] == ["Eins"] and body["total"] == 1


def test_outsider_gets_404_for_private_pages(client_for, people, club):
    page = services.page_create(by=people["member"], community=club, title="Geheim")
    client = client_for(people["outsider"])
    assert client.get(f"/api/v1/wiki/pages/{page.pk}").status_code == 404
    assert client.get(f"/api/v1/wiki/pages?community={club.slug}").status_code == 404
    assert client.get("/api/v1/wiki/pages/999999").status_code == 404


def test_member_may_not_edit_when_moderators_only(client_for, people, club):
    page = services.page_create(by=people["member"], community=club, title="Regeln")
    services.wiki_settings_update(
        community=club, by=people["owner"], enabled=True, edit_policy="moderators", review_days=90
    )
    response = _put(
        client_for(people["member"]),
        f"/api/v1/wiki/pages/{page.pk}",
        {"title": "Regeln", "body": "x", "base_revision": None},
    )
    assert response.status_code == 403
