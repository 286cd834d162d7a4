"""Writes for guests: invite, accept, change the expiry, end expired access."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hanse.audit.services import record
from hanse.chat.models import Channel, ChannelMember
from hanse.communities.models import Community, Membership
from hanse.communities.services import membership_add
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.core.rules import is_platform_admin
from hanse.guests.models import GuestInvitation
from hanse.identity.services import person_deactivate
from hanse.people.guests import is_guest
from hanse.people.models import User

MAX_ORGANISATION_CHARS = 120


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_invite_guests(user: Any, community: Community) -> bool:
    """A community's owners and moderators, and platform administrators (never a guest)."""
    return (
        bool(user.has_perm("communities.manage_members", community))
        and not is_guest(user)
        and user.is_active
    )


def _clean_access_until(access_until: datetime | None) -> datetime:
    now = timezone.now()
    if access_until is None:
        return now + timedelta(days=settings.GUEST_ACCESS_DAYS)
    if access_until <= now:
        raise ServiceError(_("The end of the guest access must lie in the future."), code="past")
    if access_until > now + timedelta(days=settings.GUEST_ACCESS_MAX_DAYS):
        raise ServiceError(
            _("Guest access can be granted for at most %(days)d days.")
            % {"days": settings.GUEST_ACCESS_MAX_DAYS},
            code="too_long",
        )
    return access_until


def guest_invite(
    *,
    by: User,
    community: Community,
    email: str,
    organisation: str,
    channels: Sequence[Channel] = (),
    access_until: datetime | None = None,
    request: HttpRequest | None = None,
) -> tuple[GuestInvitation, str]:
    """Invite someone from a partner organisation by e-mail into ``community`` and some of
    its channels; answers the invitation and the link's token (sent by e-mail after commit)."""
    if not may_invite_guests(by, community):
        raise PermissionRefused(_("Only the community's owners and moderators can invite guests."))
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ServiceError(_("Enter a valid e-mail address."), code="invalid_email") from exc
    organisation = " ".join((organisation or "").split())
    if not organisation:
        raise ServiceError(_("Name the guest's organisation."), code="organisation_missing")
    if len(organisation) > MAX_ORGANISATION_CHARS:
        raise ServiceError(
            _("The organisation's name can have at most %(max)d characters.")
            % {"max": MAX_ORGANISATION_CHARS},
            code="organisation_too_long",
        )
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and not existing.is_guest:
        raise ServiceError(
            _("%(email)s belongs to a colleague: invite them as a member instead.")
            % {"email": email},
            code="employee",
        )
    foreign = [c for c in channels if c.community_id != community.pk]
    if foreign:
        raise ServiceError(_("Choose channels of this community."), code="foreign_channel")
    access_until = _clean_access_until(access_until)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = GuestInvitation.objects.create(
            email=email,
            organisation=organisation,
            community=community,
            invited_by=by,
            token_hash=token_hash(token),
            expires_at=timezone.now() + timedelta(days=settings.GUEST_INVITATION_DAYS),
            access_until=access_until,
        )
        invitation.channels.set(channels)
        record(
            "guests.invited",
            actor=by,
            target=invitation,
            request=request,
            data={
                "community": community.pk,
                "channels": sorted(c.pk for c in channels),
                "access_until": access_until.isoformat(),
            },
        )
        link = reverse("guests:accept", args=[token])
        if request is not None:
            link = request.build_absolute_uri(link)
        inviter, name = by.display_name, community.name
        transaction.on_commit(lambda: _send_invitation(email, link, inviter, name, organisation))
    return invitation, token


def _send_invitation(email: str, link: str, inviter: str, community: str, org: str) -> None:
    context = {"link": link, "inviter": inviter, "community": community, "organisation": org}
    send_mail(
        subject=_("%(inviter)s invites you to “%(community)s” on Hanse")
        % {"inviter": inviter, "community": community},
        message=render_to_string("guests/invitation_email.txt", context),
        from_email=None,
        recipient_list=[email],
    )


def invitation_for_token(token: str) -> GuestInvitation | None:
    """The open invitation of this link (not accepted, not expired), or None."""
    invitation = (
        GuestInvitation.objects.select_related("community")
        .filter(token_hash=token_hash(token or ""), accepted_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.expires_at <= timezone.now():
        return None
    return invitation


def _free_username(email: str) -> str:
    base = slugify(email.split("@")[0])[:20] or "gast"
    base = f"gast-{base}"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def guest_accept(
    *,
    token: str,
    first_name: str,
    last_name: str,
    password: str,
    request: HttpRequest | None = None,
) -> User:
    """Accept an invitation: the guest account is created (or, for a returning guest, its
    expiry extended) and joins the community and channels, in one transaction."""
    first_name, last_name = first_name.strip()[:150], last_name.strip()[:150]
    if not first_name or not last_name:
        raise ServiceError(_("Enter your first and last name."), code="name_missing")
    with transaction.atomic():
        invitation = invitation_for_token(token)
        if invitation is None:
            raise ServiceError(
                _("This invitation link is not valid any more. Ask for a new invitation."),
                code="not_found",
                status=404,
            )
        invitation = GuestInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ServiceError(_("This invitation has already been accepted."), code="accepted")
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is not None and not user.is_guest:
            raise ServiceError(_("This address belongs to a colleague's account."), code="employee")
        if user is None:
            user = User(
                username=_free_username(invitation.email),
                email=invitation.email,
                first_name=first_name,
                last_name=last_name,
                is_guest=True,
            )
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ServiceError(" ".join(exc.messages), code="weak_password") from exc
            user.set_password(password)
        user.is_active = True
        user.guest_organisation = invitation.organisation
        user.guest_expires_at = max(
            invitation.access_until, user.guest_expires_at or invitation.access_until
        )
        user.save()
        if not Membership.objects.filter(community=invitation.community, user=user).exists():
            membership_add(community=invitation.community, user=user)
        ChannelMember.objects.bulk_create(
            [ChannelMember(channel=c, user=user) for c in invitation.channels.all()],
            ignore_conflicts=True,
        )
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
        record(
            "guests.accepted",
            actor=user,
            target=invitation,
            request=request,
            data={"community": invitation.community_id, "guest": user.pk},
        )
    return user


def guest_set_expiry(
    *, user: User, by: User, expires_at: datetime, request: HttpRequest | None = None
) -> User:
    """Set or extend a guest's access (platform administrators)."""
    if not is_platform_admin(by):
        raise PermissionRefused(_("Only administrators can change a guest's access."))
    if not user.is_guest:
        raise ServiceError(_("This person is not a guest."), code="not_guest")
    expires_at = _clean_access_until(expires_at)
    with transaction.atomic():
        old = user.guest_expires_at
        user.guest_expires_at = expires_at
        user.save(update_fields=["guest_expires_at"])
        record(
            "guests.expiry_changed",
            actor=by,
            target=user,
            request=request,
            data={"old": old.isoformat() if old else None, "new": expires_at.isoformat()},
        )
    return user


def guests_deactivate_expired(*, now: datetime | None = None) -> int:
    """Deactivate every active guest whose access has run out, through identity's
    ``person_deactivate`` (sessions, API tokens and WebSockets end). Answers how many."""
    now = now or timezone.now()
    expired = User.objects.filter(is_guest=True, is_active=True, guest_expires_at__lte=now)
    count = 0
    for user in expired.iterator():
        person_deactivate(user=user, actor=None, reason="guest_expired", request=None)
        count += 1
    return count
