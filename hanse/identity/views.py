from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from allauth.account.views import _logout as allauth_logout
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.socialaccount.providers.saml import views as saml_views
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hanse.core import ratelimit
from hanse.core.errors import ServiceError
from hanse.identity import selectors, services, slo

logger = logging.getLogger(__name__)


def sessions(request: HttpRequest) -> HttpResponse:
    """The person's own sessions: device, place, last activity."""
    rows = selectors.sessions_of(request.user, current_key=request.session.session_key)
    return render(
        request,
        "identity/sessions.html",
        {"rows": rows, "others": sum(1 for row in rows if not row.current)},
    )


@require_POST
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = selectors.get_session_for(request.user, session_id)
    except Http404:
        messages.error(request, _("This session has already ended."))
        return redirect("identity:sessions")
    try:
        services.session_end(user=request.user, session=session, request=request)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The session was ended."))
    return redirect("identity:sessions")


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = services.sessions_end_others(user=request.user, request=request)
    messages.success(
        request,
        ngettext(
            "%(count)d other session was ended.", "%(count)d other sessions were ended.", count
        )
        % {"count": count},
    )
    return redirect("identity:sessions")


@login_not_required
def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """Django admin's own login form knows no second factor: admin signs in through ours."""
    target = request.GET.get("next", "")
    response = redirect("account_login")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        response["Location"] += "?" + urlencode({"next": target})
    return response


# --- Single logout (hanse/identity/slo.py): allauth's logout, SAML ACS and SLS and OpenID
# Connect callback, each with what single logout needs added. ------------------------------


class LogoutView(allauth_logout.LogoutView):
    """allauth's logout; afterwards on to the IdP to end the sign-in there too, if the
    person signed in through one that supports it."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        at_idp = slo.logout_url(self.request)
        response = super().post(*args, **kwargs)
        if at_idp and response.status_code == 302:
            response["Location"] = at_idp
        return response


logout = LogoutView.as_view()


class SamlFinishACSView(saml_views.FinishACSView):
    """allauth's ACS, noting the NameID and SessionIndex a later LogoutRequest names."""

    def get_provider(self, organization_slug: str) -> Any:
        provider = super().get_provider(organization_slug)
        from_response = provider.sociallogin_from_response

        def noted(request: HttpRequest, auth: Any) -> Any:
            slo.capture_saml(request, organization_slug, auth)
            return from_response(request, auth)

        # This request's own provider object: the one the view goes on to use.
        provider.sociallogin_from_response = noted
        return provider


saml_finish_acs = SamlFinishACSView.as_view()


@csrf_exempt
@login_not_required
def saml_sls(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """The SAML single logout service (HTTP-Redirect binding): the IdP's LogoutResponse to
    Hanse's LogoutRequest, or the IdP's own LogoutRequest, which ends the person's sessions
    and is answered with a LogoutResponse. Anything not signed by the IdP is refused (400)."""
    from onelogin.saml2.errors import OneLogin_Saml2_Error
    from onelogin.saml2.logout_request import OneLogin_Saml2_Logout_Request
    from onelogin.saml2.logout_response import OneLogin_Saml2_Logout_Response

    provider = slo.saml_provider(request, organization_slug)
    redirect_to: str | None = None
    try:
        auth = slo.saml_auth(request, provider)  # the IdP's metadata may be unreachable
        if "SAMLResponse" in request.GET:
            answered = OneLogin_Saml2_Logout_Response(
                auth.get_settings(), request.GET["SAMLResponse"]
            ).document.get("InResponseTo")
            if not slo.saml_request_sent(answered, organization_slug):
                raise OneLogin_Saml2_Error("LogoutResponse to no LogoutRequest of Hanse's")
            auth.process_slo(keep_local_session=True, request_id=answered)
        elif "SAMLRequest" in request.GET:

            def end_sessions() -> None:
                xml = auth.get_last_request_xml()
                slo.saml_sessions_end(
                    request,
                    slug=organization_slug,
                    name_id=OneLogin_Saml2_Logout_Request.get_nameid(xml),
                    session_indexes=OneLogin_Saml2_Logout_Request.get_session_indexes(xml),
                )

            redirect_to = auth.process_slo(keep_local_session=False, delete_session_cb=end_sessions)
        else:
            raise OneLogin_Saml2_Error("no SAMLRequest or SAMLResponse")
    except Exception as exc:  # a broken message of any kind is the sender's error, not a 500
        logger.info("saml single logout refused: %s", exc)
        return _slo_refused(request)
    if auth.get_errors() == ["logout_not_success"]:
        # The IdP could not end every session it knows (PartialLogout): Hanse's has ended.
        logger.info("saml single logout: the IdP answered %s", auth.get_last_error_reason())
        return redirect("account_login")
    if auth.get_errors():
        logger.info(
            "saml single logout refused: %s: %s",
            ", ".join(auth.get_errors()),
            auth.get_last_error_reason(),
        )
        return _slo_refused(request)
    return redirect(redirect_to or "account_login")


def _slo_refused(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "identity/sso_refused.html",
        {
            "title": _("Logout not possible"),
            "message": _(
                "The logout message from your identity provider could not be verified, so no "
                "session was ended."
            ),
        },
        status=400,
    )


class _OpenIDAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's, keeping the ID token as id_token_hint for a later logout, and its subject
    and session (sid) for a back-channel logout."""

    _id_token_claims: dict[str, Any] | None = None

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        claims: dict[str, Any] = super()._decode_id_token(app, id_token)
        self._id_token_claims = claims
        return claims

    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any) -> Any:
        login = super().complete_login(request, app, token, **kwargs)
        id_token = kwargs["response"].get("id_token")
        if id_token:
            slo.capture_oidc(request, self.provider_id, id_token, self._id_token_claims or {})
        return login


@login_not_required
def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2CallbackView.adapter_view(_OpenIDAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


@csrf_exempt
@login_not_required
@require_POST
def oidc_backchannel_logout(request: HttpRequest, provider_id: str) -> HttpResponse:
    """OpenID Connect Back-Channel Logout 1.0: the provider POSTs a signed ``logout_token``
    (server to server, no browser); a valid one ends the sessions of that provider session
    (hanse/identity/slo.py). 200 whether or not anybody was signed in (the answer says
    nothing about who exists), 400 with a JSON error for anything else; never cached.
    Invalid tokens count against RATE_LIMITS "oidc_logout_failed" per client address."""
    client = ratelimit.ip_key(request)
    wait = ratelimit.exhausted("oidc_logout_failed", client)
    if wait:
        return _no_store(
            JsonResponse(
                {"error": "rate_limited", "error_description": "too many invalid logout tokens"},
                status=429,
                headers={"Retry-After": str(wait)},
            )
        )
    try:
        slo.oidc_backchannel_logout(request, provider_id, request.POST.get("logout_token", ""))
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc
    except Exception as exc:  # a broken token of any kind is the sender's error, not a 500
        if isinstance(exc, slo.LogoutTokenInvalid):
            logger.info("oidc back-channel logout refused: %s", exc)
        else:
            logger.warning("oidc back-channel logout refused", exc_info=True)
        ratelimit.hit("oidc_logout_failed", client)
        return _no_store(
            JsonResponse(
                {
                    "error": "invalid_request",
                    "error_description": "the logout token is not valid",
                },
                status=400,
            )
        )
    return _no_store(HttpResponse(status=200))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response
