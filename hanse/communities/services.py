"""Writes for communities: founding, joining, requests, invitations, roles, removal.

Every function checks its permission through the rules in ``hanse.communities.rules`` and
writes in one transaction. Operations that could leave a community without an owner lock the
community row first, so two owners stepping down at the same moment cannot both succeed.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from hanse.audit.services import record
from hanse.communities import rules as community_rules
from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.communities.selectors import sole_ownerships, successor_in
from hanse.core import signals
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.people.guests import is_guest
from hanse.people.models import User

NAME_MIN = 3
NAME_MAX = 80
TAGLINE_MAX = 160
DESCRIPTION_MAX = 10000
MESSAGE_MAX = 500
# Paths under /communities/ that are pages, not community addresses.
RESERVED_SLUGS = frozenset({"new", "invitations"})
# A new address is a base from the name (or the founder's choice) and a random ending.
SLUG_BASE_MAX = 70
SLUG_ENDING_LENGTH = 6
SLUG_ENDING_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
EDITABLE_FIELDS = frozenset({"name", "tagline", "description", "kind"})
LAST_OWNER_MESSAGE = _("A community needs at least one owner. Make someone else an owner first.")
APPOINT_REFUSED_MESSAGE = _("Only platform administrators may appoint the owner of a community.")
HAS_OWNER_MESSAGE = _("This community has an owner already. Roles are changed on its members page.")


# --- helpers -------------------------------------------------------------------------------


def _not_found() -> ServiceError:
    return ServiceError(_("This community does not exist."), code="not_found", status=404)


def _require(by: User, perm: str, community: Community, message: Any) -> None:
    """Refuse with 404 when the person may not even know the community, else 403."""
    if not by.has_perm(perm, community):
        if not by.has_perm("communities.view_community", community):
            raise _not_found()
        raise PermissionRefused(message)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_("Please give the community a name."), code="name_required")
    if len(name) < NAME_MIN:
        raise ServiceError(_("The name must be at least 3 characters long."), code="name_too_short")
    if len(name) > NAME_MAX:
        raise ServiceError(_("The name may be at most 80 characters long."), code="name_too_long")
    return name


def _clean_kind(kind: str) -> str:
    if kind not in Community.Kind.values:
        raise ServiceError(
            _("Choose whether the community is open, private or secret."), code="invalid_kind"
        )
    return kind


def _clean_tagline(tagline: str) -> str:
    tagline = " ".join((tagline or "").split())
    if len(tagline) > TAGLINE_MAX:
        raise ServiceError(
            _("The tagline may be at most 160 characters long."), code="tagline_too_long"
        )
    return tagline


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(
            _("The description may be at most 10,000 characters long."),
            code="description_too_long",
        )
    return description


def _slug_taken(slug: str) -> bool:
    return slug in RESERVED_SLUGS or Community.objects.filter(slug=slug).exists()


def _clean_slug_base(slug: str) -> str:
    slug = slug.strip()
    if not slug or slug != slugify(slug) or len(slug) > 80:
        raise ServiceError(
            _("Use only lowercase letters, digits and hyphens for the address (at most 80)."),
            code="invalid_slug",
        )
    return slug


def _new_slug(base: str) -> str:
    """The base with a random ending, for every new community.

    The answer must not depend on which communities exist: "this address is taken" or a
    numbered "name-2" would tell a person that a secret community they cannot see holds the
    address. A random ending (about 30 bits) makes every address new whatever exists; the
    retry on a collision is as unlikely as guessing it and tells nothing about a name.
    """
    base = base[:SLUG_BASE_MAX].strip("-") or "community"
    while True:
        ending = "".join(secrets.choice(SLUG_ENDING_ALPHABET) for _ in range(SLUG_ENDING_LENGTH))
        candidate = f"{base}-{ending}"
        if not _slug_taken(candidate):
            return candidate


def _lock(community: Community) -> Community:
    """Lock the community row: serialises changes to owners and the member count."""
    return Community.objects.select_for_update().get(pk=community.pk)


def _membership_of(community: Community, user: User, *, lock: bool = False) -> Membership:
    qs = Membership.objects.select_related("user")
    if lock:
        qs = qs.select_for_update()
    membership = qs.filter(community=community, user=user).first()
    if membership is None:
        raise ServiceError(
            _("%(name)s is not a member of this community.") % {"name": user.display_name},
            code="not_member",
        )
    membership.community = community
    return membership


def _tell(kind: Any, object_id: int, *, user_id: int | None, actor_id: int | None = None) -> None:
    """Announce what people are told about (hanse.notifications subscribes), inside the
    transaction: the subscriber records its task in the outbox with this write."""
    signals.send_in_transaction(
        signals.community_event,
        signals.CommunityEvent(kind=kind, object_id=object_id, user_id=user_id, actor_id=actor_id),
    )


def _refresh_count(community: Community) -> None:
    community.refresh_from_db(fields=["member_count"])
    community_rules.forget_roles(community)


# --- communities ---------------------------------------------------------------------------


def community_create(
    *,
    by: User,
    name: str,
    kind: str,
    description: str = "",
    tagline: str = "",
    slug: str | None = None,
) -> Community:
    """Found a community; the founder becomes its first owner."""
    if not by.has_perm("communities.found_community"):
        raise PermissionRefused(
            _("Only people with the permission to found communities may found one.")
        )
    name = _clean_name(name)
    kind = _clean_kind(kind)
    tagline = _clean_tagline(tagline)
    description = _clean_description(description)
    explicit_slug = slug is not None and slug.strip() != ""
    try:
        with transaction.atomic():
            final_slug = _new_slug(_clean_slug_base(slug or "") if explicit_slug else slugify(name))
            community = Community.objects.create(
                name=name,
                slug=final_slug,
                kind=kind,
                tagline=tagline,
                description=description,
                created_by=by,
                member_count=1,
            )
            # rule-home: the founder becomes its owner (a write, not a check)
            Membership.objects.create(community=community, user=by, role=Membership.Role.OWNER)
    except IntegrityError as exc:
        # Someone drew the same random address between our check and the insert.
        raise ServiceError(_("This address is already taken."), code="slug_taken") from exc
    return community


def community_update(*, community: Community, by: User, **fields: Any) -> Community:
    """Change name, tagline, description or kind (owners and admins)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"community_update() got unexpected fields: {sorted(unknown)}")
    _require(
        by,
        "communities.change_community",
        community,
        _("Only owners may change the community's settings."),
    )
    cleaners = {
        "name": _clean_name,
        "tagline": _clean_tagline,
        "description": _clean_description,
        "kind": _clean_kind,
    }
    changed = []
    cleaned = {key: cleaners[key](value) for key, value in fields.items()}
    for key, value in cleaned.items():
        if getattr(community, key) != value:
            setattr(community, key, value)
            changed.append(key)
    if changed:
        with transaction.atomic():
            community.save(update_fields=changed)
            if "kind" in changed:
                # Open -> private or secret: everyone who is not a member loses its topics.
                signals.send_on_commit(
                    signals.community_changed,
                    signals.CommunityChanged(community_id=community.pk, change="kind"),
                )
    return community


def community_delete(*, community: Community, by: User) -> None:
    """Delete the community with its memberships, requests and invitations (owners, admins)."""
    _require(
        by,
        "communities.delete_community",
        community,
        _("Only owners may delete the community."),
    )
    with transaction.atomic():
        cid = community.pk
        Community.objects.filter(pk=cid).delete()
        signals.send_on_commit(
            signals.community_changed,
            signals.CommunityChanged(community_id=cid, change="deleted"),
        )


# --- memberships ---------------------------------------------------------------------------


def membership_add(
    *, community: Community, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    """Make the person a member (internal: approvals, invitations, fixtures; no permission check).

    Pending requests and invitations of the person for this community are settled with it.
    """
    if role not in Membership.Role.values:
        raise ServiceError(_("This role does not exist."), code="invalid_role")
    if not community_rules.may_hold_role(user, role):
        raise _guest_cannot_own(user)
    if not user.is_active:
        raise ServiceError(
            _("%(name)s cannot join because their account is inactive.")
            % {"name": user.display_name},
            code="inactive_user",
        )
    with transaction.atomic():
        locked = _lock(community)
        if Membership.objects.filter(community=locked, user=user).exists():
            raise ServiceError(
                _("%(name)s is already a member of this community.") % {"name": user.display_name},
                code="already_member",
            )
        membership = Membership.objects.create(community=locked, user=user, role=role)
        Community.objects.filter(pk=locked.pk).update(member_count=F("member_count") + 1)
        now = timezone.now()
        JoinRequest.objects.filter(
            community=locked, user=user, status=JoinRequest.Status.PENDING
        ).update(status=JoinRequest.Status.APPROVED, decided_at=now)
        Invitation.objects.filter(
            community=locked, invitee=user, status=Invitation.Status.PENDING
        ).update(status=Invitation.Status.ACCEPTED, decided_at=now)
        # Open feeds start carrying the community's posts.
        signals.send_on_commit(
            signals.membership_changed,
            signals.MembershipChanged(community_id=locked.pk, user_id=user.pk, change="joined"),
        )
    _refresh_count(community)
    membership.community = community
    return membership


def membership_join(*, community: Community, user: User) -> Membership:
    """Join an open community directly."""
    if community_rules.is_member(user, community):
        raise ServiceError(_("You are already a member of this community."), code="already_member")
    if not user.has_perm("communities.join", community):
        if community.kind == Community.Kind.PRIVATE and user.has_perm(
            "communities.view_community", community
        ):
            raise PermissionRefused(
                _("This community is private. Ask to join, and a moderator will decide.")
            )
        _require(user, "communities.join", community, _("You may not join this community."))
    return membership_add(community=community, user=user)


def membership_leave(*, community: Community, user: User) -> None:
    """Leave a community; the last owner has to hand over first."""
    if not user.has_perm("communities.leave", community):
        _require(
            user,
            "communities.leave",
            community,
            _("You are not a member of this community."),
        )
    with transaction.atomic():
        locked = _lock(community)
        membership = _membership_of(locked, user, lock=True)
        if community_rules.is_last_owner(membership):
            raise ServiceError(LAST_OWNER_MESSAGE, code="last_owner")
        membership.delete()
        Community.objects.filter(pk=locked.pk).update(member_count=F("member_count") - 1)
        # Chat, notifications and open tabs follow (hanse/core/signals.py).
        signals.send_on_commit(
            signals.membership_ended,
            signals.MembershipEnded(community_id=locked.pk, user_id=user.pk, reason="left"),
        )
    _refresh_count(community)


def membership_remove(*, community: Community, user: User, by: User) -> None:
    """Remove someone: owners and admins anyone, moderators plain members."""
    _require(
        by,
        "communities.manage_members",
        community,
        _("Only moderators and owners may remove members."),
    )
    with transaction.atomic():
        locked = _lock(community)
        membership = _membership_of(locked, user, lock=True)
        membership.community = community  # the permission reads the viewer's cached role
        if not by.has_perm("communities.remove_member", membership):
            raise PermissionRefused(
                _("Moderators may remove members, but not owners or other moderators.")
            )
        if community_rules.is_last_owner(membership):
            raise ServiceError(LAST_OWNER_MESSAGE, code="last_owner")
        membership.delete()
        Community.objects.filter(pk=locked.pk).update(member_count=F("member_count") - 1)
        # Chat, notifications and open tabs follow (hanse/core/signals.py).
        signals.send_on_commit(
            signals.membership_ended,
            signals.MembershipEnded(community_id=locked.pk, user_id=user.pk, reason="removed"),
        )
    _refresh_count(community)


def _guest_cannot_own(user: User) -> ServiceError:
    return ServiceError(
        _("%(name)s is a guest from a partner organisation: guests cannot own a community.")
        % {"name": user.display_name},
        code="guest",
    )


def membership_change_role(*, community: Community, user: User, role: str, by: User) -> Membership:
    """Make someone owner, moderator or member (owners and admins)."""
    _require(by, "communities.change_roles", community, _("Only owners may change roles."))
    if role not in Membership.Role.values:
        raise ServiceError(_("This role does not exist."), code="invalid_role")
    if not community_rules.may_hold_role(user, role):
        # As with an appointment: a guest takes part, and never owns (community_appoint_owner).
        raise _guest_cannot_own(user)
    with transaction.atomic():
        locked = _lock(community)
        membership = _membership_of(locked, user, lock=True)
        if membership.role == role:  # rule-home: no change to make, not a permission
            membership.community = community
            return membership
        if community_rules.is_last_owner(membership):
            raise ServiceError(LAST_OWNER_MESSAGE, code="last_owner")
        membership.role = role
        membership.save(update_fields=["role"])
        signals.send_on_commit(
            signals.membership_changed,
            signals.MembershipChanged(community_id=locked.pk, user_id=user.pk, change="role"),
        )
        _tell("role_changed", membership.pk, user_id=user.pk, actor_id=by.pk)
    community_rules.forget_roles(community)
    membership.community = community
    return membership


def community_appoint_owner(*, community: Community, user: User, by: User) -> Membership:
    """Appoint the owner of a community that has none (its only owner was erased with nobody
    to take over): platform administrators only. The person joins as owner, or a member is
    raised to owner; they are told (``owner_appointed``) and the audit log records it."""
    if not community_rules.can_appoint_owners(by):
        _require(
            by,
            "communities.appoint_owner",
            community,
            APPOINT_REFUSED_MESSAGE,
        )
    if is_guest(user):
        raise _guest_cannot_own(user)
    if not community_rules.may_own(user):
        raise ServiceError(
            _("%(name)s cannot become owner because their account is inactive.")
            % {"name": user.display_name},
            code="inactive_user",
        )
    with transaction.atomic():
        locked = _lock(community)
        # Decided under the lock: a second administrator (or a double submit) may have made
        # someone owner meanwhile; the rule reads the database, not the page's annotation.
        if not community_rules.can_appoint_owner(by, locked):
            raise ServiceError(HAS_OWNER_MESSAGE, code="has_owner")
        membership = (
            Membership.objects.select_for_update().filter(community=locked, user=user).first()
        )
        previous = membership.role if membership is not None else None
        if membership is None:
            # rule-home: the appointed person joins as owner (a write, not a check)
            membership = membership_add(community=locked, user=user, role=Membership.Role.OWNER)
        else:
            # rule-home: a write; rules.can_appoint_owner allowed it under the lock
            membership.role = Membership.Role.OWNER
            membership.save(update_fields=["role"])
            signals.send_on_commit(
                signals.membership_changed,
                signals.MembershipChanged(community_id=locked.pk, user_id=user.pk, change="role"),
            )
        record(
            "communities.owner_appointed",
            actor=by,
            target=("communities.community", locked.pk),
            data={"new_owner_id": user.pk, "previous_role": previous},
        )
        _tell("owner_appointed", membership.pk, user_id=user.pk, actor_id=by.pk)
    _refresh_count(community)
    community.__dict__.pop("has_owner", None)
    membership.community = community
    return membership


# --- join requests -------------------------------------------------------------------------


def join_request_create(*, community: Community, user: User, message: str = "") -> JoinRequest:
    """Ask to join a private community; moderators and owners decide."""
    message = (message or "").strip()
    if community_rules.is_member(user, community):
        raise ServiceError(_("You are already a member of this community."), code="already_member")
    _require(
        user,
        "communities.view_community",
        community,
        _("You may not ask to join this community."),
    )
    if community.kind == Community.Kind.OPEN:
        raise ServiceError(
            _("This community is open: you can join it directly."), code="not_private"
        )
    if community.kind == Community.Kind.SECRET:
        raise PermissionRefused(_("You can join this community only by invitation."))
    _require(
        user, "communities.request_join", community, _("You may not ask to join this community.")
    )
    if len(message) > MESSAGE_MAX:
        raise ServiceError(
            _("The message may be at most 500 characters long."), code="message_too_long"
        )
    if JoinRequest.objects.filter(
        community=community, user=user, status=JoinRequest.Status.PENDING
    ).exists():
        raise ServiceError(
            _("You have already asked to join. A moderator will decide soon."),
            code="already_requested",
        )
    if Invitation.objects.filter(
        community=community, invitee=user, status=Invitation.Status.PENDING
    ).exists():
        raise ServiceError(
            _("You have been invited already. Accept the invitation to join."),
            code="already_invited",
        )
    try:
        with transaction.atomic():
            request = JoinRequest.objects.create(community=community, user=user, message=message)
            _tell("join_request_created", request.pk, user_id=user.pk)
    except IntegrityError as exc:
        raise ServiceError(
            _("You have already asked to join. A moderator will decide soon."),
            code="already_requested",
        ) from exc
    return request


def _decide(request: JoinRequest, by: User, status: str) -> JoinRequest:
    community = request.community
    _require(
        by,
        "communities.manage_members",
        community,
        _("Only moderators and owners may decide on requests to join."),
    )
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != JoinRequest.Status.PENDING:
            raise ServiceError(_("This request has already been settled."), code="request_settled")
        if status == JoinRequest.Status.APPROVED:
            membership_add(community=community, user=request.user)
        locked.status = status
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        _tell("join_request_decided", locked.pk, user_id=locked.user_id, actor_id=by.pk)
    request.status, request.decided_by, request.decided_at = status, by, locked.decided_at
    return request


def join_request_approve(*, request: JoinRequest, by: User) -> JoinRequest:
    """Approve a pending request: the person becomes a member."""
    return _decide(request, by, JoinRequest.Status.APPROVED)


def join_request_decline(*, request: JoinRequest, by: User) -> JoinRequest:
    """Decline a pending request."""
    return _decide(request, by, JoinRequest.Status.DECLINED)


def join_request_withdraw(*, request: JoinRequest, by: User) -> JoinRequest:
    """The person who asked takes the request back."""
    if by.pk != request.user_id or not by.is_active:
        raise PermissionRefused(_("Only the person who asked can withdraw the request."))
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != JoinRequest.Status.PENDING:
            raise ServiceError(_("This request has already been settled."), code="request_settled")
        locked.status = JoinRequest.Status.WITHDRAWN
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
    request.status, request.decided_at = locked.status, locked.decided_at
    return request


# --- invitations ---------------------------------------------------------------------------


def invitation_create(*, community: Community, invitee: User, by: User) -> Invitation:
    """Invite a colleague (moderators and owners; any member of an open community)."""
    _require(
        by,
        "communities.invite",
        community,
        _("Only moderators and owners may invite people to this community."),
    )
    if not invitee.is_active:
        raise ServiceError(
            _("%(name)s cannot be invited because their account is inactive.")
            % {"name": invitee.display_name},
            code="inactive_user",
        )
    if Membership.objects.filter(community=community, user=invitee).exists():
        raise ServiceError(
            _("%(name)s is already a member of this community.") % {"name": invitee.display_name},
            code="already_member",
        )
    if Invitation.objects.filter(
        community=community, invitee=invitee, status=Invitation.Status.PENDING
    ).exists():
        raise ServiceError(
            _("%(name)s has already been invited.") % {"name": invitee.display_name},
            code="already_invited",
        )
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                community=community, invitee=invitee, invited_by=by
            )
            _tell("invitation_created", invitation.pk, user_id=invitee.pk, actor_id=by.pk)
    except IntegrityError as exc:
        raise ServiceError(
            _("%(name)s has already been invited.") % {"name": invitee.display_name},
            code="already_invited",
        ) from exc
    return invitation


def _pending_invitation_for(invitation: Invitation, by: User) -> Invitation:
    if by.pk != invitation.invitee_id or not by.is_active:
        raise PermissionRefused(_("This invitation is addressed to someone else."))
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status != Invitation.Status.PENDING:
        raise ServiceError(_("This invitation is no longer open."), code="invitation_settled")
    return locked


def invitation_accept(*, invitation: Invitation, by: User) -> Membership:
    """The invited person accepts and becomes a member."""
    with transaction.atomic():
        _pending_invitation_for(invitation, by)
        # membership_add marks this invitation accepted with the membership.
        membership = membership_add(community=invitation.community, user=by)
    invitation.refresh_from_db(fields=["status", "decided_at"])
    return membership


def invitation_decline(*, invitation: Invitation, by: User) -> Invitation:
    """The invited person says no, thank you."""
    with transaction.atomic():
        locked = _pending_invitation_for(invitation, by)
        locked.status = Invitation.Status.DECLINED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        # The invitation's notification may no longer be shown: recount the bell.
        _tell("invitation_settled", locked.pk, user_id=locked.invitee_id, actor_id=by.pk)
    invitation.status, invitation.decided_at = locked.status, locked.decided_at
    return invitation


def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Take back an open invitation (whoever sent it, moderators, owners, admins)."""
    community = invitation.community
    if not (by.is_active and by.pk == invitation.invited_by_id):
        _require(
            by,
            "communities.manage_members",
            community,
            _("Only the person who invited, moderators and owners may revoke an invitation."),
        )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != Invitation.Status.PENDING:
            raise ServiceError(_("This invitation is no longer open."), code="invitation_settled")
        locked.status = Invitation.Status.REVOKED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        # The invitation's notification may no longer be shown: recount the bell.
        _tell("invitation_settled", locked.pk, user_id=locked.invitee_id, actor_id=by.pk)
    invitation.status, invitation.decided_at = locked.status, locked.decided_at
    return invitation


# --- erasure of a person (GDPR Art. 17) ----------------------------------------------------


def ownership_pass_on(*, user: User, by: User | None = None) -> list[tuple[Community, User | None]]:
    """Before an erased person's memberships go: each community they own alone passes to its
    longest-standing moderator, else its longest-standing member (``successor_in``), who is
    told why (``ownership_passed``; ``by`` is the administrator who asked for the erasure,
    None for the command). A community with nobody else keeps no owner: it is marked as
    needing one (``rules.has_an_owner``: its page, the directory) and every platform
    administrator is told (``owner_needed``) until one of them makes someone its owner.
    Both are recorded in the audit log. Returns (community, successor or None)."""
    outcome: list[tuple[Community, User | None]] = []
    with transaction.atomic():
        for community, _planned in sole_ownerships(user=user):
            locked = _lock(community)
            # Decided again under the lock: a second owner may have been made meanwhile.
            if community_rules.has_another_owner(locked, user):
                continue
            successor = successor_in(community=locked, leaving=user)
            if successor is None:
                record(
                    "communities.left_without_owner",
                    actor=by,
                    target=("communities.community", locked.pk),
                    data={"reason": "erasure"},
                )
                _tell("owner_needed", locked.pk, user_id=None, actor_id=by.pk if by else None)
                outcome.append((community, None))
                continue
            membership = Membership.objects.get(community=locked, user=successor)
            # rule-home: a write; rules.ownership_successors chose who takes the role.
            membership.role = Membership.Role.OWNER
            membership.save(update_fields=["role"])
            signals.send_on_commit(
                signals.membership_changed,
                signals.MembershipChanged(
                    community_id=locked.pk, user_id=successor.pk, change="role"
                ),
            )
            _tell(
                "ownership_passed",
                membership.pk,
                user_id=successor.pk,
                actor_id=by.pk if by is not None else None,
            )
            record(
                "communities.owner_succeeded",
                actor=by,
                target=("communities.community", locked.pk),
                data={"reason": "erasure", "new_owner_id": successor.pk},
            )
            community_rules.forget_roles(community)
            outcome.append((community, successor))
    return outcome


def memberships_erase(*, user: User) -> int:
    """An erased person's memberships go with their account: deleted here (after
    ``ownership_pass_on``) so that each community's ``member_count`` goes down with them; the
    account's cascade would leave the counts one too high. Returns how many."""
    with transaction.atomic():
        community_ids = list(
            Membership.objects.filter(user=user).values_list("community_id", flat=True)
        )
        for community_id in sorted(community_ids):  # one lock order, as every writer takes it
            Community.objects.select_for_update().filter(pk=community_id).first()
        deleted, _rows = Membership.objects.filter(user=user).delete()
        Community.objects.filter(pk__in=community_ids, member_count__gt=0).update(
            member_count=F("member_count") - 1
        )
    return deleted
