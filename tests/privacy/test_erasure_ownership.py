"""A community keeps an owner when its only owner is erased: it passes to the longest-standing
moderator, else the longest-standing member (never a guest or a deactivated account), who is
told; with nobody else it is left without an owner. The erasure page names these communities
beforehand, its status page counts them, the audit log records each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hanse.audit.models import AuditEntry
from hanse.communities.models import Community, Membership
from hanse.core import personal_data
from hanse.notifications.models import Notification
from hanse.privacy import erasure as service
from hanse.privacy.models import Erasure

pytestmark = pytest.mark.django_db


def _erase(person: Any, admin: Any, capture: Any, policy: str = personal_data.PSEUDONYMISE) -> Any:
    with capture(execute=True):
        erasure = service.erasure_request(user=person, by=admin, policy=policy)
    erasure.refresh_from_db()
    assert erasure.status == Erasure.Status.DONE, erasure.error
    return erasure


def _joined(community: Community, person: Any, days_ago: int) -> None:
    Membership.objects.filter(community=community, user=person).update(
        joined_at=timezone.now() - timedelta(days=days_ago)
    )


def _owners(community: Community) -> set[str]:
    return set(
        Membership.objects.filter(community=community, role=Membership.Role.OWNER).values_list(
            "user__username", flat=True
        )
    )


@pytest.mark.parametrize("policy", personal_data.POLICIES)
def test_the_longest_standing_moderator_takes_over(
    make_user: Any,
    make_community: Any,
    admin_user: Any,
    django_capture_on_commit_callbacks: Any,
    policy: str,
) -> None:
    """A moderator goes before a member who joined earlier; the older moderator first; the
    new owner is told and the audit log records it."""
    anna = make_user("annab")
    old_mod, new_mod, veteran = make_user("oldmod"), make_user("newmod"), make_user("veteran")
    community = make_community(owner=anna, moderators=(new_mod, old_mod), members=(veteran,))
    _joined(community, veteran, 900)
    _joined(community, old_mod, 300)
    _joined(community, new_mod, 100)
    erasure = _erase(anna, admin_user, django_capture_on_commit_callbacks, policy)
    assert _owners(community) == {"oldmod"}
    assert Membership.objects.get(community=community, user=new_mod).role == "moderator"
    assert erasure.counts["communities"] == {"ownership_passed_on": 1}
    told = Notification.objects.get(recipient=old_mod, type="role_changed")
    assert told.community_id == community.pk
    assert told.actor_id == admin_user.pk
    entry = AuditEntry.objects.get(action="communities.owner_succeeded")
    assert entry.target_id == str(community.pk)
    assert entry.actor_id == admin_user.pk
    assert entry.data == {"reason": "erasure", "new_owner_id": old_mod.pk}


def test_the_longest_standing_member_takes_over_but_never_a_guest_or_deactivated(
    make_user: Any, make_community: Any, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    anna = make_user("annab")
    guest = make_user("guest", is_guest=True, guest_organisation="Partner AG")
    gone = make_user("gone")
    first, second = make_user("first"), make_user("second")
    community = make_community(owner=anna, members=(second, first, guest, gone))
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    _joined(community, guest, 2000)
    _joined(community, gone, 1500)
    _joined(community, first, 700)
    _joined(community, second, 10)
    _erase(anna, admin_user, django_capture_on_commit_callbacks)
    assert _owners(community) == {"first"}


def test_with_nobody_else_the_community_is_left_without_owner(
    make_user: Any, make_community: Any, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """It stays (with its content), ownerless; the status page and the audit log say so."""
    anna = make_user("annab")
    guest = make_user("guest", is_guest=True, guest_organisation="Partner AG")
    community = make_community(owner=anna, name="Nur Anna", members=(guest,))
    erasure = _erase(anna, admin_user, django_capture_on_commit_callbacks)
    assert Community.objects.filter(pk=community.pk).exists()
    assert _owners(community) == set()
    assert erasure.counts["communities"] == {"left_without_owner": 1}
    entry = AuditEntry.objects.get(action="communities.left_without_owner")
    assert entry.target_id == str(community.pk)
    assert not AuditEntry.objects.filter(action="communities.owner_succeeded").exists()


def test_a_community_with_another_owner_is_left_alone(
    make_user: Any, make_community: Any, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    anna, olga, mona = make_user("annab"), make_user("olga"), make_user("mona")
    community = make_community(owner=olga, moderators=(mona,), members=(anna,))
    Membership.objects.filter(community=community, user=anna).update(role="owner")
    erasure = _erase(anna, admin_user, django_capture_on_commit_callbacks)
    assert _owners(community) == {"olga"}
    assert erasure.counts["communities"] == {}
    assert not AuditEntry.objects.filter(action__startswith="communities.").exists()


def test_the_erasure_page_names_the_communities_and_their_successors(
    make_user: Any, make_community: Any, admin_user: Any, client_for: Any
) -> None:
    """Before confirming, the administrator sees which community passes to whom and which is
    left without an owner; the preview changes nothing."""
    anna, mona = make_user("annab"), make_user("mona", first_name="Mona", last_name="Meyer")
    handed = make_community(owner=anna, name="Zinsrunde", moderators=(mona,))
    alone = make_community(owner=anna, name="Nur Anna")
    client = client_for(admin_user)
    page = client.get(reverse("privacy:erasure_confirm", args=["annab"])).content.decode()
    assert "Communities they own alone" in page
    assert "Zinsrunde</a>: passes to Mona Meyer" in page
    assert "Nur Anna</a>: <strong>nobody else is left: it will have no owner.</strong>" in page
    assert "communities handed to a new owner: 1" in page
    assert "communities left without an owner: 1" in page
    assert _owners(handed) == {"annab"} and _owners(alone) == {"annab"}
    german = client_for(admin_user)
    german.cookies["hanse_language"] = "de"
    page = german.get(
        reverse("privacy:erasure_confirm", args=["annab"]), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Communities, die die Person allein besitzt" in page
    assert "geht über an Mona Meyer" in page
