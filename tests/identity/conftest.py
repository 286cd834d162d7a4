"""Identity fixtures: a real login through allauth's form (the sessions page needs what a
real login records), TOTP codes computed as an authenticator app does."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client

from hanse.people.models import User
from tests.conftest import PASSWORD
from tests.support.oidc import (  # the real OpenID provider
    OpenIDProvider,
    SsoBrowser,
    oidc_provider,  # noqa: F401
)
from tests.support.saml import HOST, SamlIdP, saml_idp  # noqa: F401  # the real SAML IdP
from tests.support.slapd import directory, slapd, tls_slapd  # noqa: F401  # the real OpenLDAP

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def totp_code(secret: str, *, step: int = 0) -> str:
    """The code an authenticator app shows now (step=1: the next one)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


@pytest.fixture
def logged_in() -> Callable[..., Client]:
    """A client signed in through the login form, from a given device and address."""

    def make(person: User, *, agent: str = FIREFOX_WINDOWS, ip: str = "127.0.0.1") -> Client:
        client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
        response = client.post("/accounts/login/", {"login": person.username, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return client

    return make


@pytest.fixture
def mfa_for(settings: Any) -> Callable[..., None]:
    """Require MFA for the given roles (tests elsewhere run without the requirement)."""

    def require(*roles: str) -> None:
        settings.MFA_REQUIRED_FOR = list(roles)

    return require


@pytest.fixture
def oidc(oidc_provider: OpenIDProvider, settings: Any) -> Iterator[SsoBrowser]:  # noqa: F811
    """A browser session against Hanse with the real OpenID provider configured."""
    settings.SOCIALACCOUNT_PROVIDERS = oidc_provider.app_settings()
    browser = SsoBrowser()
    yield browser
    browser.close()


@pytest.fixture
def saml(saml_idp: SamlIdP, settings: Any) -> Iterator[SsoBrowser]:  # noqa: F811
    """A browser session against Hanse with the real SAML IdP configured."""
    settings.SOCIALACCOUNT_PROVIDERS = saml_idp.app_settings()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    browser = SsoBrowser(host=HOST)
    yield browser
    browser.close()
