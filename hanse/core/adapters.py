from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from the organisation (admin, seed, later SSO/SCIM): no self sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
