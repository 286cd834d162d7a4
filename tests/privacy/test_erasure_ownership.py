"""A community keeps an owner when its only owner is erased: it passes to the longest-standing
moderator, else the longest-standing member (never a guest or a deactivated account), who is
told why; with nobody else it is left without an owner, marked as needing one (its page, its
card, the administrators' directory tab) and every platform administrator is told until one of
them makes someone its owner. The erasure page and the command's dry run name these
communities beforehand, its status page counts them, the audit log records each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hanse.audit.models import AuditEntry
from hanse.communities.models import Community, Membership
from hanse.communities.services import membership_add, membership_change_role
from hanse.core import personal_data
from hanse.notifications import selectors as notification_selectors
from hanse.notifications.models import Notification
from hanse.notifications.registry import render_for
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
    told = Notification.objects.get(recipient=old_mod, type="ownership_passed")
    assert told.community_id == community.pk
    assert told.actor_id == admin_user.pk
    assert render_for(told).title == (
        f"You are now the owner of {community.name}, because the account of its only owner "
        "was removed."
    )
    assert not Notification.objects.filter(type="community_needs_owner").exists()
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
    assert "It is marked as needing an owner, and every platform administrator is told" in page
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


def test_the_new_owner_is_told_also_when_the_command_erases(
    make_user: Any, make_community: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The command has no administrator to name as actor: the successor is told all the same."""
    anna, mona = make_user("annab"), make_user("mona")
    community = make_community(owner=anna, moderators=(mona,))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("hanse_erase_person", "annab", "--policy", "pseudonymise")
    assert _owners(community) == {"mona"}
    told = Notification.objects.get(recipient=mona, type="ownership_passed")
    assert told.actor_id is None
    assert told.community_id == community.pk


def test_without_a_successor_administrators_are_told_and_the_community_is_marked(
    make_user: Any,
    make_community: Any,
    admin_user: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Every platform administrator (the one who asked too) is told, nobody else; the page, the
    card and the administrators' directory tab mark the community until it has an owner again;
    then the notice goes away by itself."""
    anna = make_user("annab")
    other_admin = make_user("admin2", is_staff=True, is_superuser=True)
    guest = make_user("guest", is_guest=True, guest_organisation="Partner AG")
    community = make_community(owner=anna, name="Nur Anna", members=(guest,))
    kept = make_community(owner=make_user("olga"), name="Mit Olga")
    _erase(anna, admin_user, django_capture_on_commit_callbacks)
    told = Notification.objects.filter(type="community_needs_owner")
    assert {n.recipient_id for n in told} == {admin_user.pk, other_admin.pk}
    notice = told.get(recipient=admin_user)
    assert notice.community_id == community.pk
    assert render_for(notice).url == reverse("communities:appoint_owner", args=[community.slug])
    assert "Nur Anna has no owner any more" in render_for(notice).title
    assert notification_selectors.bell_queryset(user=admin_user).filter(pk=notice.pk).exists()

    admin = client_for(admin_user)
    page = admin.get(reverse("communities:detail", args=[community.slug])).content.decode()
    assert "This community has no owner at the moment" in page
    assert "As a platform administrator, <a href=" in page
    assert reverse("communities:appoint_owner", args=[community.slug]) in page
    member_page = client_for(guest).get(reverse("communities:detail", args=[community.slug]))
    assert "The platform administrators will appoint its owner." in (member_page.content.decode())
    listed = admin.get(reverse("communities:directory"), {"scope": "ownerless"}).content.decode()
    assert "Nur Anna" in listed and "Mit Olga" not in listed
    assert "Needs an owner" in listed
    other = admin.get(reverse("communities:detail", args=[kept.slug])).content.decode()
    assert "no owner at the moment" not in other

    # An administrator makes someone owner: the mark and the notice go.
    newcomer = make_user("newcomer")
    with django_capture_on_commit_callbacks(execute=True):
        membership_add(community=community, user=newcomer)
        membership_change_role(community=community, user=newcomer, role="owner", by=other_admin)
    page = admin.get(reverse("communities:detail", args=[community.slug])).content.decode()
    assert "no owner at the moment" not in page
    listed = admin.get(reverse("communities:directory"), {"scope": "ownerless"}).content.decode()
    assert "Nur Anna" not in listed and "Every community has an owner." in listed
    assert not notification_selectors.bell_queryset(user=admin_user).filter(pk=notice.pk).exists()


def test_german_notice_and_mark(
    make_user: Any,
    make_community: Any,
    admin_user: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    anna = make_user("annab")
    community = make_community(owner=anna, name="Nur Anna")
    _erase(anna, admin_user, django_capture_on_commit_callbacks)
    admin_user.ui_language = "de"
    admin_user.save(update_fields=["ui_language"])
    notice = Notification.objects.get(type="community_needs_owner", recipient=admin_user)
    assert render_for(notice).title.startswith("Nur Anna hat keinen Inhaber mehr")
    client = client_for(admin_user)
    client.cookies["hanse_language"] = "de"
    page = client.get(
        reverse("communities:detail", args=[community.slug]), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Diese Community hat im Moment keinen Inhaber" in page


@pytest.mark.parametrize(
    ("who", "sees_tab"),
    [
        ("outsider", False),
        ("member", False),
        ("moderator", False),
        ("owner", False),
        ("admin", True),
    ],
)
def test_the_ownerless_tab_is_for_platform_administrators_only(
    make_user: Any,
    make_community: Any,
    admin_user: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
    who: str,
    sees_tab: bool,
) -> None:
    """Permission table of the directory's "Without an owner" tab: anyone else asking for it
    gets the usual list of all communities, and anonymous people the sign-in page."""
    anna, mona, mia = make_user("annab"), make_user("mona"), make_user("mia")
    otto = make_user("otto")
    make_community(owner=anna, name="Nur Anna")
    make_community(owner=otto, name="Ottos Runde", moderators=(mona,), members=(mia,))
    _erase(anna, admin_user, django_capture_on_commit_callbacks)
    person = {
        "outsider": make_user("outsider"),
        "member": mia,
        "moderator": mona,
        "owner": otto,
        "admin": admin_user,
    }[who]
    client = client_for(person)
    html = client.get(reverse("communities:directory"), {"scope": "ownerless"}).content.decode()
    assert ("Without an owner</a>" in html) is sees_tab
    # Everyone sees "Nur Anna" marked in the full list; only the admin tab leaves "Ottos Runde" out.
    assert "Nur Anna" in html and "Needs an owner" in html
    assert ("Ottos Runde" in html) is not sees_tab
    anonymous = client_for(None).get(reverse("communities:directory"), {"scope": "ownerless"})
    assert anonymous.status_code == 302


def test_the_command_dry_run_names_what_becomes_of_the_communities(
    make_user: Any, make_community: Any, capsys: Any
) -> None:
    anna, mona = make_user("annab"), make_user("mona")
    handed = make_community(owner=anna, name="Zinsrunde", moderators=(mona,))
    alone = make_community(owner=anna, name="Nur Anna")
    call_command("hanse_erase_person", "annab", "--policy", "delete", "--dry-run")
    out = capsys.readouterr().out
    assert "communities.ownership_passed_on: 1" in out
    assert "communities.left_without_owner: 1" in out
    assert f"{handed.slug}: passes to mona" in out
    assert f"{alone.slug}: nobody can take over; it will be marked as needing an owner" in out
    assert _owners(handed) == {"annab"} and _owners(alone) == {"annab"}
    assert not Notification.objects.exists()


def test_nobody_left_erased_told_appointed_told(
    make_user: Any,
    make_community: Any,
    admin_user: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """End to end, through the pages: the owner was the only member; after the erasure the
    administrator is told, follows the notice to the appointment page, picks a colleague who
    was never a member; the mark and the notice go, and the new owner is told."""
    anna = make_user("annab")
    community = make_community("secret", owner=anna, name="Nur Anna")
    mona = make_user("mona", first_name="Mona", last_name="Meyer")
    _erase(anna, admin_user, django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(community=community).exists()
    notice = Notification.objects.get(type="community_needs_owner", recipient=admin_user)
    url = render_for(notice).url
    assert url == reverse("communities:appoint_owner", args=[community.slug])

    admin = client_for(admin_user)
    members = admin.get(reverse("communities:members", args=[community.slug])).content.decode()
    assert "This community has no members yet." in members and url in members
    assert "Appoint an owner" in admin.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"person": "Mona Meyer"}, follow=True)
    page = response.content.decode()
    assert "Mona Meyer is now the owner of “Nur Anna”." in page
    assert "no owner at the moment" not in page
    assert _owners(community) == {"mona"}
    assert Community.objects.get(pk=community.pk).member_count == 1
    assert not notification_selectors.bell_queryset(user=admin_user).filter(pk=notice.pk).exists()
    listed = admin.get(reverse("communities:directory"), {"scope": "ownerless"}).content.decode()
    assert "Nur Anna" not in listed
    told = Notification.objects.get(type="owner_appointed", recipient=mona)
    assert told.actor_id == admin_user.pk and told.community_id == community.pk
    assert notification_selectors.bell_queryset(user=mona).filter(pk=told.pk).exists()
    entry = AuditEntry.objects.get(action="communities.owner_appointed")
    assert entry.data == {"new_owner_id": mona.pk, "previous_role": None}
    # Mona sees her secret community now, as its owner.
    page = client_for(mona).get(reverse("communities:detail", args=[community.slug]))
    assert page.status_code == 200 and "Your role: Owner" in page.content.decode()
    # A second administrator who followed the same notice meanwhile is told, nothing changes.
    again = client_for(make_user("admin2", is_staff=True, is_superuser=True)).post(
        url, {"person": "annab"}, follow=True
    )
    assert "This community has an owner already." in again.content.decode()
    assert _owners(community) == {"mona"}
