"""What guests add to single sign-on (hanse/identity/sso.py): no person is created through
the IdP for an address with a guest invitation that was not accepted. The invitation decides
what that person becomes (a guest, through its link), not the IdP: otherwise a partner whom
the bank's IdP knows (an Entra ID B2B guest, say) would sign in once and be an employee."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from hanse.guests.models import GuestInvitation


def open_invitation_refusal(addresses: set[str]) -> tuple[str, str] | None:
    """("guest_invitation", a message) when one of these addresses has an invitation that
    was not accepted."""
    if not addresses:
        return None
    same_address = Q()
    for address in addresses:
        same_address |= Q(email__iexact=address)  # stored as typed: compared ignoring case
    # Also one whose link has run out: the inviter said the address is a partner's, and an
    # administrator who knows better deletes the invitation.
    pending = GuestInvitation.objects.filter(same_address, accepted_at__isnull=True)
    if not pending.exists():
        return None
    return (
        "guest_invitation",
        _(
            "You have been invited as a guest. Please accept the invitation with the link in "
            "its e-mail (or ask the person who invited you for a new one); single sign-on does "
            "not set up guest accounts."
        ),
    )
