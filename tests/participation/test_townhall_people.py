"""The person picker of a town hall's host and moderator fields: who may ask it (every actor),
what it answers, and that the fields work without it (plain usernames)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from hanse.participation.townhalls import townhall_create

URL = "participation:townhall_people"


@pytest.fixture
def people(make_user, admin_user, org):
    creator = make_user("kommunikation")
    creator.user_permissions.add(Permission.objects.get(codename="host_townhall"))
    host = make_user("vorstand")
    now = timezone.now()
    townhall_create(
        by=admin_user,
        title="Fragestunde",
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=1),
        hosts=[host],
    )
    make_user("vera", first_name="Vera", last_name="Vorstand", org_unit=org["it"],
              job_title="Vorständin")  # fmt: skip
    make_user("gone", first_name="Vera", last_name="Verlassen", is_active=False)
    return {"member": make_user("mitglied"), "creator": creator, "host": host,
            "admin": admin_user}  # fmt: skip


# (actor, status of the picker)
TABLE = [("anonymous", 302), ("member", 403), ("creator", 200), ("host", 200), ("admin", 200)]


@pytest.mark.parametrize(("actor", "status"), TABLE)
def test_who_may_ask_the_picker(people, client_for, actor, status):
    client = client_for(None if actor == "anonymous" else people[actor])
    response = client.get(reverse(URL), {"q": "Vera"})
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response["Location"]


def test_answers_active_colleagues_by_name_or_unit(people, client_for):
    client = client_for(people["creator"])
    found = client.get(reverse(URL), {"q": "vera vor"}).json()["people"]
    assert found == [
        {"username": "vera", "name": "Vera Vorstand", "detail": "Vorständin · IT und Organisation"}
    ]
    # By the unit's name too; the inactive Vera is never offered.
    assert [p["username"] for p in client.get(reverse(URL), {"q": "@IT und"}).json()["people"]] == [
        "vera"
    ]
    # One letter, nothing, or garbage: an empty list, never an error.
    for q in ("V", "", "x" * 5000, "%'\"<b>"):
        response = client.get(reverse(URL), {"q": q})
        assert response.status_code == 200 and response.json()["people"] == []
    # A control character is refused for every request (hanse/core/middleware.py): 400.
    assert client.get(reverse(URL), {"q": "ve\x00ra"}).status_code == 400


def test_form_fields_carry_the_picker_and_work_as_plain_fields(people, client_for):
    client = client_for(people["creator"])
    page = client.get(reverse("participation:townhall_new")).content.decode()
    assert f'data-people-picker="{reverse(URL)}"' in page
    assert "participation/townhall_people.js" in page
    start = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("participation:townhall_new"),
        {
            "title": "Fragen an IT",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "hosts": "vera, @vorstand",
            "company_wide": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
