"""Django admin for people and org units: pages render and saving keeps paths right."""

from __future__ import annotations

import pytest

from hanse.people.models import OrgUnit


@pytest.mark.parametrize(
    "url",
    [
        "/admin/people/user/",
        "/admin/people/user/?org_unit__id__exact=1&is_active__exact=1&q=anna",
        "/admin/people/orgunit/",
        "/admin/people/orgunit/add/",
        "/admin/people/location/",
        "/admin/people/skill/",
    ],
)
def test_admin_pages_render(org, admin_user, client_for, url):
    """The people admin pages answer 200 for an administrator."""
    assert client_for(admin_user).get(url).status_code == 200


def test_admin_user_change_page_renders(org, admin_user, user, client_for):
    """A person's admin page shows the profile fields."""
    html = client_for(admin_user).get(f"/admin/people/user/{user.pk}/change/").content.decode()
    assert 'name="job_title"' in html
    assert 'name="org_unit"' in html


def _unit_form(unit: OrgUnit, **changes) -> dict:
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "slug": unit.slug,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "manager": unit.manager_id or "",
        "location": unit.location_id or "",
        "sort_order": unit.sort_order,
    }
    data.update(changes)
    return data


def test_admin_adds_unit_with_path_and_slug(org, admin_user, client_for):
    """A unit added in the admin gets its path and a slug from its name."""
    client = client_for(admin_user)
    response = client.post(
        "/admin/people/orgunit/add/",
        {"name": "Digitales Lernen", "kind": "team", "parent": org["it"].pk, "sort_order": 0},
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(name="Digitales Lernen")
    assert unit.slug == "digitales-lernen"
    assert unit.path == f"{org['it'].path}{unit.pk:04d}."
    assert unit.depth == 2


def test_admin_move_rewrites_subtree(org, admin_user, client_for):
    """Moving a unit in the admin rewrites the paths below it."""
    client = client_for(admin_user)
    it = org["it"]
    response = client.post(
        f"/admin/people/orgunit/{it.pk}/change/", _unit_form(it, parent=org["private"].pk)
    )
    assert response.status_code == 302
    it_ops = OrgUnit.objects.get(pk=org["it_ops"].pk)
    assert it_ops.path.startswith(org["private"].path)
    assert it_ops.depth == 3


def test_admin_refuses_cycle(org, admin_user, client_for):
    """Moving a unit below its own sub-unit is refused in the form."""
    client = client_for(admin_user)
    it = org["it"]
    response = client.post(
        f"/admin/people/orgunit/{it.pk}/change/", _unit_form(it, parent=org["it_ops"].pk)
    )
    assert response.status_code == 200
    assert "A unit cannot be moved below itself or one of its own sub-units." in (
        response.content.decode()
    )
    assert OrgUnit.objects.get(pk=it.pk).parent_id == org["bank"].pk


def _user_form(person, **changes) -> dict:
    data = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title,
        "org_unit": person.org_unit_id or "",
        "location": person.location_id or "",
        "phone": person.phone,
        "mobile": person.mobile,
        "about": person.about,
        "languages": "[]",
        "ui_language": person.ui_language,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    }
    data.update(changes)
    return data


def test_admin_changes_hr_fields(org, admin_user, user, client_for):
    """An administrator records a person's org unit, location and job title."""
    response = client_for(admin_user).post(
        f"/admin/people/user/{user.pk}/change/",
        _user_form(
            user,
            job_title="Filialleiterin",
            org_unit=org["moelln"].pk,
            location=org["moelln_location"].pk,
            phone="04542 1",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert (user.job_title, user.org_unit, user.location, user.phone) == (
        "Filialleiterin",
        org["moelln"],
        org["moelln_location"],
        "04542 1",
    )
