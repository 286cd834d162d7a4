"""Security headers, read from real responses: a Content Security Policy with a nonce and no
unsafe-inline, frame refusal, nosniff, Referrer-Policy, Permissions-Policy; HSTS and the HTTPS
redirect under production settings, and ``manage.py check --deploy`` clean with them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

INLINE_ATTRIBUTE = re.compile(r"<[^>]+\s(style|on[a-z]+)\s*=", re.IGNORECASE)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _nonce(response) -> str | None:
    for value in _policy(response).get("script-src", []):
        if value.startswith("'nonce-"):
            return value[len("'nonce-") : -1]
    return None


def _assert_no_inline(response, nonce: str | None) -> None:
    html = response.content.decode()
    found = INLINE_ATTRIBUTE.search(html)
    context = html[found.start() : found.end() + 60] if found else ""
    assert found is None, f"inline attribute: {context}"
    for tag, attrs in SCRIPT_OR_STYLE.findall(html):
        if "src=" in attrs or 'type="application/json"' in attrs:
            continue
        assert nonce and f'nonce="{nonce}"' in attrs, f"<{tag}{attrs}> has no nonce"


def test_headers_on_a_page(client_for, user) -> None:
    response = client_for(user).get("/")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
        assert feature in permissions
    _assert_no_inline(response, _nonce(response))


def test_nonce_differs_per_response_and_matches_the_inline_style(client_for, admin_user) -> None:
    client = client_for(admin_user)
    first = client.get(reverse("admin:index"))
    second = client.get(reverse("admin:index"))
    assert first.status_code == second.status_code == 200
    one, two = _nonce(first), _nonce(second)
    assert one and two and one != two
    assert f'<style nonce="{one}">' in first.content.decode()
    _assert_no_inline(first, one)


def test_pages_carry_no_inline_script_or_style(
    client_for, user, admin_user, make_community, make_user
) -> None:
    """The pages whose templates had inline styles, and a sample of the rest."""
    from hanse.participation.services import poll_create, poll_vote

    community = make_community("open", owner=user)
    poll = poll_create(author=user, question="Homeoffice?", options=["Ja", "Nein"])
    poll_vote(poll=poll, voter=user, option_ids=[poll.options.first().pk])
    client = client_for(user)
    urls = [
        "/",
        reverse("communities:detail", args=[community.slug]),
        reverse("communities:members", args=[community.slug]),
        reverse("participation:poll", args=[poll.pk]),
        "/settings/tokens/",
        "/search/?q=test",
        "/events/",
        "/chat/",
    ]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        _assert_no_inline(response, _nonce(response))
    admin = client_for(admin_user)
    for url in (reverse("audit:log"), reverse("admin:index"), reverse("admin:auth_group_add")):
        response = admin.get(url)
        assert response.status_code == 200, url
        _assert_no_inline(response, _nonce(response))


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "HANSE_ENV"))}
    env.update(
        HANSE_ENV="production",
        SECRET_KEY="x" * 60 + "-production-like-secret-for-the-check",
        ALLOWED_HOSTS="hanse.example.org",
        DEBUG="0",
    )
    return env


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_send_hsts_and_redirect_to_https(tmp_path: Path) -> None:
    """The production settings, loaded for real in a separate process, answer a plain-HTTP
    request with a redirect and an HTTPS one with HSTS and the CSP. (An API answer: pages need
    the collected static files of a real deployment.)"""
    script = (
        "import django, os; django.setup();"
        "from django.test import Client;"
        "c = Client(HTTP_HOST='hanse.example.org');"
        "r = c.get('/api/v1/announcements');"
        "print('plain', r.status_code, r.get('Location'));"
        "r = c.get('/api/v1/announcements', secure=True);"
        "print('hsts', r.status_code, r.get('Strict-Transport-Security'));"
        "print('csp', r.get('Content-Security-Policy'))"
    )
    env = _production_env()
    env["DJANGO_SETTINGS_MODULE"] = "hanse.settings"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    redirect = "301 https://hanse.example.org/api/v1/announcements"
    assert lines.get("plain", "").startswith(redirect), result.stdout + result.stderr
    assert lines["hsts"].startswith("401 max-age=31536000; includeSubDomains; preload")
    assert "'unsafe-inline'" not in lines["csp"] and "frame-ancestors 'none'" in lines["csp"]
