"""hanse/core/http.py: the one toolkit views use at the edge."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import Http404
from django.test import RequestFactory

from hanse.core import http
from hanse.core.errors import ServiceError


def _request(path: str = "/", data: dict[str, str] | None = None):
    request = RequestFactory().post(path, data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # what MessageMiddleware would attach
    return request


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/communities/kaffee/", "/communities/kaffee/"),
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("javascript:alert(1)", "/fallback/"),
        ("", "/fallback/"),
    ],
)
def test_safe_next_stays_on_this_site(target, expected):
    """Only an address on this site is a place to go back to; anything else falls back."""
    request = _request(data={"next": target})
    assert http.safe_next(request, "/fallback/") == expected
    assert http.redirect_next(request, "/fallback/")["Location"] == expected


def test_attempt_shows_the_outcome_as_a_message():
    """A done write says so; a refused one shows the service's message and reports False."""
    request = _request()
    assert http.attempt(request, lambda: None, "Erledigt") is True

    def refuse() -> None:
        raise ServiceError("Geht nicht", code="nope")

    assert http.attempt(request, refuse, "Erledigt") is False
    assert [str(m) for m in get_messages(request)] == ["Erledigt", "Geht nicht"]


def test_a_hidden_refusal_stays_a_404():
    """A 404 from a service is a 404 page, never a message that tells what exists."""
    request = _request()

    def hidden() -> None:
        raise ServiceError("Gibt es nicht", code="not_found", status=404)

    with pytest.raises(Http404):
        http.attempt(request, hidden, "Erledigt")
    with pytest.raises(Http404):
        http.flash_error(request, ServiceError("x", status=404))
    assert list(get_messages(request)) == []
