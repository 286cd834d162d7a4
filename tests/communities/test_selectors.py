"""Selectors: visibility, search, the viewer's state in one query, member order."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from hanse.communities import selectors, services
from hanse.communities.models import Community


def test_directory_hides_secret_from_outsiders(make_user, make_community, admin_user):
    """Outsiders see open and private, members also their secret ones, admins all."""
    owner, outsider = make_user(), make_user()
    make_community("open", owner=owner, name="Offen")
    make_community("private", owner=owner, name="Privat")
    make_community("secret", owner=owner, name="Geheim")
    names = lambda viewer: [c.name for c in selectors.community_directory(viewer=viewer)]  # noqa: E731
    assert names(outsider) == ["Offen", "Privat"]
    assert names(owner) == ["Geheim", "Offen", "Privat"]
    assert names(admin_user) == ["Geheim", "Offen", "Privat"]
    assert names(make_user(is_active=False)) == []


def test_directory_scope_mine_and_search(make_user, make_community):
    """'mine' lists the viewer's communities; the search looks at name, tagline, description."""
    anna, bob = make_user(), make_user()
    lauf = make_community("open", owner=anna, name="Lauftreff")
    services.community_update(community=lauf, by=anna, tagline="Jeden Donnerstag laufen")
    make_community("open", owner=bob, name="Kochclub")
    agile = make_community("private", owner=bob, name="Agile Methoden")
    services.community_update(community=agile, by=bob, description="Scrum und Kanban im Alltag")
    assert [c.name for c in selectors.community_directory(viewer=anna, scope="mine")] == [
        "Lauftreff"
    ]
    search = lambda q: [c.name for c in selectors.community_directory(viewer=anna, q=q)]  # noqa: E731
    assert search("donnerstag") == ["Lauftreff"]
    assert search("KANBAN") == ["Agile Methoden"]
    assert search("scrum alltag") == ["Agile Methoden"]
    assert search("scrum laufen") == []
    assert search("  ") == ["Agile Methoden", "Kochclub", "Lauftreff"]


def test_directory_annotates_viewer_state_in_one_query(
    make_user, make_community, django_assert_num_queries
):
    """Role, pending request and invitation come with the list, and permissions reuse them."""
    viewer, owner = make_user(), make_user()
    member_of = make_community("open", owner=owner, name="A Mitglied", members=(viewer,))
    requested = make_community("private", owner=owner, name="B Angefragt")
    invited = make_community("secret", owner=owner, name="C Eingeladen")
    services.join_request_create(community=requested, user=viewer)
    services.invitation_create(community=invited, invitee=viewer, by=owner)
    for n in range(20):
        make_community("open", owner=owner, name=f"Z {n:02d}")
    with django_assert_num_queries(1):
        communities = list(selectors.community_directory(viewer=viewer))
        for community in communities:
            viewer.has_perm("communities.join", community)
            viewer.has_perm("communities.view_content", community)
            viewer.has_perm("communities.invite", community)
    by_name = {c.name: c for c in communities}
    assert "C Eingeladen" not in by_name  # an invitation does not reveal a secret community
    assert by_name["A Mitglied"].viewer_role == "member"
    assert by_name["B Angefragt"].viewer_request_id is not None
    assert by_name["Z 00"].viewer_role is None
    assert member_of.pk in {c.pk for c in communities}


def test_get_community_for(make_user, make_community):
    """Secret communities are 404 for outsiders; the viewer's role is annotated."""
    owner, outsider = make_user(), make_user()
    secret = make_community("secret", owner=owner)
    assert selectors.get_community_for(viewer=owner, slug=secret.slug).viewer_role == "owner"
    with pytest.raises(Http404):
        selectors.get_community_for(viewer=outsider, slug=secret.slug)
    with pytest.raises(Http404):
        selectors.get_community_for(viewer=owner, slug="does-not-exist")
    owner.is_active = False
    with pytest.raises(Http404):
        selectors.get_community_for(viewer=owner, slug=secret.slug)


def test_members_ordered_by_role_then_name(make_user, make_community, django_assert_num_queries):
    """Owners first, then moderators, then members, each by last name."""
    owner = make_user(last_name="Zander")
    mods = (make_user(last_name="Xaver"), make_user(last_name="Adler"))
    members = tuple(make_user(last_name=f"M{n:02d}") for n in range(15))
    community = make_community("open", owner=owner, moderators=mods, members=members)
    viewer = make_user()
    community = selectors.get_community_for(viewer=viewer, slug=community.slug)  # as views do
    with django_assert_num_queries(1):
        rows = list(selectors.community_members(community=community, viewer=viewer))
        names = [(m.role, m.user.last_name) for m in rows]
        for m in rows:  # per-row permission checks reuse the cached role
            viewer.has_perm("communities.remove_member", m)
    assert names[:3] == [("owner", "Zander"), ("moderator", "Adler"), ("moderator", "Xaver")]
    assert [n for _, n in names[3:]] == [f"M{n:02d}" for n in range(15)]
    only_mods = selectors.community_members(community=community, viewer=viewer, role="moderator")
    assert [m.user.last_name for m in only_mods] == ["Adler", "Xaver"]
    found = selectors.community_members(community=community, viewer=viewer, q="adl")
    assert [m.user.last_name for m in found] == ["Adler"]


def test_members_of_private_need_membership(make_user, make_community):
    """Outsiders may not list the members of a private community."""
    member = make_user()
    community = make_community("private", owner=make_user(), members=(member,))
    with pytest.raises(PermissionDenied):
        selectors.community_members(community=community, viewer=make_user())
    assert selectors.community_members(community=community, viewer=member).count() == 2
    assert selectors.newest_members(community=community, viewer=make_user()) == []


def test_pending_requests_and_invitations(make_user, make_community):
    """Open requests of a community and open invitations of a person."""
    owner, bob, carl = make_user(), make_user(), make_user()
    community = make_community("private", owner=owner)
    first = services.join_request_create(community=community, user=bob)
    second = services.join_request_create(community=community, user=carl)
    services.join_request_decline(request=second, by=owner)
    assert list(selectors.pending_requests(community=community)) == [first]
    other = make_community("secret", owner=owner)
    invitation = services.invitation_create(community=other, invitee=bob, by=owner)
    assert list(selectors.pending_invitations_for(user=bob)) == [invitation]
    services.invitation_decline(invitation=invitation, by=bob)
    assert list(selectors.pending_invitations_for(user=bob)) == []


def test_communities_of(make_user, make_community, django_assert_num_queries):
    """The person's communities, by name, in one query."""
    anna = make_user()
    make_community("secret", owner=anna, name="Beta")
    make_community("open", owner=make_user(), name="Alpha", members=(anna,))
    make_community("open", owner=make_user(), name="Gamma")
    with django_assert_num_queries(1):
        rows = [(c.name, c.viewer_role) for c in selectors.communities_of(user=anna)]
    assert rows == [("Alpha", "member"), ("Beta", "owner")]
    assert list(selectors.communities_of(user=make_user(is_active=False))) == []


def test_invitable_people_and_find_person(make_user, make_community):
    """Suggestions leave out members and inactive people; lookup by username or e-mail."""
    owner = make_user()
    bert = make_user("bert", first_name="Bert", last_name="Brandt")
    make_user("berta", first_name="Berta", last_name="Brandt", is_active=False)
    community = make_community("open", owner=owner)
    assert selectors.invitable_people(community=community, q="brandt") == [bert]
    assert selectors.find_person(identifier="BERT") == bert
    assert selectors.find_person(identifier="Bert@Example.org") == bert
    assert selectors.find_person(identifier="berta") is None
    assert Community.objects.count() == 1
