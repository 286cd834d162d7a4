"""What the audit log records from the real flows: signing in and failing to, role and
permission changes, every action in Django admin, the site configuration, the named list of
a must-read, exports. After all of them the chain still verifies."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from hanse.audit.models import AuditEntry
from hanse.audit.selectors import verify_chain
from hanse.core.models import SiteConfiguration
from hanse.posts.models import Announcement
from hanse.posts.services.announcements import announcement_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ADDR = "198.51.100.7"


def _actions(**filters: object) -> list[str]:
    return list(
        AuditEntry.objects.filter(**filters).order_by("seq").values_list("action", flat=True)
    )


def _last(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None, f"no {action} entry; have {_actions()}"
    return entry


def test_login_logout_and_failures_through_the_login_form(user) -> None:
    client = Client(REMOTE_ADDR=ADDR, HTTP_X_REQUEST_ID="req-login-1")
    url = reverse("account_login")
    response = client.post(url, {"login": "anna", "password": "wrong"})
    assert response.status_code == 200  # the form again, with its error
    failed = _last("auth.login_failed")
    assert failed.actor_id is None
    assert (failed.target_type, failed.target_id) == ("people.user", str(user.pk))
    assert failed.data["known_account"] is True
    assert failed.source_ip == ADDR and failed.request_id == "req-login-1"
    assert "wrong" not in str(failed.data) and "anna" not in str(failed.data)

    client.post(url, {"login": "nobody-here", "password": "wrong"})
    unknown = _last("auth.login_failed")
    assert unknown.target_id == "" and unknown.data["known_account"] is False
    assert "nobody-here" not in str(unknown.data)

    response = client.post(url, {"login": "anna", "password": PASSWORD})
    assert response.status_code == 302
    login = _last("auth.login")
    assert login.actor_id == user.pk and login.source_ip == ADDR

    client.post(reverse("account_logout"))
    assert _last("auth.logout").actor_id == user.pk
    assert verify_chain() is None


def test_role_flags_groups_and_permissions(user, admin_user) -> None:
    group = Group.objects.create(name="Revision")
    perm = Permission.objects.get(codename="view_auditentry")
    user.groups.add(group)
    entry = _last("roles.group_added")
    assert (entry.target_type, entry.target_id, entry.data) == (
        "people.user",
        str(user.pk),
        {"groups": [group.pk]},
    )
    group.permissions.add(perm)
    assert _last("roles.group_permission_added").data == {"permissions": ["audit.view_auditentry"]}
    user.user_permissions.add(perm)
    assert _last("roles.permission_added").data == {"permissions": ["audit.view_auditentry"]}
    group.user_set.remove(user)  # from the other side
    assert _last("roles.group_removed").target_id == str(user.pk)
    user.user_permissions.clear()
    assert _last("roles.permission_cleared").data == {"permissions": ["audit.view_auditentry"]}

    user.is_staff = True
    user.save()
    assert _last("roles.flags_changed").data == {"is_staff": [False, True]}
    before = AuditEntry.objects.count()
    user.first_name = "Annette"
    user.save()  # not a role
    user.save(update_fields=["last_login"])
    assert AuditEntry.objects.count() == before
    assert verify_chain() is None


def test_every_admin_action_is_recorded_with_the_administrator(admin_user) -> None:
    client = Client(REMOTE_ADDR=ADDR)
    client.force_login(admin_user)
    perm = Permission.objects.get(codename="view_auditentry")
    response = client.post(
        reverse("admin:auth_group_add"), {"name": "Prüfer", "permissions": [perm.pk]}
    )
    assert response.status_code == 302
    group = Group.objects.get(name="Prüfer")
    added = _last("admin.added")
    assert (added.actor_id, added.target_type, added.target_id) == (
        admin_user.pk,
        "auth.group",
        str(group.pk),
    )
    assert added.source_ip == ADDR
    granted = _last("roles.group_permission_added")
    assert granted.actor_id == admin_user.pk and granted.source_ip == ADDR

    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]), {"name": "Prüfung", "permissions": []}
    )
    assert response.status_code == 302
    assert _last("admin.changed").data == {"fields": ["Name", "Permissions"]}
    assert _last("roles.group_permission_removed").actor_id == admin_user.pk

    response = client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [group.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Group.objects.filter(pk=group.pk).exists()
    deleted = _last("admin.deleted")
    assert deleted.target_id == str(group.pk) and deleted.actor_id == admin_user.pk
    assert verify_chain() is None


def test_site_configuration_changes_record_old_and_new_values(admin_user) -> None:
    config = SiteConfiguration.get()
    assert not AuditEntry.objects.filter(action="settings.changed").exists()  # defaults
    client = Client(REMOTE_ADDR=ADDR)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:core_siteconfiguration_change", args=[config.pk]),
        {"community_founding": "restricted"},  # presence switched off: unchecked box
    )
    assert response.status_code == 302
    entry = _last("settings.changed")
    assert entry.actor_id == admin_user.pk and entry.source_ip == ADDR
    assert entry.data == {
        "fields": {
            "community_founding": ["everyone", "restricted"],
            "presence_enabled": [True, False],
        }
    }
    assert _last("admin.changed").target_type == "core.siteconfiguration"


def test_named_list_and_exports_are_recorded(make_user, client_for, admin_user) -> None:
    author = make_user("komm")
    author.groups.add(Group.objects.get(name="Kommunikation"))
    make_user("reader")
    must = announcement_create(
        author=author, title="Pflicht", body="Lesen", audience_units=(), is_draft=False,
        must_read=True,
    )  # fmt: skip
    Announcement.objects.filter(pk=must.pk).update(compliance_list_allowed=True)
    client = client_for(author)
    assert client.get(reverse("posts:announcement_compliance", args=[must.pk])).status_code == 200
    assert (
        client.get(reverse("posts:announcement_compliance_csv", args=[must.pk])).status_code == 200
    )
    views = AuditEntry.objects.filter(action="posts.named_list_viewed").order_by("seq")
    assert [e.data["via"] for e in views] == ["web", "csv"]
    assert all(e.actor_id == author.pk and e.target_id == str(must.pk) for e in views)

    from hanse.participation.services import poll_create

    poll = poll_create(author=author, question="Homeoffice?", options=["Ja", "Nein"])
    response = client.get(reverse("participation:export", args=[poll.pk]))
    assert response.status_code == 200
    exported = _last("participation.poll_exported")
    assert exported.actor_id == author.pk and exported.target_id == str(poll.pk)
    # A refused export is not an export.
    other = client_for(make_user("other"))
    assert other.get(reverse("participation:export", args=[poll.pk])).status_code == 403
    assert AuditEntry.objects.filter(action="participation.poll_exported").count() == 1

    call_command("audit_verify")
