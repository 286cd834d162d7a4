"""X-Forwarded-Proto counts only from TRUSTED_PROXIES: a client that talks to uvicorn
directly cannot make Django believe its plain-HTTP request came over HTTPS."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from hanse.core.net import ForwardedProtoMiddleware


def _seen_as_secure(remote_addr: str) -> bool:
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_PROTO="https")

    def view(r: HttpRequest) -> HttpResponse:
        return HttpResponse("secure" if r.is_secure() else "plain")

    return ForwardedProtoMiddleware(view)(request).content == b"secure"


@pytest.fixture
def behind_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]


def test_header_from_a_trusted_proxy_counts(behind_proxy):
    assert _seen_as_secure("10.1.2.3")
    assert _seen_as_secure("::1")


def test_header_from_anyone_else_is_dropped(behind_proxy):
    assert not _seen_as_secure("192.0.2.7")
    assert not _seen_as_secure("not an address")


def test_without_trusted_proxies_nobody_may_say_https(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = []
    assert not _seen_as_secure("127.0.0.1")


def test_the_middleware_runs_before_the_security_middleware(settings):
    """Django's SecurityMiddleware redirects by is_secure(): it must see the cleaned header."""
    order = settings.MIDDLEWARE
    assert order.index("hanse.core.net.ForwardedProtoMiddleware") < order.index(
        "django.middleware.security.SecurityMiddleware"
    )
