from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from hanse.identity import rules
from hanse.identity.selectors import SECOND_FACTORS


class MFAAdapter(DefaultMFAAdapter):
    """Whoever must use a second factor cannot remove their last one (the authenticator app,
    when no security key is left)."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        user = authenticator.user
        if not rules.mfa_required(user):
            return True
        others = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exclude(
            pk=authenticator.pk
        )
        return others.exists()
