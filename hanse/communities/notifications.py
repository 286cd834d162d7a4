"""The notification types of communities: requests to join and their decisions, invitations,
role changes, and what an erasure of a community's only owner brings (the new owner is told;
with nobody to take over, the platform administrators are, and later the owner one of them
appoints).

Registered from ``CommunitiesConfig.ready()``. This module is the communities app's one plug
into the notification machinery (hanse/notifications sits above communities: it keeps
per-community settings); nothing else in hanse/communities imports hanse.notifications. What
happens is announced with ``hanse.core.signals.community_event``, to which the notifications
app subscribes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.communities.models import Community, Invitation, Membership
from hanse.communities.rules import has_an_owner
from hanse.core.rules import is_platform_admin
from hanse.notifications.registry import (
    NotificationType,
    RenderedText,
    actor_name,
    register,
    url_or,
    who,
)

if TYPE_CHECKING:
    from hanse.notifications.models import Notification
    from hanse.people.models import User


def _community_url(notification: Notification, name: str = "communities:detail") -> str:
    community = notification.community
    if community is None:
        return url_or("home:index")
    return url_or(name, community.slug, fallback="communities:directory")


def _community_name(notification: Notification) -> str:
    return notification.community.name if notification.community is not None else ""


def _render_join_request(n: Notification) -> RenderedText:
    title = who(
        n,
        _g("%(name)s asked to join %(community)s"),
        lambda k: ngettext(
            "%(name)s and %(n)s other asked to join %(community)s",
            "%(name)s and %(n)s others asked to join %(community)s",
            k,
        ),
        community=_community_name(n),
    )
    return RenderedText(title=title, body="", url=_community_url(n, "communities:requests"))


def _render_join_request_approved(n: Notification) -> RenderedText:
    title = _g("Welcome! Your request to join %(community)s was approved.") % {
        "community": _community_name(n)
    }
    return RenderedText(title=title, body="", url=_community_url(n))


def _render_join_request_declined(n: Notification) -> RenderedText:
    title = _g("Your request to join %(community)s was declined.") % {
        "community": _community_name(n)
    }
    return RenderedText(title=title, body="", url=_community_url(n))


def _render_invitation(n: Notification) -> RenderedText:
    title = _g("%(name)s invited you to join %(community)s") % {
        "name": actor_name(n.actor),
        "community": _community_name(n),
    }
    return RenderedText(title=title, body="", url=url_or("communities:directory"))


def _role_label(role: str) -> str:
    return str(dict(Membership.Role.choices).get(role, role))


def _render_role_changed(n: Notification) -> RenderedText:
    title = _g("%(name)s changed your role in %(community)s to %(role)s") % {
        "name": actor_name(n.actor),
        "community": _community_name(n),
        "role": _role_label(str(n.data.get("role", ""))),
    }
    return RenderedText(title=title, body="", url=_community_url(n))


def _render_ownership_passed(n: Notification) -> RenderedText:
    title = _g(
        "You are now the owner of %(community)s, because the account of its only owner was removed."
    ) % {"community": _community_name(n)}
    return RenderedText(title=title, body="", url=_community_url(n))


def _render_needs_owner(n: Notification) -> RenderedText:
    title = _g(
        "%(community)s has no owner any more: the account of its only owner was removed and "
        "no member could take over. Make someone its owner."
    ) % {"community": _community_name(n)}
    return RenderedText(title=title, body="", url=_community_url(n, "communities:appoint_owner"))


def _render_owner_appointed(n: Notification) -> RenderedText:
    title = _g("%(name)s made you the owner of %(community)s, which had no owner any more.") % {
        "name": actor_name(n.actor),
        "community": _community_name(n),
    }
    return RenderedText(title=title, body="", url=_community_url(n))


def _still_ownerless(user: User) -> QuerySet[Any]:
    """For platform administrators, the communities that still need an owner: the notice
    goes away by itself once someone is made owner (or the community is deleted)."""
    if not is_platform_admin(user):
        return Community.objects.none()
    return Community.objects.filter(~has_an_owner())


def _invitations_visible(user: User) -> QuerySet[Any]:
    """An invitation may name its community while it is open for the person, and afterwards
    only while the person may still know the community (declined, revoked or removed from a
    secret one: the notification is gone everywhere)."""
    return Invitation.objects.filter(
        Q(invitee_id=user.pk, status=Invitation.Status.PENDING)
        | Q(community__in=Community.objects.visible_to(user))
    )


JOIN_REQUEST = register(
    NotificationType(
        key="join_request",
        label=_("Requests to join"),
        description=_("Someone asks to join a community you moderate."),
        channels={"in_app": True, "email": "immediate", "push": False},
        important=True,
        grouped=True,
        render=_render_join_request,
    )
)
JOIN_REQUEST_APPROVED = register(
    NotificationType(
        key="join_request_approved",
        label=_("Request approved"),
        description=_("Your request to join a community was approved."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        mutable=False,
        render=_render_join_request_approved,
    )
)
JOIN_REQUEST_DECLINED = register(
    NotificationType(
        key="join_request_declined",
        label=_("Request declined"),
        description=_("Your request to join a community was declined."),
        channels={"in_app": True, "email": "digest", "push": False},
        community_access="listed",
        mutable=False,
        render=_render_join_request_declined,
    )
)
COMMUNITY_INVITATION = register(
    NotificationType(
        key="community_invitation",
        label=_("Invitations"),
        description=_("Someone invites you to join a community."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        # Not the community itself: a secret one is shown to the invitee before joining. The
        # invitation (the target) says how long.
        community_access="none",
        target_visible=_invitations_visible,
        mutable=False,
        render=_render_invitation,
    )
)
ROLE_CHANGED = register(
    NotificationType(
        key="role_changed",
        label=_("Role changes"),
        description=_("Your role in a community changes."),
        channels={"in_app": True, "email": "digest", "push": False},
        mutable=False,
        render=_render_role_changed,
    )
)
OWNERSHIP_PASSED = register(
    NotificationType(
        key="ownership_passed",
        label=_("Communities handed to you"),
        description=_(
            "You become the owner of a community because its only owner's account was removed."
        ),
        channels={"in_app": True, "email": "immediate", "push": False},
        important=True,
        mutable=False,
        render=_render_ownership_passed,
    )
)
OWNER_APPOINTED = register(
    NotificationType(
        key="owner_appointed",
        label=_("Communities you were made owner of"),
        description=_(
            "A platform administrator makes you the owner of a community that had no owner."
        ),
        channels={"in_app": True, "email": "immediate", "push": False},
        important=True,
        mutable=False,
        render=_render_owner_appointed,
    )
)
COMMUNITY_NEEDS_OWNER = register(
    NotificationType(
        key="community_needs_owner",
        label=_("Communities without an owner"),
        description=_(
            "For platform administrators: a community is left without an owner because its "
            "only owner's account was removed."
        ),
        channels={"in_app": True, "email": "immediate", "push": False},
        important=True,
        mutable=False,
        community_access="listed",
        target_visible=_still_ownerless,
        render=_render_needs_owner,
    )
)
