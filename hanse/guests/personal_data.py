"""What the guests app stores about a person: the invitations they received (as a guest) and
the ones they sent (as a community owner or moderator)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.guests.models import GuestInvitation


def _received(user: Any) -> Any:
    """Invitations addressed to the person: by account once accepted, by address before."""
    mine = Q(user=user)
    if user.email:
        mine |= Q(email__iexact=user.email)
    return GuestInvitation.objects.filter(mine)


def _export(user: Any) -> personal_data.Export:
    records = personal_data.rows(
        _received(user).order_by("created_at"),
        "organisation",
        "community__name",
        "created_at",
        "expires_at",
        "access_until",
        "accepted_at",
        kind="guest_invitation_received",
    )
    records += personal_data.rows(
        GuestInvitation.objects.filter(invited_by=user).order_by("created_at"),
        "email",
        "organisation",
        "community__name",
        "created_at",
        "accepted_at",
        kind="guest_invitation_sent",
    )
    return personal_data.Export(records, [])


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Invitations to the person go (they hold the address); the ones they sent stay for the
    community under the pseudonym, or lose their sender under "delete"."""
    received = _received(user)
    count = received.count()
    received.delete()
    sent = GuestInvitation.objects.filter(invited_by=user)
    to = erasure.pseudonym if erasure.keeps_content else None
    moved = sent.update(invited_by=to)
    return {"guest_invitations": count + moved}


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="guests",
            label=_("Guest invitations"),
            description=_(
                "Invitations you received as a guest from a partner organisation, and the "
                "invitations you sent to guests (their e-mail address, organisation and "
                "community)."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_("Guest invitations sent to the person's address are deleted."),
                pseudonymise=_(
                    "Guest invitations the person sent stay with the community, under the "
                    "pseudonym."
                ),
                delete=_(
                    "Guest invitations the person sent stay with the community, without a sender."
                ),
            ),
            order=145,
        )
    )
