"""A notification whose subject the person can no longer see is shown nowhere (issue 9.14):
an invitation to a secret community that was declined, revoked, or whose member was removed
does not name the community on the list page, in the API, in the count or in a digest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hanse.communities import services as communities
from hanse.communities.models import Community
from hanse.notifications import delivery
from hanse.notifications import email as mail
from hanse.notifications.models import DeliveryState, Notification
from hanse.notifications.selectors import unread_count
from hanse.people.models import User
from tests.notifications.smtp_server import Mailbox, parts, smtp_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

NAME = "Projekt Nordlicht"
API = "/api/v1/notifications"


def _invite(owner: User, person: User, community: Community, capture: Any) -> Any:
    with capture(execute=True):
        invitation = communities.invitation_create(community=community, invitee=person, by=owner)
    notification = Notification.objects.get(recipient=person, type="community_invitation")
    # Waiting for the digest, as for someone who gets e-mail once a day.
    Notification.objects.filter(pk=notification.pk).update(email_state=DeliveryState.DIGEST)
    return invitation


def _shown(person: User, client_for: Callable[..., Any]) -> dict[str, bool]:
    client = client_for(person)
    return {
        "page": NAME in client.get(reverse("notifications:list")).content.decode(),
        "api": NAME in client.get(API).content.decode(),
        "count": client.get(f"{API}/unread-count").json()["unread"] > 0,
        "bell": unread_count(user=person) > 0,
        "digest": any(n.community_id for n in mail.digest_items(user=person)),
    }


EVERYWHERE = {"page": True, "api": True, "count": True, "bell": True, "digest": True}
NOWHERE = {"page": False, "api": False, "count": False, "bell": False, "digest": False}


@pytest.fixture
def invited(
    people: dict[str, Any],
    make_community: Callable[..., Community],
    django_capture_on_commit_callbacks: Any,
) -> tuple[User, User, Community, Any]:
    owner, ben = people["anna"], people["ben"]
    community = make_community(Community.Kind.SECRET, owner=owner, name=NAME)
    invitation = _invite(owner, ben, community, django_capture_on_commit_callbacks)
    return owner, ben, community, invitation


def test_pending_invitation_is_shown(invited: Any, client_for: Callable[..., Any]) -> None:
    """While the invitation is open, the invitee sees it everywhere."""
    _owner, ben, _community, _invitation = invited
    assert _shown(ben, client_for) == EVERYWHERE


def test_declined_invitation_to_a_secret_community_disappears(
    invited: Any, client_for: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Declining: the community's name is gone from the list, the API, counts and digest."""
    _owner, ben, _community, invitation = invited
    assert _shown(ben, client_for)["count"]  # the count is cached now
    with django_capture_on_commit_callbacks(execute=True):
        communities.invitation_decline(invitation=invitation, by=ben)
    assert _shown(ben, client_for) == NOWHERE


def test_revoked_invitation_disappears(
    invited: Any, client_for: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Taken back by the owner: gone as well."""
    owner, ben, _community, invitation = invited
    assert _shown(ben, client_for)["count"]
    with django_capture_on_commit_callbacks(execute=True):
        communities.invitation_revoke(invitation=invitation, by=owner)
    assert _shown(ben, client_for) == NOWHERE


def test_removed_member_no_longer_sees_the_invitation(
    invited: Any, client_for: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Accepted, then removed: the old invitation no longer names the community."""
    owner, ben, community, invitation = invited
    with django_capture_on_commit_callbacks(execute=True):
        communities.invitation_accept(invitation=invitation, by=ben)
    assert _shown(ben, client_for) == EVERYWHERE  # a member may see it
    with django_capture_on_commit_callbacks(execute=True):
        communities.membership_remove(community=community, user=ben, by=owner)
    assert _shown(ben, client_for) == NOWHERE


def test_removed_member_gets_no_digest_naming_the_community(
    smtp: Mailbox,
    invited: Any,
    people: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The daily digest after the removal does not carry the invitation."""
    owner, ben, community, invitation = invited
    with django_capture_on_commit_callbacks(execute=True):
        communities.invitation_accept(invitation=invitation, by=ben)
        communities.membership_remove(community=community, user=ben, by=owner)
    # Something else to tell, so that a digest goes out at all.
    Notification.objects.create(
        recipient=ben,
        type="role_changed",
        actor=owner,
        data={"role": "member"},
        email_state=DeliveryState.DIGEST,
        created_at=timezone.now(),
    )
    before = len(smtp.messages)  # the invitation itself was mailed while it was open
    assert delivery.send_digests.call("daily") == 1
    digests = smtp.messages[before:]
    assert [m["Subject"] for m in digests] == ["Your day on Hanse: 1 new notification"]
    for message in digests:
        text, html = parts(message)
        assert NAME not in text and NAME not in html
