"""Inviting a guest by e-mail, accepting, the expiry and its job."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hanse.api.models import PersonalAccessToken
from hanse.api.services import token_create
from hanse.audit.models import AuditEntry
from hanse.chat.models import Channel, ChannelMember
from hanse.chat.services.channels import channel_create, dm_open
from hanse.communities.models import Community, Membership
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.events.rules import may_create_event_in
from hanse.guests import services
from hanse.guests.models import GuestInvitation
from hanse.participation.rules import may_praise
from hanse.people.models import User
from hanse.posts.rules import may_post_in, may_publish_announcement
from tests.conftest import PASSWORD

NEW_PASSWORD = "Partner-Projekt-2026!"


@pytest.fixture
def community(make_user: Any, django_capture_on_commit_callbacks: Any) -> Community:
    owner = make_user("eigner")
    c = Community.objects.create(name="Gemeinsames Projekt", slug="projekt", kind="private")
    Membership.objects.create(community=c, user=owner, role="owner")
    return c


def _owner(community: Community) -> User:
    return Membership.objects.get(community=community, role="owner").user


def _invite(community: Community, client: Any, **extra: Any) -> Any:
    data = {"email": "partner@nordheide.example", "organisation": "Sparkasse Nordheide", **extra}
    return client.post(reverse("guests:invite", args=[community.slug]), data)


def test_invite_accept_and_become_a_guest_member(
    community: Community, client_for: Any, client: Any, django_capture_on_commit_callbacks: Any
):
    """The moderator invites by e-mail; the link creates a guest member of the community and
    the chosen channel; both steps are in the audit log."""
    channel = Channel.objects.create(kind="community", name="p", slug="c-p", community=community)
    other = Channel.objects.create(kind="community", name="q", slug="c-q", community=community)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(community, client_for(_owner(community)), channels=[channel.pk])
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/guests/accept/\S+/)", mail.outbox[0].body)
    assert link is not None
    invitation = GuestInvitation.objects.get()
    assert invitation.token_hash not in mail.outbox[0].body  # only the hash is stored
    assert AuditEntry.objects.filter(action="guests.invited").count() == 1

    page = client.get(link.group(1))
    assert page.status_code == 200
    assert "Sparkasse Nordheide" in page.content.decode()
    response = client.post(
        link.group(1), {"first_name": "Pia", "last_name": "Partner", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    guest = User.objects.get(email="partner@nordheide.example")
    assert guest.is_guest and guest.guest_organisation == "Sparkasse Nordheide"
    assert guest.guest_expires_at == invitation.access_until
    assert Membership.objects.filter(community=community, user=guest).exists()
    assert ChannelMember.objects.filter(channel=channel, user=guest).exists()
    assert not ChannelMember.objects.filter(channel=other, user=guest).exists()
    assert AuditEntry.objects.filter(action="guests.accepted").count() == 1
    # The link works once.
    assert client.get(link.group(1)).status_code == 404


def test_only_moderators_invite_guests(community: Community, make_user: Any, client_for: Any):
    """A plain member, an outsider and a guest get 404 on the invite page; nothing is written."""
    member = make_user("mitglied")
    Membership.objects.create(community=community, user=member)
    outsider = make_user("aussen")
    guest = make_user("gast", is_guest=True, guest_organisation="X")
    Membership.objects.create(community=community, user=guest, role="moderator")
    for person in (member, outsider, guest):
        assert _invite(community, client_for(person)).status_code == 404
    assert not GuestInvitation.objects.exists()
    with pytest.raises(PermissionRefused):
        services.guest_invite(by=member, community=community, email="a@b.example", organisation="X")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "kein-mail"}, "Enter a valid email address."),
        ({"organisation": "   "}, "This field is required."),
        ({"email": "eigner@example.org"}, "belongs to a colleague"),
    ],
)
def test_bad_invitations_are_refused_with_a_clear_message(
    community: Community, client_for: Any, fields: dict[str, str], message: str
):
    """Bad input answers the form again with the reason; nothing is written."""
    response = _invite(community, client_for(_owner(community)), **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not GuestInvitation.objects.exists()


def test_expired_or_unknown_links(community: Community, client: Any):
    """An expired or made-up link answers 404 with the same page; no account is created."""
    invitation, token = services.guest_invite(
        by=_owner(community), community=community, email="p@x.example", organisation="X"
    )
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save(update_fields=["expires_at"])
    for link in (token, "erfunden"):
        response = client.post(
            reverse("guests:accept", args=[link]),
            {"first_name": "A", "last_name": "B", "password": NEW_PASSWORD},
        )
        assert response.status_code == 404
    assert not User.objects.filter(email="p@x.example").exists()


def test_weak_password_writes_nothing(community: Community, client: Any):
    """A password the validators refuse leaves no account and no membership behind."""
    _invitation, token = services.guest_invite(
        by=_owner(community), community=community, email="p@x.example", organisation="X"
    )
    response = client.post(
        reverse("guests:accept", args=[token]),
        {"first_name": "A", "last_name": "B", "password": "123"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="p@x.example").exists()
    assert Membership.objects.filter(community=community).count() == 1


def _guest(community: Community) -> User:
    _invitation, token = services.guest_invite(
        by=_owner(community), community=community, email="p@x.example", organisation="X"
    )
    return services.guest_accept(token=token, first_name="P", last_name="G", password=NEW_PASSWORD)


def test_guests_cannot_create_company_things(community: Community, make_user: Any):
    """No company-wide posts, no channels, no DMs to people they share nothing with."""
    guest = _guest(community)
    stranger = make_user("fremd")
    assert not may_post_in(guest, None)
    assert may_post_in(guest, community)
    assert not may_create_event_in(guest, None)
    assert may_create_event_in(guest, community)
    assert not may_praise(guest, _owner(community), None)
    assert not may_publish_announcement(guest)
    with pytest.raises(PermissionRefused):
        channel_create(by=guest, name="Neu")
    with pytest.raises(ServiceError) as refused:
        dm_open(by=guest, people=[stranger])
    assert refused.value.status == 404
    channel, _created = dm_open(by=guest, people=[_owner(community)])
    assert channel.kind == Channel.Kind.DIRECT


def test_expiry_job_deactivates_through_person_deactivate(community: Community):
    """The sweep deactivates expired guests: sessions and tokens end, the audit log says so;
    guests still within their time and employees are untouched."""
    guest = _guest(community)
    token_create(user=guest, name="t")
    User.objects.filter(pk=guest.pk).update(guest_expires_at=timezone.now() - timedelta(seconds=1))
    assert services.guests_deactivate_expired() == 1
    guest.refresh_from_db()
    assert not guest.is_active
    assert not PersonalAccessToken.objects.filter(user=guest, revoked_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="person.deactivated", target_id=str(guest.pk)).exists()
    assert _owner(community).is_active
    assert services.guests_deactivate_expired() == 0


def test_expired_guest_session_ends_on_next_request(community: Community, client: Any):
    """A guest whose access ran out is signed out at their next request, before the sweep."""
    guest = _guest(community)
    client.force_login(guest)
    assert client.get(reverse("communities:detail", args=["projekt"])).status_code == 200
    User.objects.filter(pk=guest.pk).update(guest_expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("communities:detail", args=["projekt"]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    guest.refresh_from_db()
    assert not guest.is_active
    assert not client.login(username=guest.username, password=NEW_PASSWORD)


def test_admin_sets_and_extends_the_expiry(community: Community, admin_user: User):
    """Platform administrators change a guest's end of access; it is recorded; others may
    not, and a date in the past is refused."""
    guest = _guest(community)
    later = timezone.now() + timedelta(days=200)
    services.guest_set_expiry(user=guest, by=admin_user, expires_at=later)
    guest.refresh_from_db()
    assert guest.guest_expires_at == later
    assert AuditEntry.objects.filter(action="guests.expiry_changed").exists()
    with pytest.raises(PermissionRefused):
        services.guest_set_expiry(user=guest, by=_owner(community), expires_at=later)
    with pytest.raises(ServiceError):
        services.guest_set_expiry(
            user=guest, by=admin_user, expires_at=timezone.now() - timedelta(days=1)
        )


def test_admin_guest_list(community: Community, admin_user: User, client_for: Any):
    """Admin lists the guests apart from the employees, with their end of access."""
    _guest(community)
    response = client_for(admin_user).get("/admin/guests/guest/")
    assert response.status_code == 200
    assert "p@x.example" in response.content.decode()
    assert "eigner@example.org" not in response.content.decode()


def test_returning_guest_keeps_one_account(community: Community):
    """A second invitation to the same address adds the community to the same account."""
    guest = _guest(community)
    other = Community.objects.create(name="Zweites", slug="zweites", kind="secret")
    Membership.objects.create(community=other, user=_owner(community), role="owner")
    _invitation, token = services.guest_invite(
        by=_owner(community), community=other, email="P@x.example", organisation="X"
    )
    again = services.guest_accept(token=token, first_name="P", last_name="G", password="")
    assert again.pk == guest.pk
    assert Membership.objects.filter(community=other, user=guest).exists()
    assert PASSWORD  # the fixtures' password is not the guest's
