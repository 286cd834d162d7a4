"""A platform administrator appoints the owner of a community that has none (its only owner
was erased with nobody to take over): the service, its refusals, the page, the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db.models import F
from django.urls import reverse

from hanse.audit.models import AuditEntry
from hanse.communities import rules as community_rules
from hanse.communities import selectors, services
from hanse.communities.models import Community, Membership
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.notifications.models import Notification
from hanse.notifications.registry import render_for
from hanse.people.models import User

pytestmark = pytest.mark.django_db


def _ownerless(make_community: Any, make_user: Any, **kwargs: Any) -> Community:
    """A community whose only owner's membership is gone (what an erasure leaves)."""
    founder = make_user()
    community = make_community(owner=founder, **kwargs)
    Membership.objects.filter(community=community, user=founder).delete()
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") - 1)
    community.refresh_from_db()
    return community


def _roles(community: Community) -> dict[str, str]:
    return dict(
        Membership.objects.filter(community=community).values_list("user__username", "role")
    )


def _state(community: Community) -> Any:
    return (
        _roles(community),
        Community.objects.get(pk=community.pk).member_count,
        AuditEntry.objects.filter(action="communities.owner_appointed").count(),
        Notification.objects.filter(type="owner_appointed").count(),
    )


# --- the service ---------------------------------------------------------------------------


def test_an_outsider_joins_as_owner_is_told_and_it_is_audited(
    make_user: Any, make_community: Any, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    community = _ownerless(make_community, make_user, name="Nur Anna")
    mona = make_user("mona", first_name="Mona", last_name="Meyer")
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.community_appoint_owner(community=community, user=mona, by=admin_user)
    assert membership.role == Membership.Role.OWNER
    assert _roles(community) == {"mona": "owner"}
    assert Community.objects.get(pk=community.pk).member_count == 1
    assert community.member_count == 1
    entry = AuditEntry.objects.get(action="communities.owner_appointed")
    assert entry.actor_id == admin_user.pk
    assert entry.target_id == str(community.pk)
    assert entry.data == {"new_owner_id": mona.pk, "previous_role": None}
    told = Notification.objects.get(type="owner_appointed")
    assert told.recipient_id == mona.pk and told.actor_id == admin_user.pk
    assert told.community_id == community.pk
    rendered = render_for(told)
    assert rendered.title == (
        f"{admin_user.display_name} made you the owner of Nur Anna, which had no owner any more."
    )
    assert rendered.url == reverse("communities:detail", args=[community.slug])
    assert not community_rules.needs_owner(admin_user, Community.objects.get(pk=community.pk))


def test_a_member_is_raised_to_owner(
    make_user: Any, make_community: Any, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mia = make_user("mia")
    community = _ownerless(make_community, make_user, moderators=(mia,))
    with django_capture_on_commit_callbacks(execute=True):
        services.community_appoint_owner(community=community, user=mia, by=admin_user)
    assert _roles(community) == {"mia": "owner"}
    assert Community.objects.get(pk=community.pk).member_count == 1
    entry = AuditEntry.objects.get(action="communities.owner_appointed")
    assert entry.data == {"new_owner_id": mia.pk, "previous_role": "moderator"}
    assert Notification.objects.filter(type="owner_appointed", recipient=mia).exists()


def test_an_administrator_may_appoint_themselves_and_is_not_told(
    make_user: Any, make_community: Any, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    community = _ownerless(make_community, make_user, kind="secret")
    with django_capture_on_commit_callbacks(execute=True):
        services.community_appoint_owner(community=community, user=admin_user, by=admin_user)
    assert _roles(community) == {"admin": "owner"}
    assert not Notification.objects.filter(type="owner_appointed").exists()


def test_a_pending_invitation_of_the_appointed_person_is_settled(
    make_user: Any, make_community: Any, admin_user: Any
) -> None:
    community = _ownerless(make_community, make_user, kind="private")
    mona = make_user("mona")
    invitation = services.invitation_create(community=community, invitee=mona, by=admin_user)
    services.community_appoint_owner(community=community, user=mona, by=admin_user)
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


@pytest.mark.parametrize("who", ["outsider", "member", "moderator", "guest"])
def test_only_platform_administrators_may_appoint(
    make_user: Any, make_community: Any, who: str
) -> None:
    member, moderator = make_user("mia"), make_user("mona")
    guest = make_user("gast", is_guest=True, guest_organisation="Partner AG")
    community = _ownerless(
        make_community, make_user, moderators=(moderator,), members=(member, guest)
    )
    by = {"outsider": make_user("olaf"), "member": member, "moderator": moderator}.get(who, guest)
    before = _state(community)
    with pytest.raises(PermissionRefused) as refused:
        services.community_appoint_owner(community=community, user=by, by=by)
    assert str(refused.value.message) == (
        "Only platform administrators may appoint the owner of a community."
    )
    assert _state(community) == before


def test_an_outsider_of_a_secret_community_learns_nothing(
    make_user: Any, make_community: Any
) -> None:
    community = _ownerless(make_community, make_user, kind="secret")
    olaf = make_user("olaf")
    with pytest.raises(ServiceError) as refused:
        services.community_appoint_owner(community=community, user=olaf, by=olaf)
    assert refused.value.status == 404


def test_a_guest_cannot_be_appointed(make_user: Any, make_community: Any, admin_user: Any) -> None:
    guest = make_user("gast", first_name="Gina", last_name="Gast", is_guest=True)
    community = _ownerless(make_community, make_user, members=(guest,))
    before = _state(community)
    with pytest.raises(ServiceError) as refused:
        services.community_appoint_owner(community=community, user=guest, by=admin_user)
    assert refused.value.code == "guest"
    assert str(refused.value.message) == (
        "Gina Gast is a guest from a partner organisation: guests cannot own a community."
    )
    assert _state(community) == before


def test_an_owner_cannot_make_a_guest_owner_either(make_user: Any, make_community: Any) -> None:
    """The role change refuses what the appointment refuses: a guest is never an owner (a
    moderator may be one)."""
    owner = make_user("olga")
    guest = make_user("gast", first_name="Gina", last_name="Gast", is_guest=True)
    community = make_community("open", owner=owner, members=(guest,))
    with pytest.raises(ServiceError) as refused:
        services.membership_change_role(community=community, user=guest, role="owner", by=owner)
    assert refused.value.code == "guest"
    assert Membership.objects.get(community=community, user=guest).role == "member"
    services.membership_change_role(community=community, user=guest, role="moderator", by=owner)
    assert Membership.objects.get(community=community, user=guest).role == "moderator"


def test_an_inactive_person_cannot_be_appointed(
    make_user: Any, make_community: Any, admin_user: Any
) -> None:
    community = _ownerless(make_community, make_user)
    gone = make_user("gone", first_name="Gerd", last_name="Weg", is_active=False)
    before = _state(community)
    with pytest.raises(ServiceError) as refused:
        services.community_appoint_owner(community=community, user=gone, by=admin_user)
    assert refused.value.code == "inactive_user"
    assert str(refused.value.message) == (
        "Gerd Weg cannot become owner because their account is inactive."
    )
    assert _state(community) == before


def test_a_community_with_an_owner_is_refused(
    make_user: Any, make_community: Any, admin_user: Any
) -> None:
    """Also the second of two appointments (a double submit, a second administrator)."""
    community = _ownerless(make_community, make_user)
    mona, otto = make_user("mona"), make_user("otto")
    services.community_appoint_owner(community=community, user=mona, by=admin_user)
    before = _state(community)
    for person in (otto, mona):
        with pytest.raises(ServiceError) as refused:
            services.community_appoint_owner(community=community, user=person, by=admin_user)
        assert refused.value.code == "has_owner"
        assert refused.value.status == 400
        assert str(refused.value.message) == (
            "This community has an owner already. Roles are changed on its members page."
        )
    assert _state(community) == before


def test_may_own_and_its_query_form_agree(make_user: Any) -> None:
    """rules.may_own and selectors.MAY_OWN choose the same people."""
    people = [
        make_user("active"),
        make_user("guest", is_guest=True),
        make_user("inactive", is_active=False),
    ]
    User.objects.filter(username="inactive").update(is_former=True)
    people = list(User.objects.filter(pk__in=[p.pk for p in people]))
    picked = set(User.objects.filter(**selectors.MAY_OWN).values_list("username", flat=True))
    assert {p.username for p in people if community_rules.may_own(p)} == picked == {"active"}


def test_the_picker_finds_colleagues_by_name_never_guests(make_user: Any) -> None:
    make_user("mmeyer", first_name="Mona", last_name="Meyer")
    make_user("gmeyer", first_name="Gina", last_name="Meyer", is_guest=True)
    make_user("omeyer", first_name="Otto", last_name="Meyer", is_active=False)
    assert [p.username for p in selectors.appointable_people(q="meyer")] == ["mmeyer"]
    assert selectors.find_appointee(identifier="Mona Meyer").username == "mmeyer"
    assert selectors.find_appointee(identifier="MMEYER").username == "mmeyer"
    assert selectors.find_appointee(identifier="mmeyer@example.org").username == "mmeyer"
    assert selectors.find_appointee(identifier="Niemand Hier") is None
    make_user("mmeyer2", first_name="Mona", last_name="Meyer")
    assert selectors.find_appointee(identifier="Mona Meyer") is None  # two: not a choice


# --- the page ------------------------------------------------------------------------------


def test_the_page_offers_the_picker_and_the_members_who_could_own_it(
    make_user: Any, make_community: Any, admin_user: Any, client_for: Any
) -> None:
    mia = make_user("mia", first_name="Mia", last_name="Mitglied")
    guest = make_user("gast", first_name="Gina", last_name="Gast", is_guest=True)
    community = _ownerless(make_community, make_user, name="Nur Anna", members=(mia, guest))
    client = client_for(admin_user)
    url = reverse("communities:appoint_owner", args=[community.slug])
    page = client.get(url).content.decode()
    assert "Appoint an owner" in page
    assert "Make me the owner" in page
    assert "Members who could own it" in page and "Mia Mitglied" in page
    assert "Gina Gast" not in page.split("Members who could own it")[1]
    suggestions = client.get(
        reverse("communities:appoint_owner_suggestions", args=[community.slug]), {"person": "mi"}
    ).content.decode()
    assert 'value="mia"' in suggestions and "gast" not in suggestions
    # The notice on the community page and the members page lead here.
    for name in ("communities:detail", "communities:members"):
        assert url in client.get(reverse(name, args=[community.slug])).content.decode()


def test_post_appoints_and_a_second_post_is_told_it_has_an_owner(
    make_user: Any,
    make_community: Any,
    admin_user: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    community = _ownerless(make_community, make_user, name="Nur Anna")
    make_user("mona", first_name="Mona", last_name="Meyer")
    client = client_for(admin_user)
    url = reverse("communities:appoint_owner", args=[community.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"person": "Mona Meyer"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("communities:members", args=[community.slug])
    page = response.content.decode()
    assert "Mona Meyer is now the owner of “Nur Anna”." in page
    assert "no owner at the moment" not in page
    assert _roles(community) == {"mona": "owner"}
    before = _state(community)
    again = client.post(url, {"person": "Mona Meyer"}, follow=True)
    assert again.status_code == 200
    assert "This community has an owner already." in again.content.decode()
    assert _state(community) == before
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("person", "error"),
    [
        ("", "This field is required."),
        ("niemand", "Nobody with this name, username or e-mail address was found."),
        (
            "gast",
            "Gina Gast is a guest from a partner organisation: guests cannot own a community.",
        ),
        ("gone", "Gerd Weg cannot become owner because their account is inactive."),
    ],
)
def test_bad_input_is_answered_on_the_page(
    make_user: Any,
    make_community: Any,
    admin_user: Any,
    client_for: Any,
    person: str,
    error: str,
) -> None:
    make_user("gast", first_name="Gina", last_name="Gast", is_guest=True)
    make_user("gone", first_name="Gerd", last_name="Weg", is_active=False)
    community = _ownerless(make_community, make_user)
    before = _state(community)
    response = client_for(admin_user).post(
        reverse("communities:appoint_owner", args=[community.slug]), {"person": person}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert _state(community) == before


def test_the_page_in_german(
    make_user: Any, make_community: Any, admin_user: Any, client_for: Any
) -> None:
    community = _ownerless(make_community, make_user, name="Nur Anna")
    make_user("gast", first_name="Gina", last_name="Gast", is_guest=True)
    client = client_for(admin_user)
    client.cookies["hanse_language"] = "de"
    url = reverse("communities:appoint_owner", args=[community.slug])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Inhaber bestimmen" in page and "Mich zum Inhaber machen" in page
    assert "„Nur Anna“ hat keinen Inhaber." in page
    detail = client.get(
        reverse("communities:detail", args=[community.slug]), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "ihren Inhaber bestimmen</a>" in detail
    refused = client.post(url, {"person": "gast"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Gina Gast ist Gast aus einer Partnerorganisation" in refused
    unknown = client.post(url, {"person": "xy"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Niemand mit diesem Namen, Benutzernamen oder dieser E-Mail-Adresse gefunden." in (
        unknown
    )
    done = client.post(url, {"person": "admin"}, HTTP_ACCEPT_LANGUAGE="de", follow=True)
    assert "ist jetzt Inhaber von „Nur Anna“." in done.content.decode()


# --- the API -------------------------------------------------------------------------------


def _api(client: Any, community: Community, person: str) -> Any:
    return client.post(
        f"/api/v1/communities/{community.slug}/owner",
        json.dumps({"person": person}),
        content_type="application/json",
    )


def test_the_api_appoints_and_refuses_in_the_one_error_shape(
    make_user: Any, make_community: Any, admin_user: Any, client_for: Any
) -> None:
    community = _ownerless(make_community, make_user)
    make_user("mona", first_name="Mona", last_name="Meyer")
    make_user("gast", is_guest=True)
    client = client_for(admin_user)
    unknown = _api(client, community, "niemand")
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_person"
    assert _api(client, community, "gast").json()["code"] == "guest"
    done = _api(client, community, "mona@example.org")
    assert done.status_code == 200
    assert done.json()["username"] == "mona" and done.json()["role"] == "owner"
    again = _api(client, community, "mona")
    assert again.status_code == 400 and again.json()["code"] == "has_owner"
    assert _roles(community) == {"mona": "owner"}
