"""Services: founding, joining, requests, invitations, roles, removal and the last owner."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission

from hanse.communities import services
from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.core.models import SiteConfiguration

LAST_OWNER = "A community needs at least one owner. Make someone else an owner first."


def role(community, user):
    return (
        Membership.objects.filter(community=community, user=user)
        .values_list("role", flat=True)
        .first()
    )


def count(community):
    community.refresh_from_db()
    assert community.member_count == community.memberships.count()
    return community.member_count


# --- community_create ---------------------------------------------------------------------


def test_create_makes_founder_owner(make_user):
    """The founder becomes the only owner and the count is one."""
    anna = make_user()
    community = services.community_create(
        by=anna, name="  Connectoren  ", kind="private", tagline="Wandel von innen"
    )
    assert community.name == "Connectoren"
    assert re.fullmatch(r"connectoren-[a-z0-9]{6}", community.slug)
    assert community.created_by == anna
    assert role(community, anna) == "owner"
    assert count(community) == 1


def test_create_slug_gets_a_random_ending_every_time(make_user):
    """The same name twice gets two addresses of the same shape, never a "-2"."""
    anna = make_user()
    first = services.community_create(by=anna, name="Lauftreff", kind="open")
    second = services.community_create(by=anna, name="Lauftreff", kind="open")
    third = services.community_create(by=anna, name="Lauftreff!", kind="open", slug="lauftreff")
    slugs = [first.slug, second.slug, third.slug]
    assert all(re.fullmatch(r"lauftreff-[a-z0-9]{6}", slug) for slug in slugs)
    assert len(set(slugs)) == 3


def test_create_slug_from_umlauts_and_symbols(make_user):
    """Umlauts lose their dots; a name without letters still gets an address."""
    anna = make_user()
    slug = services.community_create(by=anna, name="Über Grenzen", kind="open").slug
    assert re.fullmatch(r"uber-grenzen-[a-z0-9]{6}", slug)
    slug = services.community_create(by=anna, name="???", kind="open").slug
    assert re.fullmatch(r"community-[a-z0-9]{6}", slug)


def test_create_page_addresses_are_never_taken(make_user):
    """A name or explicit address like a page's gets the ending too."""
    anna = make_user()
    assert services.community_create(by=anna, name="New", kind="open").slug.startswith("new-")
    community = services.community_create(by=anna, name="Neues", kind="open", slug="new")
    assert community.slug.startswith("new-")


def test_create_retries_a_random_ending_that_exists(make_user, monkeypatch):
    """A drawn address that exists is drawn again (as unlikely as guessing one)."""
    anna = make_user()
    drawn = iter("a" * 12 + "b" * 6)
    monkeypatch.setattr(services.secrets, "choice", lambda alphabet: next(drawn))
    assert services.community_create(by=anna, name="Lauf", kind="open").slug == "lauf-aaaaaa"
    assert services.community_create(by=anna, name="Lauf", kind="open").slug == "lauf-bbbbbb"


def test_create_explicit_slug_invalid(make_user):
    """An address with spaces or capitals is refused."""
    anna = make_user()
    with pytest.raises(ServiceError) as exc:
        services.community_create(by=anna, name="Neues", kind="open", slug="Neue Ideen")
    assert exc.value.message == (
        "Use only lowercase letters, digits and hyphens for the address (at most 80)."
    )
    assert not Community.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Please give the community a name."),
        ("   ", "Please give the community a name."),
        (" ab ", "The name must be at least 3 characters long."),
        ("x" * 81, "The name may be at most 80 characters long."),
    ],
)
def test_create_bad_names(make_user, name, message):
    """Empty, short and overlong names are refused with a clear message."""
    anna = make_user()
    with pytest.raises(ServiceError) as exc:
        services.community_create(by=anna, name=name, kind="open")
    assert str(exc.value.message) == message
    assert not Community.objects.exists()
    assert not Membership.objects.exists()


def test_create_name_of_80_characters(make_user):
    """Exactly 80 characters are fine."""
    community = services.community_create(by=make_user(), name="x" * 80, kind="open")
    assert len(community.name) == 80


def test_create_bad_kind(make_user):
    """An unknown kind is refused."""
    with pytest.raises(ServiceError) as exc:
        services.community_create(by=make_user(), name="Lauftreff", kind="public")
    assert exc.value.message == "Choose whether the community is open, private or secret."
    assert not Community.objects.exists()


def test_create_overlong_tagline(make_user):
    """A tagline over 160 characters is refused."""
    with pytest.raises(ServiceError, match="tagline may be at most 160"):
        services.community_create(by=make_user(), name="Lauftreff", kind="open", tagline="t" * 161)
    assert not Community.objects.exists()


def test_create_refused_when_founding_restricted(make_user):
    """With restricted founding a plain employee may not found."""
    config = SiteConfiguration.get()
    config.community_founding = SiteConfiguration.CommunityFounding.RESTRICTED
    config.save()
    with pytest.raises(PermissionRefused) as exc:
        services.community_create(by=make_user(), name="Lauftreff", kind="open")
    assert exc.value.message == (
        "Only people with the permission to found communities may found one."
    )
    assert not Community.objects.exists()


def test_create_allowed_with_permission_when_restricted(make_user, admin_user):
    """People with the permission and superusers still found when restricted."""
    config = SiteConfiguration.get()
    config.community_founding = SiteConfiguration.CommunityFounding.RESTRICTED
    config.save()
    founder = make_user()
    founder.user_permissions.add(Permission.objects.get(codename="found_community"))
    founder = type(founder).objects.get(pk=founder.pk)  # drop the permission cache
    services.community_create(by=founder, name="Lauftreff", kind="open")
    services.community_create(by=admin_user, name="Admins", kind="open")
    assert Community.objects.count() == 2


def test_create_refused_for_inactive(make_user):
    """An inactive account founds nothing."""
    with pytest.raises(PermissionRefused):
        services.community_create(by=make_user(is_active=False), name="Lauftreff", kind="open")
    assert not Community.objects.exists()


# --- update and delete --------------------------------------------------------------------


def test_update_by_owner(make_user, make_community):
    """An owner changes name, tagline, description and kind."""
    owner = make_user()
    community = make_community("open", owner=owner)
    services.community_update(
        community=community, by=owner, name="Neu", tagline="T", description="D", kind="secret"
    )
    community.refresh_from_db()
    assert (community.name, community.tagline, community.description, community.kind) == (
        "Neu",
        "T",
        "D",
        "secret",
    )


def test_update_by_moderator_refused(make_user, make_community):
    """A moderator may not change the settings; nothing changes."""
    owner, mod = make_user(), make_user()
    community = make_community("open", owner=owner, moderators=(mod,), name="Alt")
    with pytest.raises(PermissionRefused) as exc:
        services.community_update(community=community, by=mod, name="Neu")
    assert exc.value.message == "Only owners may change the community's settings."
    community.refresh_from_db()
    assert community.name == "Alt"


def test_update_validates(make_user, make_community):
    """A bad name is refused on update too."""
    owner = make_user()
    community = make_community("open", owner=owner, name="Alt")
    with pytest.raises(ServiceError, match="at least 3"):
        services.community_update(community=community, by=owner, name="a")
    community.refresh_from_db()
    assert community.name == "Alt"


def test_update_unknown_field(make_user, make_community):
    """Only the editable fields may be passed."""
    owner = make_user()
    community = make_community("open", owner=owner)
    with pytest.raises(TypeError):
        services.community_update(community=community, by=owner, slug="x")


def test_delete_by_owner_and_admin(make_user, make_community, admin_user):
    """Owners and admins delete; memberships go with the community."""
    owner = make_user()
    one = make_community("open", owner=owner)
    two = make_community("secret", owner=owner)
    services.community_delete(community=one, by=owner)
    services.community_delete(community=two, by=admin_user)
    assert not Community.objects.exists()
    assert not Membership.objects.exists()


def test_delete_by_moderator_refused(make_user, make_community):
    """A moderator may not delete."""
    owner, mod = make_user(), make_user()
    community = make_community("open", owner=owner, moderators=(mod,))
    with pytest.raises(PermissionRefused, match=r"^Only owners may delete the community\.$"):
        services.community_delete(community=community, by=mod)
    assert Community.objects.filter(pk=community.pk).exists()


def test_secret_outsider_gets_not_found(make_user, make_community):
    """For an outsider a secret community does not exist, even in services."""
    community = make_community("secret", owner=make_user())
    with pytest.raises(ServiceError) as exc:
        services.community_delete(community=community, by=make_user())
    assert exc.value.status == 404
    assert exc.value.message == "This community does not exist."


# --- join and leave -----------------------------------------------------------------------


def test_join_open(make_user, make_community):
    """Anyone joins an open community directly."""
    community = make_community("open", owner=make_user())
    bob = make_user()
    services.membership_join(community=community, user=bob)
    assert role(community, bob) == "member"
    assert community.member_count == 2
    assert count(community) == 2


def test_join_twice(make_user, make_community):
    """Joining twice is refused."""
    community = make_community("open", owner=make_user())
    bob = make_user()
    services.membership_join(community=community, user=bob)
    with pytest.raises(ServiceError, match=r"^You are already a member of this community\.$"):
        services.membership_join(community=community, user=bob)
    assert count(community) == 2


def test_join_private_refused(make_user, make_community):
    """A private community is joined by request, not directly."""
    community = make_community("private", owner=make_user())
    bob = make_user()
    with pytest.raises(PermissionRefused) as exc:
        services.membership_join(community=community, user=bob)
    assert exc.value.message == (
        "This community is private. Ask to join, and a moderator will decide."
    )
    assert count(community) == 1


def test_join_secret_is_not_found(make_user, make_community):
    """Joining a secret community one was not invited to: it does not exist."""
    community = make_community("secret", owner=make_user())
    with pytest.raises(ServiceError) as exc:
        services.membership_join(community=community, user=make_user())
    assert exc.value.status == 404
    assert count(community) == 1


def test_join_inactive(make_user, make_community):
    """Inactive accounts do nothing."""
    community = make_community("open", owner=make_user())
    with pytest.raises(ServiceError):
        services.membership_join(community=community, user=make_user(is_active=False))
    assert count(community) == 1


def test_leave(make_user, make_community):
    """A member leaves; the count drops."""
    bob = make_user()
    community = make_community("open", owner=make_user(), members=(bob,))
    services.membership_leave(community=community, user=bob)
    assert role(community, bob) is None
    assert count(community) == 1


def test_leave_not_member(make_user, make_community):
    """Leaving a community one is not in is refused."""
    community = make_community("open", owner=make_user())
    with pytest.raises(PermissionRefused, match=r"^You are not a member of this community\.$"):
        services.membership_leave(community=community, user=make_user())


def test_last_owner_cannot_leave(make_user, make_community):
    """The last owner must hand over first."""
    owner = make_user()
    community = make_community("open", owner=owner, members=(make_user(),))
    with pytest.raises(ServiceError) as exc:
        services.membership_leave(community=community, user=owner)
    assert exc.value.message == LAST_OWNER
    assert role(community, owner) == "owner"
    assert count(community) == 2


def test_owner_leaves_when_another_owner_exists(make_user, make_community):
    """With two owners one may leave."""
    owner, second = make_user(), make_user()
    community = make_community("open", owner=owner, members=(second,))
    services.membership_change_role(community=community, user=second, role="owner", by=owner)
    services.membership_leave(community=community, user=owner)
    assert role(community, owner) is None
    assert count(community) == 1
    with pytest.raises(ServiceError, match="at least one owner"):
        services.membership_leave(community=community, user=second)


# --- join requests ------------------------------------------------------------------------


def test_request_and_approve(make_user, make_community):
    """A moderator approves a request; the person becomes a member."""
    mod, bob = make_user(), make_user()
    community = make_community("private", owner=make_user(), moderators=(mod,))
    request = services.join_request_create(community=community, user=bob, message=" Hallo ")
    assert request.message == "Hallo"
    services.join_request_approve(request=request, by=mod)
    request.refresh_from_db()
    assert request.status == "approved"
    assert request.decided_by == mod
    assert request.decided_at is not None
    assert role(community, bob) == "member"
    assert count(community) == 3


def test_request_decline(make_user, make_community):
    """An owner declines a request; nobody joins."""
    owner, bob = make_user(), make_user()
    community = make_community("private", owner=owner)
    request = services.join_request_create(community=community, user=bob)
    services.join_request_decline(request=request, by=owner)
    request.refresh_from_db()
    assert request.status == "declined"
    assert role(community, bob) is None
    assert count(community) == 1


def test_request_twice(make_user, make_community):
    """A second request while one is pending is refused."""
    community = make_community("private", owner=make_user())
    bob = make_user()
    services.join_request_create(community=community, user=bob)
    with pytest.raises(ServiceError) as exc:
        services.join_request_create(community=community, user=bob)
    assert exc.value.message == "You have already asked to join. A moderator will decide soon."
    assert JoinRequest.objects.count() == 1


def test_request_when_member(make_user, make_community):
    """Members do not ask to join."""
    bob = make_user()
    community = make_community("private", owner=make_user(), members=(bob,))
    with pytest.raises(ServiceError, match="already a member"):
        services.join_request_create(community=community, user=bob)
    assert not JoinRequest.objects.exists()


def test_request_open_and_secret(make_user, make_community):
    """Open communities are joined directly; secret ones do not exist for outsiders."""
    open_c = make_community("open", owner=make_user())
    secret = make_community("secret", owner=make_user())
    bob = make_user()
    with pytest.raises(ServiceError, match=r"^This community is open: you can join it directly\.$"):
        services.join_request_create(community=open_c, user=bob)
    with pytest.raises(ServiceError) as exc:
        services.join_request_create(community=secret, user=bob)
    assert exc.value.status == 404
    assert not JoinRequest.objects.exists()


def test_request_too_long_message(make_user, make_community):
    """A message over 500 characters is refused."""
    community = make_community("private", owner=make_user())
    with pytest.raises(ServiceError, match="at most 500"):
        services.join_request_create(community=community, user=make_user(), message="m" * 501)
    assert not JoinRequest.objects.exists()


def test_request_approve_by_member_refused(make_user, make_community):
    """Plain members do not decide on requests."""
    member, bob = make_user(), make_user()
    community = make_community("private", owner=make_user(), members=(member,))
    request = services.join_request_create(community=community, user=bob)
    with pytest.raises(PermissionRefused) as exc:
        services.join_request_approve(request=request, by=member)
    assert exc.value.message == "Only moderators and owners may decide on requests to join."
    request.refresh_from_db()
    assert request.status == "pending"
    assert role(community, bob) is None


def test_request_settled_twice(make_user, make_community):
    """A request is decided once."""
    owner, bob = make_user(), make_user()
    community = make_community("private", owner=owner)
    request = services.join_request_create(community=community, user=bob)
    services.join_request_decline(request=request, by=owner)
    with pytest.raises(ServiceError, match=r"^This request has already been settled\.$"):
        services.join_request_approve(request=request, by=owner)
    assert role(community, bob) is None


def test_request_withdraw(make_user, make_community):
    """Only the person who asked withdraws."""
    owner, bob = make_user(), make_user()
    community = make_community("private", owner=owner)
    request = services.join_request_create(community=community, user=bob)
    with pytest.raises(PermissionRefused):
        services.join_request_withdraw(request=request, by=owner)
    services.join_request_withdraw(request=request, by=bob)
    request.refresh_from_db()
    assert request.status == "withdrawn"
    # and may ask again afterwards
    services.join_request_create(community=community, user=bob)
    assert JoinRequest.objects.filter(status="pending").count() == 1


# --- invitations --------------------------------------------------------------------------


def test_invite_and_accept_secret(make_user, make_community):
    """A moderator invites to a secret community; accepting makes a member."""
    mod, bob = make_user(), make_user()
    community = make_community("secret", owner=make_user(), moderators=(mod,))
    invitation = services.invitation_create(community=community, invitee=bob, by=mod)
    assert invitation.status == "pending"
    services.invitation_accept(invitation=invitation, by=bob)
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert role(community, bob) == "member"
    assert count(community) == 3


def test_invite_decline_and_revoke(make_user, make_community):
    """The invitee declines; the inviter revokes another."""
    owner, bob, carl = make_user(), make_user(), make_user()
    community = make_community("private", owner=owner)
    first = services.invitation_create(community=community, invitee=bob, by=owner)
    second = services.invitation_create(community=community, invitee=carl, by=owner)
    services.invitation_decline(invitation=first, by=bob)
    services.invitation_revoke(invitation=second, by=owner)
    assert list(Invitation.objects.order_by("pk").values_list("status", flat=True)) == [
        "declined",
        "revoked",
    ]
    with pytest.raises(ServiceError, match=r"^This invitation is no longer open\.$"):
        services.invitation_accept(invitation=second, by=carl)
    assert count(community) == 1


def test_accept_someone_elses_invitation(make_user, make_community):
    """Only the invitee accepts."""
    owner, bob = make_user(), make_user()
    community = make_community("secret", owner=owner)
    invitation = services.invitation_create(community=community, invitee=bob, by=owner)
    with pytest.raises(PermissionRefused, match="addressed to someone else"):
        services.invitation_accept(invitation=invitation, by=make_user())
    assert count(community) == 1


def test_member_invites_in_open_only(make_user, make_community):
    """Plain members invite in open communities but not in private or secret ones."""
    member = make_user()
    open_c = make_community("open", owner=make_user(), members=(member,))
    private = make_community("private", owner=make_user(), members=(member,))
    services.invitation_create(community=open_c, invitee=make_user(), by=member)
    with pytest.raises(PermissionRefused) as exc:
        services.invitation_create(community=private, invitee=make_user(), by=member)
    assert exc.value.message == "Only moderators and owners may invite people to this community."
    assert Invitation.objects.count() == 1


def test_invite_member_twice_and_inactive(make_user, make_community):
    """Members, already invited and inactive people are not invited."""
    owner, bob = make_user(), make_user()
    community = make_community("private", owner=owner, members=(bob,))
    carl = make_user(first_name="Carl", last_name="Meyer")
    with pytest.raises(ServiceError, match="is already a member"):
        services.invitation_create(community=community, invitee=bob, by=owner)
    services.invitation_create(community=community, invitee=carl, by=owner)
    with pytest.raises(ServiceError) as exc:
        services.invitation_create(community=community, invitee=carl, by=owner)
    assert exc.value.message == "Carl Meyer has already been invited."
    with pytest.raises(ServiceError, match="inactive"):
        services.invitation_create(
            community=community, invitee=make_user(is_active=False), by=owner
        )
    assert Invitation.objects.count() == 1


def test_joining_settles_pending_request_and_invitation(make_user, make_community):
    """Accepting an invitation also settles the person's pending request."""
    owner, bob = make_user(), make_user()
    community = make_community("private", owner=owner)
    request = services.join_request_create(community=community, user=bob)
    invitation = services.invitation_create(community=community, invitee=bob, by=owner)
    services.invitation_accept(invitation=invitation, by=bob)
    request.refresh_from_db()
    assert request.status == "approved"
    assert count(community) == 2


def test_request_refused_when_invited(make_user, make_community):
    """Someone with an open invitation accepts it instead of asking."""
    owner, bob = make_user(), make_user()
    community = make_community("private", owner=owner)
    services.invitation_create(community=community, invitee=bob, by=owner)
    with pytest.raises(ServiceError, match="Accept the invitation"):
        services.join_request_create(community=community, user=bob)
    assert not JoinRequest.objects.exists()


# --- removal and roles --------------------------------------------------------------------


def test_moderator_removes_member_not_moderator_or_owner(make_user, make_community):
    """Moderators remove plain members only."""
    owner, mod, mod2, bob = make_user(), make_user(), make_user(), make_user()
    community = make_community("open", owner=owner, moderators=(mod, mod2), members=(bob,))
    services.membership_remove(community=community, user=bob, by=mod)
    assert role(community, bob) is None
    for target in (mod2, owner):
        with pytest.raises(PermissionRefused) as exc:
            services.membership_remove(community=community, user=target, by=mod)
        assert exc.value.message == (
            "Moderators may remove members, but not owners or other moderators."
        )
    assert count(community) == 3


def test_member_cannot_remove(make_user, make_community):
    """Plain members remove nobody."""
    bob, carl = make_user(), make_user()
    community = make_community("open", owner=make_user(), members=(bob, carl))
    with pytest.raises(
        PermissionRefused, match=r"^Only moderators and owners may remove members\.$"
    ):
        services.membership_remove(community=community, user=carl, by=bob)
    assert count(community) == 3


def test_owner_removes_moderator_and_other_owner(make_user, make_community):
    """Owners remove anyone, as long as an owner remains."""
    owner, mod, co = make_user(), make_user(), make_user()
    community = make_community("open", owner=owner, moderators=(mod,), members=(co,))
    services.membership_change_role(community=community, user=co, role="owner", by=owner)
    services.membership_remove(community=community, user=mod, by=owner)
    services.membership_remove(community=community, user=co, by=owner)
    assert count(community) == 1


def test_last_owner_cannot_be_removed(make_user, make_community, admin_user):
    """Not even an admin removes the last owner."""
    owner = make_user()
    community = make_community("open", owner=owner)
    with pytest.raises(ServiceError) as exc:
        services.membership_remove(community=community, user=owner, by=admin_user)
    assert exc.value.message == LAST_OWNER
    assert role(community, owner) == "owner"


def test_remove_non_member(make_user, make_community):
    """Removing someone who is not a member says so."""
    owner = make_user()
    community = make_community("open", owner=owner)
    stranger = make_user(first_name="Stefan", last_name="Fremd")
    with pytest.raises(ServiceError, match=r"^Stefan Fremd is not a member of this community\.$"):
        services.membership_remove(community=community, user=stranger, by=owner)


def test_change_role(make_user, make_community):
    """Owners promote and demote."""
    owner, bob = make_user(), make_user()
    community = make_community("open", owner=owner, members=(bob,))
    services.membership_change_role(community=community, user=bob, role="moderator", by=owner)
    assert role(community, bob) == "moderator"
    services.membership_change_role(community=community, user=bob, role="member", by=owner)
    assert role(community, bob) == "member"


def test_moderator_cannot_change_roles(make_user, make_community):
    """Moderators do not change roles."""
    mod, bob = make_user(), make_user()
    community = make_community("open", owner=make_user(), moderators=(mod,), members=(bob,))
    with pytest.raises(PermissionRefused, match=r"^Only owners may change roles\.$"):
        services.membership_change_role(community=community, user=bob, role="owner", by=mod)
    assert role(community, bob) == "member"


def test_last_owner_cannot_be_demoted(make_user, make_community):
    """The last owner stays owner until someone else is one."""
    owner = make_user()
    community = make_community("open", owner=owner)
    with pytest.raises(ServiceError) as exc:
        services.membership_change_role(community=community, user=owner, role="member", by=owner)
    assert exc.value.message == LAST_OWNER
    assert role(community, owner) == "owner"


def test_change_role_invalid(make_user, make_community):
    """An unknown role is refused."""
    owner, bob = make_user(), make_user()
    community = make_community("open", owner=owner, members=(bob,))
    with pytest.raises(ServiceError, match=r"^This role does not exist\.$"):
        services.membership_change_role(community=community, user=bob, role="king", by=owner)
    assert role(community, bob) == "member"


def test_admin_manages_without_membership(make_user, make_community, admin_user):
    """Platform admins approve, change roles and remove in any community."""
    owner, bob, carl = make_user(), make_user(), make_user()
    community = make_community("secret", owner=owner, members=(carl,))
    invitation = services.invitation_create(community=community, invitee=bob, by=admin_user)
    services.invitation_accept(invitation=invitation, by=bob)
    services.membership_change_role(community=community, user=bob, role="owner", by=admin_user)
    services.membership_remove(community=community, user=carl, by=admin_user)
    assert role(community, bob) == "owner"
    assert role(community, admin_user) is None
    assert count(community) == 2


def test_membership_add_twice_and_bad_role(make_user, make_community):
    """membership_add keeps the count right and refuses duplicates and unknown roles."""
    bob = make_user()
    community = make_community("open", owner=make_user())
    services.membership_add(community=community, user=bob)
    with pytest.raises(ServiceError, match="already a member"):
        services.membership_add(community=community, user=bob)
    with pytest.raises(ServiceError, match="role does not exist"):
        services.membership_add(community=community, user=make_user(), role="king")
    assert count(community) == 2


def test_stale_object_does_not_skip_last_owner_check(make_user, make_community):
    """Two owners stepping down with stale objects: the second is refused (rows are locked)."""
    owner, co = make_user(), make_user()
    community = make_community("open", owner=owner, members=(co,))
    services.membership_change_role(community=community, user=co, role="owner", by=owner)
    stale_a = Community.objects.get(pk=community.pk)
    stale_b = Community.objects.get(pk=community.pk)
    services.membership_leave(community=stale_a, user=owner)
    with pytest.raises(ServiceError, match="at least one owner"):
        services.membership_leave(community=stale_b, user=co)
    assert count(community) == 1
    assert role(community, co) == "owner"
