"""Django admin for communities and the site configuration singleton."""

from __future__ import annotations

from django.urls import reverse

from hanse.communities.models import Community, Membership
from hanse.core.models import SiteConfiguration


def test_community_admin_pages(admin_user, make_user, make_community, client_for):
    """List with filter and search, change page with memberships inline."""
    community = make_community("secret", owner=make_user(), name="Vorstandsrunde")
    client = client_for(admin_user)
    listing = client.get(reverse("admin:communities_community_changelist"), {"kind": "secret"})
    assert listing.status_code == 200 and "Vorstandsrunde" in listing.content.decode()
    found = client.get(reverse("admin:communities_community_changelist"), {"q": "vorstand"})
    assert "Vorstandsrunde" in found.content.decode()
    change = client.get(reverse("admin:communities_community_change", args=[community.pk]))
    assert change.status_code == 200 and "memberships-TOTAL_FORMS" in change.content.decode()
    for name in ("joinrequest", "invitation"):
        assert client.get(reverse(f"admin:communities_{name}_changelist")).status_code == 200


def test_recount_action(admin_user, make_user, make_community, client_for):
    """The recount action repairs a drifted member count."""
    community = make_community("open", owner=make_user(), members=(make_user(),))
    Community.objects.filter(pk=community.pk).update(member_count=99)
    client_for(admin_user).post(
        reverse("admin:communities_community_changelist"),
        {"action": "recount", "_selected_action": [community.pk]},
    )
    community.refresh_from_db()
    assert community.member_count == Membership.objects.filter(community=community).count() == 2


def test_site_configuration_is_a_singleton(admin_user, client_for):
    """The list opens the one row; no adding a second, no deleting."""
    client = client_for(admin_user)
    response = client.get(reverse("admin:core_siteconfiguration_changelist"))
    config = SiteConfiguration.objects.get()
    assert response["Location"] == reverse("admin:core_siteconfiguration_change", args=[config.pk])
    assert client.get(reverse("admin:core_siteconfiguration_add")).status_code == 403
    delete_url = reverse("admin:core_siteconfiguration_delete", args=[config.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:core_siteconfiguration_change", args=[config.pk]),
        {"community_founding": "restricted"},
    )
    assert response.status_code == 302
    assert SiteConfiguration.get().community_founding == "restricted"


def test_community_delete_in_admin_goes_through_the_service(make_user, make_community, client_for):
    """Only who may delete the community on the site may delete it in admin."""
    staff = make_user("staff", is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_community", "delete_community"])
    )
    community = make_community("open", owner=make_user(), name="Lauftreff")
    response = client_for(staff).post(
        reverse("admin:communities_community_delete", args=[community.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert Community.objects.filter(pk=community.pk).exists()
