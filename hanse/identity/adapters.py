from __future__ import annotations

from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from hanse.core.adapters import AccountAdapter as CoreAccountAdapter
from hanse.identity import rules
from hanse.identity.selectors import SECOND_FACTORS

ALLAUTH_MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"
SSO_AWARE_MFA_STAGE = "hanse.identity.sso.AuthenticateStage"


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


class AccountAdapter(CoreAccountAdapter):
    """The core adapter (no self sign-up, failed-login limits, suspension), with allauth's
    second-factor prompt replaced by one that knows SSO_COUNTS_AS_MFA (hanse/identity/sso.py)."""

    def get_login_stages(self) -> list[str]:
        stages: list[str] = super().get_login_stages()
        return [SSO_AWARE_MFA_STAGE if path == ALLAUTH_MFA_STAGE else path for path in stages]

    # Confirming one's identity before adding or removing a second factor: a sign-in through
    # the IdP in the last minutes counts, and "Sign in again with <IdP>" is offered (people
    # without a password have no other way; hanse/identity/sso.py).
    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        from hanse.identity import sso  # allauth's socialaccount models: registry ready

        required = bool(super().is_reauthentication_required(app=app, **kwargs))
        return required and not sso.recently_signed_in(self.request)

    def get_reauthentication_methods(self, user: Any) -> list[dict[str, Any]]:
        from hanse.identity import sso  # allauth's socialaccount models: registry ready

        methods: list[dict[str, Any]] = super().get_reauthentication_methods(user)
        return methods + sso.reauthentication_methods(self.request, user)
