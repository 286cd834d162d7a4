"""Single sign-on through allauth's socialaccount: OpenID Connect and SAML 2.0.

Who an identity from the IdP becomes (``SocialAccountAdapter.pre_social_login``):

- an identity already linked signs in as its person, unless that person is deactivated;
- otherwise it is matched to an existing person only by an e-mail address the IdP vouches
  for (``email_verified``, or the provider's ``verified_email`` setting: OIDC_TRUST_EMAIL,
  SAML_TRUST_EMAIL). A person with a password of their own (a local break-glass
  administrator) is never taken over unless ``SSO_LINK_PASSWORD_ACCOUNTS`` is on; people made
  by SCIM, an HR import or the directory have none and are linked;
- otherwise, with ``SSO_AUTO_SIGNUP``, the person is created with the name and e-mail address
  from the claims; without a verified address nobody is created.

Everything else is refused with a page that says why (403), and recorded. Every SSO sign-in
(``sso.login``), link (``sso.linked``), creation (``sso.signup``), refusal (``sso.refused``)
and failure at or from the IdP (``sso.failed``) is in the audit log, beside the
``auth.login`` every login writes.

Guests from partner organisations (``User.is_guest``, hanse/guests) sign in through the IdP
only with ``SSO_GUESTS``: then a guest's identity is linked by verified e-mail (a guest has a
password of their own by design) and the guest stays a guest; without it a guest is refused.
SSO never changes whether a person is a guest, and never creates anybody for an address
another app claims (``register_signup_check``: an open guest invitation), so an invited
partner cannot become an employee by signing in at an IdP that knows them.

MFA follows an SSO sign-in as any other (allauth's stage, ``MFARequiredMiddleware``) unless
``SSO_COUNTS_AS_MFA`` says the IdP's own second factor is enough.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account import signals as account_signals
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa import stages as mfa_stages
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from hanse.audit.services import record
from hanse.identity import middleware, slo
from hanse.people.guests import guest_expired, is_guest
from hanse.people.models import User

logger = logging.getLogger(__name__)

# Set in the session of a sign-in through the IdP when SSO_COUNTS_AS_MFA is on.
SSO_MFA_KEY = middleware.SSO_MFA_KEY


def _provider(sociallogin: SocialLogin) -> str:
    return str(sociallogin.account.provider)


# Checks other apps register (from their AppConfig.ready) that may refuse creating a person
# for these verified addresses: each answers (reason for the audit log, message for the
# person), or None.
SignupCheck = Callable[[set[str]], tuple[str, str] | None]
_signup_checks: list[SignupCheck] = []


def register_signup_check(check: SignupCheck) -> None:
    """Let an app above refuse an SSO sign-up for an address it claims (hanse/guests)."""
    if check not in _signup_checks:
        _signup_checks.append(check)


def _refuse(
    request: HttpRequest,
    sociallogin: SocialLogin,
    reason: str,
    user: User | None = None,
    message: str = "",
) -> ImmediateHttpResponse:
    messages = {
        "guest": _(
            "Guests sign in with the e-mail address and password they chose when accepting "
            "their invitation, not through single sign-on."
        ),
        "guest_expired": _("Your guest access has ended."),
        "inactive": _("This account is deactivated. Please contact your administrator."),
        "local_account": _(
            "An account with this e-mail address signs in with its own password. Sign in with "
            "that password, or ask your administrator to link it to single sign-on."
        ),
        "no_verified_email": _(
            "Your identity provider did not confirm an e-mail address, so no account can be "
            "found or created for you. Please contact your administrator."
        ),
        "signup_closed": _(
            "There is no account for you yet. Please ask your administrator to create one."
        ),
    }
    record(
        "sso.refused",
        actor=user,
        target=user,
        request=request,
        data={"provider": _provider(sociallogin), "reason": reason},
    )
    logger.info("sso sign-in refused", extra={"reason": reason})
    response = render(
        request,
        "identity/sso_refused.html",
        {"message": message or messages[reason]},
        status=403,
    )
    return ImmediateHttpResponse(response)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """The linking rules above; allauth does the protocols."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return bool(settings.SSO_AUTO_SIGNUP)

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # pre_social_login has made sure that the address is verified and nobody's: the
        # sign-up form (a person choosing their own e-mail address) is never shown.
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # A signed-in person links an identity to their own account (allauth refuses one
            # that is linked to somebody else): never matched to anybody by e-mail.
            current = request.user
            if isinstance(current, User) and is_guest(current) and not settings.SSO_GUESTS:
                raise _refuse(request, sociallogin, "guest", current)
            return
        if sociallogin.is_existing:
            user = sociallogin.user
            if not user.is_active:
                raise _refuse(request, sociallogin, "inactive", user)
            _check_guest(request, sociallogin, user)
            return
        addresses = {a.email.lower() for a in sociallogin.email_addresses if a.email}
        verified = {a.email.lower() for a in sociallogin.email_addresses if a.verified}
        if not verified:
            raise _refuse(request, sociallogin, "no_verified_email")
        user = _with_email(verified).order_by("pk").first()
        if user is None:
            # An unverified address of the IdP's that names an account is no way in either.
            taken = _with_email(addresses - verified).first()
            if taken is not None:
                raise _refuse(request, sociallogin, "no_verified_email", taken)
            if not self.is_open_for_signup(request, sociallogin):
                raise _refuse(request, sociallogin, "signup_closed")
            for check in _signup_checks:
                refusal = check(verified)
                if refusal is not None:
                    reason, message = refusal
                    raise _refuse(request, sociallogin, reason, message=message)
            # The person is made with a verified address, never an unverified one.
            sociallogin.user.email = _primary(sociallogin, verified)
            return
        if not user.is_active:
            raise _refuse(request, sociallogin, "inactive", user)
        _check_guest(request, sociallogin, user)
        # A guest (allowed by SSO_GUESTS) has a password of their own by design: no
        # break-glass account to protect.
        if (
            user.has_usable_password()
            and not settings.SSO_LINK_PASSWORD_ACCOUNTS
            and not is_guest(user)
        ):
            raise _refuse(request, sociallogin, "local_account", user)
        sociallogin.connect(request, user)
        record(
            "sso.linked",
            actor=user,
            target=user,
            request=request,
            data={"provider": _provider(sociallogin), "by": "verified_email"},
        )

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: str | None = None,
        exception: Exception | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        """A sign-in that failed at or on the way back from the IdP (cancelled, an error
        sent back, a changed or expired answer) is recorded; allauth then shows
        socialaccount/login_cancelled.html or authentication_error.html in Hanse's layout."""
        record(
            "sso.failed",
            request=request,
            data={
                "provider": str(getattr(provider, "sub_id", "")),
                "error": str(error or "unknown"),
            },
        )
        logger.info("sso sign-in failed", extra={"error": error})

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        # No password of its own: such a person signs in through the IdP only (and a later
        # password reset by e-mail would give them one).
        record(
            "sso.signup",
            actor=user,
            target=user,
            request=request,
            data={"provider": _provider(sociallogin)},
        )
        return user


def _check_guest(request: HttpRequest, sociallogin: SocialLogin, user: User) -> None:
    """A guest signs in through the IdP only with SSO_GUESTS, and only while their access
    lasts; they stay a guest (nothing here or in allauth changes ``is_guest``)."""
    if not is_guest(user):
        return
    if not settings.SSO_GUESTS:
        raise _refuse(request, sociallogin, "guest", user)
    if guest_expired(user):
        raise _refuse(request, sociallogin, "guest_expired", user)


def _with_email(emails: set[str]) -> QuerySet[User]:
    """The people with one of these addresses (stored as typed: compared ignoring case)."""
    if not emails:
        return User.objects.none()
    query = Q()
    for email in emails:
        query |= Q(email__iexact=email)
    return User.objects.filter(query)


def _primary(sociallogin: SocialLogin, verified: set[str]) -> str:
    for address in sociallogin.email_addresses:
        if address.primary and address.email.lower() in verified:
            return str(address.email)
    return sorted(verified)[0]


def counts_as_mfa(login: Any) -> bool:
    """Whether allauth's ``Login`` is a sign-in through the IdP that stands for the second
    factor (``SSO_COUNTS_AS_MFA``)."""
    if not getattr(settings, "SSO_COUNTS_AS_MFA", False):
        return False
    return bool((getattr(login, "signal_kwargs", None) or {}).get("sociallogin"))


class AuthenticateStage(mfa_stages.AuthenticateStage):
    """allauth's second-factor prompt, skipped for an SSO sign-in when SSO_COUNTS_AS_MFA."""

    def _should_handle(self, request: HttpRequest) -> bool:
        if counts_as_mfa(self.login):
            return False
        return bool(super()._should_handle(request))


def on_logged_in(
    sender: Any, request: HttpRequest, user: Any, sociallogin: Any = None, **kwargs: Any
) -> None:
    """allauth's signal after every login it performs: an SSO sign-in is recorded with its
    provider, and marks the session when it stands for the second factor."""
    slo.remember(request, sociallogin)  # what a single logout will name (or nothing)
    if sociallogin is None:
        if hasattr(request, "session"):
            request.session.pop(SSO_MFA_KEY, None)
        return
    if hasattr(request, "session"):
        if settings.SSO_COUNTS_AS_MFA:
            request.session[SSO_MFA_KEY] = True
        else:
            request.session.pop(SSO_MFA_KEY, None)
    record(
        "sso.login",
        actor=user,
        target=user,
        request=request,
        data={"provider": _provider(sociallogin)},
    )


def connect() -> None:
    account_signals.user_logged_in.connect(on_logged_in, dispatch_uid="hanse.identity.sso_login")


def recently_signed_in(request: HttpRequest | None) -> bool:
    """Whether the person signed in through an IdP within ACCOUNT_REAUTHENTICATION_TIMEOUT:
    that confirms who they are as a password typed again would (adding or removing a second
    factor asks for it). People without a password have no other way."""
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    times = [float(r.get("at", 0)) for r in records if r.get("method") == "socialaccount"]
    if not times:
        return False
    return time.time() - max(times) < account_settings.REAUTHENTICATION_TIMEOUT


def reauthentication_methods(request: HttpRequest | None, user: Any) -> list[dict[str, str]]:
    """ "Sign in again with <IdP>" for each configured provider the person has an identity
    at; back at the page that asked (``next``)."""
    if request is None or not getattr(user, "is_authenticated", False):
        return []
    linked = set(SocialAccount.objects.filter(user_id=user.pk).values_list("provider", flat=True))
    if not linked:
        return []
    # allauth adds ``next`` (the page that asked) to the URL of the method it picks.
    return [
        {
            "id": f"sso:{provider.sub_id}",
            "description": _("Sign in again with %(name)s") % {"name": provider.name},
            "url": provider.get_login_url(request),
        }
        for provider in get_social_adapter(request).list_providers(request)
        if provider.sub_id in linked
    ]
