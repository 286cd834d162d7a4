"""Roles (issue 20): each is a group with its permission, created by a migration, granted in
admin, shown on the person's admin page, and every change written to the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from hanse.analytics.rules import has_analytics_role
from hanse.audit.models import AuditEntry
from hanse.circles.rules import COORDINATE_PERMISSION
from hanse.identity.roles import ROLES
from hanse.moderation.rules import is_platform_moderator
from hanse.people.models import User
from hanse.posts.rules import may_publish_announcement

pytestmark = pytest.mark.django_db

GROUP_ROLES = [role for role in ROLES if role.group]


@pytest.mark.parametrize("role", GROUP_ROLES, ids=lambda r: r.key)
def test_each_role_is_a_group_with_its_permission(role: Any) -> None:
    group = Group.objects.get(name=role.group)
    app, codename = role.permission.split(".")
    assert group.permissions.filter(content_type__app_label=app, codename=codename).exists()


def test_the_group_grants_what_the_role_may_do(make_user: Callable[..., User]) -> None:
    checks = {
        "communications": may_publish_announcement,
        "moderator": is_platform_moderator,
        "analytics": has_analytics_role,  # may_view_analytics: the role while analytics are on
        "circle_coordinator": lambda u: u.has_perm(COORDINATE_PERMISSION),
    }
    for role in GROUP_ROLES:
        person = make_user()
        assert not checks[role.key](person), role.key
        person.groups.add(Group.objects.get(name=role.group))
        person = User.objects.get(pk=person.pk)  # a fresh permission cache
        assert checks[role.key](person), role.key


def test_granting_and_taking_a_role_in_code_is_audited(make_user: Callable[..., User]) -> None:
    person = make_user()
    group = Group.objects.get(name="Moderation")
    person.groups.add(group)
    person.groups.remove(group)
    group.user_set.add(person)
    entries = list(
        AuditEntry.objects.filter(target_id=str(person.pk), action__startswith="roles.group_")
        .order_by("pk")
        .values_list("action", "data")
    )
    assert entries == [
        ("roles.group_added", {"groups": [group.pk]}),
        ("roles.group_removed", {"groups": [group.pk]}),
        ("roles.group_added", {"groups": [group.pk]}),
    ]


def test_roles_are_granted_in_admin_shown_there_and_audited(
    admin_user: User, make_user: Callable[..., User], client_for: Callable[..., Any]
) -> None:
    person = make_user("clara", first_name="Clara", last_name="Koordinatorin")
    client = client_for(admin_user)
    url = reverse("admin:people_user_change", args=[person.pk])
    page = client.get(url).content.decode()
    assert "no role" in page
    groups = [Group.objects.get(name=n).pk for n in ("Netzwerkanalyse", "Circle-Koordination")]
    response = client.post(
        url,
        {
            "username": person.username,
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "is_active": "on",
            "groups": groups,
            "languages": "[]",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(person.groups.values_list("pk", flat=True)) == set(groups)
    entry = AuditEntry.objects.get(action="roles.group_added", target_id=str(person.pk))
    assert entry.actor_id == admin_user.pk
    assert sorted(entry.data["groups"]) == sorted(groups)
    page = client.get(url).content.decode()
    assert "<strong>Circle-Koordination</strong>, <strong>Netzwerkanalyse</strong>" in page
    admin_page = client.get(reverse("admin:people_user_change", args=[admin_user.pk]))
    assert "<strong>Administrator</strong>" in admin_page.content.decode()


def test_making_someone_an_administrator_is_audited(make_user: Callable[..., User]) -> None:
    person = make_user()
    person.is_superuser = True
    person.save(update_fields=["is_superuser"])
    entry = AuditEntry.objects.get(action="roles.flags_changed", target_id=str(person.pk))
    assert entry.data == {"is_superuser": [False, True]}
